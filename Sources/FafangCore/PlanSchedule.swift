/// Where a project stands against its plan on a given day: each milestone with its cumulative
/// target in money, the day it falls due and the days left until then.
public struct PlanSchedule: Hashable, Sendable {
    /// One milestone as seen on `asOf`.
    public struct Line: Hashable, Sendable {
        public var milestone: Milestone
        /// The day it falls due under the project's deadline policy: the deadline as written, or
        /// the next working day when that is a day off.
        public var due: CivilDate
        /// The cumulative amount due by the end of the due day, exact to the fen.
        public var target: Money
        /// Days from `asOf` to the due day: 0 on that day itself, negative once passed.
        public var daysLeft: Int
    }

    public var asOf: CivilDate
    public var lines: [Line]

    public init(project: Project, asOf: CivilDate, deadlines: DeadlineRule = .asWritten) {
        self.asOf = asOf
        self.lines = project.plan.map { milestone in
            let due = deadlines.due(of: milestone)
            return Line(milestone: milestone, due: due, target: project.target(of: milestone), daysLeft: asOf.days(until: due))
        }
    }

    /// The first milestone whose deadline is today or later.
    public var next: Line? { lines.first { $0.daysLeft >= 0 } }

    /// The milestones that decide how a project stands with `paid`, each graded: the latest one
    /// passed, and — only when that one is met — the next one. The last entry is the deciding
    /// one; empty when the plan has no milestone left to judge by (then on track).
    public func graded(paid: Money, budget: Money, slightThreshold: Percent) -> [(line: Line, grade: ProgressGrade)] {
        var result: [(Line, ProgressGrade)] = []
        for candidate in [lines.last { $0.daysLeft < 0 }, next].compactMap({ $0 }) {
            let grade = ProgressGrade.of(paid: paid, target: candidate.target, budget: budget, slightThreshold: slightThreshold)
            result.append((candidate, grade))
            if candidate.daysLeft < 0, grade == .onTrack { continue }
            break
        }
        return result
    }

    /// The grade of `paid` against the milestone that matters now (see `graded`).
    public func grade(paid: Money, budget: Money, slightThreshold: Percent) -> ProgressGrade {
        graded(paid: paid, budget: budget, slightThreshold: slightThreshold).last?.grade ?? .onTrack
    }
}

/// How the amounts owed to a project's payees compare with its budget.
public struct Reconciliation: Hashable, Sendable {
    public var budget: Money
    public var owed: Money
    public var payeeCount: Int

    public init(budget: Money, payees: [Payee]) {
        self.budget = budget
        self.owed = payees.map(\.owed).sum()
        self.payeeCount = payees.count
    }

    public init(budget: Money, payees: PayeeRegister) {
        self.budget = budget
        self.owed = payees.totalOwed
        self.payeeCount = payees.count
    }

    /// Owed minus budget: positive when the register asks for more than was budgeted.
    public var difference: Money { owed - budget }
    public var balances: Bool { difference == .zero }
}
