/// Where a project stands against its plan on a given day: each milestone with its cumulative
/// target in money and the days left until it.
public struct PlanSchedule: Hashable, Sendable {
    /// One milestone as seen on `asOf`.
    public struct Line: Hashable, Sendable {
        public var milestone: Milestone
        /// The cumulative amount due by the end of the deadline, exact to the fen.
        public var target: Money
        /// Days from `asOf` to the deadline: 0 on the deadline itself, negative once passed.
        public var daysLeft: Int
    }

    public var asOf: CivilDate
    public var lines: [Line]

    public init(project: Project, asOf: CivilDate) {
        self.asOf = asOf
        self.lines = project.plan.map { milestone in
            Line(milestone: milestone, target: project.target(of: milestone), daysLeft: asOf.days(until: milestone.deadline))
        }
    }

    /// The first milestone whose deadline is today or later.
    public var next: Line? { lines.first { $0.daysLeft >= 0 } }
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

    /// Owed minus budget: positive when the register asks for more than was budgeted.
    public var difference: Money { owed - budget }
    public var balances: Bool { difference == .zero }
}
