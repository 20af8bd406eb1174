import Foundation

/// The scheduler as a pure function: from the plan, the ledger, the time and what was already
/// emitted, the events that are due now. No clock, no I/O; the daemon's timer calls it.
public enum Scheduler {
    /// - Parameters:
    ///   - now: the current instant; its civil date in `zone` is "today".
    ///   - emitted: keys of events already emitted (and so never emitted again).
    public static func dueEvents(projects: [ScheduledProject], ledger: [LedgerEntry], now: Date, zone: TimeZone,
                                 emitted: Set<String>, settings: SchedulerSettings = SchedulerSettings()) -> [DueEvent] {
        dueEvents(projects: projects, ledger: LedgerView(entries: ledger, today: CivilDate.of(now, in: zone)), emitted: emitted,
                  settings: settings)
    }

    /// The same, from a ledger view kept up to date by the caller (the daemon), on the view's day.
    public static func dueEvents(projects: [ScheduledProject], ledger: LedgerView, emitted: Set<String>,
                                 settings: SchedulerSettings = SchedulerSettings()) -> [DueEvent] {
        var events: [DueEvent] = []
        for scheduled in projects {
            let state = ProjectState(scheduled: scheduled, totals: ledger.totals(of: scheduled.project.code), today: ledger.today,
                                     settings: settings)
            events += state.paymentEvents()
            events += state.milestoneEvents(emitted: emitted)
            if settings.inProgressNotice { events += state.inProgressEvents() }
        }
        return events.filter { !emitted.contains($0.key) }
    }
}

/// One project's standing on one day, and the events that follow from it.
struct ProjectState {
    let project: Project
    let payees: PayeeRegister
    let deadlines: DeadlineRule
    /// Payments not yet notified, oldest first.
    let unnotified: [LedgerEntry]
    let today: CivilDate
    let settings: SchedulerSettings
    let paid: Money
    let paidByPayee: [String: Money]

    init(scheduled: ScheduledProject, totals: LedgerView.ProjectTotals, today: CivilDate, settings: SchedulerSettings) {
        project = scheduled.project
        payees = scheduled.payees
        deadlines = scheduled.deadlines
        unnotified = totals.unnotified.sorted { ($0.date, $0.bankReference) < ($1.date, $1.bankReference) }
        self.today = today
        self.settings = settings
        paid = totals.paid
        paidByPayee = totals.paidByPayee
    }

    /// Villages with a payee not yet paid in full (for a transfer, the villages themselves).
    /// Read from the register's columns: it has a million payees.
    var villagesWithUnpaidPayees: [String] {
        var seen = Set<String>()
        var villages: [String] = []
        for position in payees.indices {
            let paid = paidByPayee.isEmpty ? .zero : paidByPayee[payees.id(at: position)] ?? .zero
            guard paid < payees.owed(at: position) else { continue }
            let village = payees.village(at: position)
            if seen.insert(village).inserted { villages.append(village) }
        }
        return villages
    }

    func audience(at position: Int) -> DueEvent.Audience {
        payees.kind(at: position) == .village ? .village(payees.village(at: position)) : .payee(payees.id(at: position))
    }

    /// One notice per recorded payment, to the one paid.
    func paymentEvents() -> [DueEvent] {
        guard !unnotified.isEmpty else { return [] }
        return unnotified.compactMap { entry in
            guard let payee = payees.position(of: entry.payeeID) else { return nil }
            var facts = DueEvent.Facts()
            facts.payeeID = entry.payeeID
            facts.amount = entry.amount
            facts.paymentDate = entry.date
            facts.bankReference = entry.bankReference
            facts.recordedBy = entry.recordedBy
            return DueEvent(key: PaymentNotice.key(project: project.code, entry: entry), kind: .paymentRecorded,
                            projectCode: project.code, audiences: [audience(at: payee)], facts: facts)
        }
    }

    func facts(for milestone: Milestone) -> DueEvent.Facts {
        var facts = DueEvent.Facts()
        facts.deadline = due(milestone)
        facts.cumulative = milestone.cumulative
        facts.target = project.target(of: milestone)
        facts.paid = paid
        facts.daysLeft = today.days(until: due(milestone))
        facts.grade = ProgressGrade.of(paid: paid, target: project.target(of: milestone), budget: project.budget.total,
                                       slightThreshold: settings.slightThreshold)
        return facts
    }

    var alertAudiences: [DueEvent.Audience] {
        [.financeOffice] + villagesWithUnpaidPayees.map { .village($0) }
    }

    /// The day `milestone` falls due under the project's deadline policy.
    func due(_ milestone: Milestone) -> CivilDate { deadlines.due(of: milestone) }

    /// Days from today to `milestone`'s due day, counted as the warnings are (calendar or working days).
    func daysLeft(to milestone: Milestone) -> Int {
        switch settings.approachDaysUnit {
        case .calendarDays: return today.days(until: due(milestone))
        case .workingDays: return deadlines.calendar.workingDays(after: today, through: due(milestone))
        }
    }

    /// Warnings before the next milestone, overdue reports after the latest passed one, and
    /// caught-up notices for milestones that were reported overdue and are now met. Milestones
    /// count from the day they fall due; keys name the deadline as written (the milestone).
    func milestoneEvents(emitted: Set<String>) -> [DueEvent] {
        var events: [DueEvent] = []
        let prefix = "milestone:\(project.code)"
        // Approaching: the smallest threshold at or above the days left (a daemon started late
        // sends the latest warning it missed, not every one).
        if let next = project.plan.first(where: { today <= due($0) }) {
            let left = daysLeft(to: next)
            if let threshold = settings.approachDays.filter({ $0 >= left }).min() {
                let facts = facts(for: next)
                if facts.grade != .onTrack {
                    events.append(DueEvent(key: "\(prefix):\(next.deadline):approaching:T-\(threshold)", kind: .milestoneApproaching,
                                           projectCode: project.code, audiences: alertAudiences, facts: facts))
                }
            }
        }
        // Overdue: only the latest milestone passed (it subsumes earlier ones), repeated every
        // `overdueRepeatDays` until met.
        let passed = project.plan.filter { due($0) < today }
        if let latest = passed.last {
            var facts = facts(for: latest)
            if facts.grade != .onTrack {
                let overdue = due(latest).days(until: today)
                facts.daysOverdue = overdue
                let occurrence = (overdue - 1) / settings.overdueRepeatDays
                events.append(DueEvent(key: "\(prefix):\(latest.deadline):overdue:\(occurrence)", kind: .milestoneOverdue,
                                       projectCode: project.code, audiences: alertAudiences, facts: facts))
            }
        }
        for milestone in passed where paid >= project.target(of: milestone) {
            // Was it ever reported overdue? Its reports are numbered 0… up to today's.
            let latestOccurrence = (due(milestone).days(until: today) - 1) / settings.overdueRepeatDays
            let overdueKey = "\(prefix):\(milestone.deadline):overdue:"
            guard (0...max(0, latestOccurrence)).contains(where: { emitted.contains(overdueKey + String($0)) }) else { continue }
            events.append(DueEvent(key: "\(prefix):\(milestone.deadline):caught-up", kind: .caughtUp,
                                   projectCode: project.code, audiences: [.financeOffice] + villagesOf(all: true),
                                   facts: facts(for: milestone)))
        }
        return events
    }

    private func villagesOf(all: Bool) -> [DueEvent.Audience] {
        payees.villages.map { .village($0) }
    }

    /// Courtesy notices to households and persons still wholly unpaid `inProgressDelayDays`
    /// after the milestone that covers them: payees in register order, the milestone covering a
    /// payee being the first whose cumulative target reaches the owed amounts up to and including it.
    func inProgressEvents() -> [DueEvent] {
        var events: [DueEvent] = []
        var running = Money.zero
        for position in payees.indices where payees.kind(at: position) != .village {
            let owed = payees.owed(at: position)
            running += owed
            let id = payees.id(at: position)
            guard (paidByPayee[id] ?? .zero) == .zero,
                  let covering = project.plan.first(where: { project.target(of: $0) >= running }) ?? project.plan.last,
                  due(covering).days(until: today) >= settings.inProgressDelayDays
            else { continue }
            var facts = facts(for: covering)
            facts.payeeID = id
            facts.amount = owed
            events.append(DueEvent(key: "in-progress:\(project.code):\(id):\(covering.deadline)", kind: .paymentInProgress,
                                   projectCode: project.code, audiences: [.payee(id)], facts: facts))
        }
        return events
    }
}
