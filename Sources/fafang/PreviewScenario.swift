import ArgumentParser
import FafangConfig
import FafangCore

/// The event `fafang preview` renders: what the scheduler would emit about one payee of one
/// project on one day, with a sample payment or a given amount paid so far. No ledger is read.
struct PreviewScenario {
    var event: DueEvent
    /// The day looked from.
    var day: CivilDate
    /// Payees of the project not yet paid in full, supposing payments went in register order.
    var unpaid: [Payee]

    /// - Parameters:
    ///   - at: the day; defaults per kind around the project's first milestone.
    ///   - paid: paid so far on the project (milestone events); default nothing, or the target for caught_up.
    init(kind: DueEvent.Kind, project: ProjectConfiguration, payee: Payee, at: CivilDate?, paid: Money?) throws {
        let plan = project.project.plan
        guard let first = plan.first else { throw ValidationError("project \(project.project.code) has no plan") }
        let kindDefault: CivilDate
        switch kind {
        case .paymentRecorded, .deliveryDead, .endpointPaused, .calendarUncovered, .diskLow, .inquiryReply, .inquiryUnknown: kindDefault = first.deadline
        case .milestoneApproaching: kindDefault = first.deadline.adding(days: -7)
        case .caughtUp: kindDefault = first.deadline.adding(days: 14)
        case .paymentInProgress, .milestoneOverdue: kindDefault = first.deadline.adding(days: 7)
        }
        let day = at ?? kindDefault
        var milestone = first
        switch kind {
        case .paymentRecorded, .deliveryDead, .endpointPaused, .calendarUncovered, .diskLow, .inquiryReply, .inquiryUnknown:
            break
        case .paymentInProgress:
            milestone = plan.last { $0.deadline < day } ?? first
        case .milestoneApproaching:
            guard let next = plan.first(where: { day <= $0.deadline }) else {
                throw ValidationError("no milestone on or after \(day) (the last is \(plan.last?.deadline ?? first.deadline)); give an earlier --at")
            }
            milestone = next
        case .milestoneOverdue, .caughtUp:
            guard let passed = plan.last(where: { $0.deadline < day }) else {
                throw ValidationError("no milestone before \(day) (the first is \(first.deadline)); give a later --at")
            }
            milestone = passed
        }
        self.day = day
        var facts = DueEvent.Facts()
        let target = project.project.target(of: milestone)
        let paidSoFar = paid ?? (kind == .caughtUp ? target : .zero)
        switch kind {
        case .paymentRecorded:
            facts.payeeID = payee.id
            facts.amount = payee.owed
            facts.paymentDate = day
            facts.bankReference = "PREVIEW"
        case .paymentInProgress:
            facts.payeeID = payee.id
            facts.amount = payee.owed
            facts.deadline = milestone.deadline
        case .milestoneApproaching, .milestoneOverdue, .caughtUp:
            facts.deadline = milestone.deadline
            facts.cumulative = milestone.cumulative
            facts.target = target
            facts.paid = paidSoFar
            facts.grade = ProgressGrade.of(paid: paidSoFar, target: target, budget: project.project.budget.total,
                                           slightThreshold: SchedulerSettings().slightThreshold)
            if kind == .milestoneApproaching { facts.daysLeft = day.days(until: milestone.deadline) }
            if kind == .milestoneOverdue { facts.daysOverdue = milestone.deadline.days(until: day) }
        case .deliveryDead, .endpointPaused, .calendarUncovered, .diskLow, .inquiryReply, .inquiryUnknown:
            break
        }
        var running = Money.zero
        unpaid = project.payees.filter { candidate in
            running += candidate.owed
            return running > paidSoFar
        }
        event = DueEvent(key: "preview:\(kind.rawValue):\(project.project.code):\(payee.id)", kind: kind,
                         projectCode: project.project.code, audiences: [], facts: facts)
    }
}
