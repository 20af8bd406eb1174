/// When the scheduler warns, and how often it repeats itself.
public struct SchedulerSettings: Sendable, Hashable {
    /// How `approachDays` are counted (`approach_days_unit`).
    public enum DayUnit: String, Sendable, Hashable, CaseIterable {
        /// Calendar days: 7 days before a Monday deadline is the Monday before.
        case calendarDays = "calendar_days"
        /// Working days of the holiday calendar: 1 working day before a deadline on the Monday
        /// after National Day is the last working day before the holiday.
        case workingDays = "working_days"
    }

    /// Days before a milestone at which a project behind its target is warned about.
    public var approachDays: [Int]
    /// Whether `approachDays` are calendar or working days.
    public var approachDaysUnit: DayUnit
    /// An overdue milestone is reported again every this many days until caught up.
    public var overdueRepeatDays: Int
    /// Behind by at most this many percentage points grades as slightly behind.
    public var slightThreshold: Percent
    /// Whether unpaid households get a courteous "payment in progress" SMS.
    public var inProgressNotice: Bool
    /// Days after the milestone covering a household before that SMS.
    public var inProgressDelayDays: Int

    public init(approachDays: [Int] = [14, 7, 1], overdueRepeatDays: Int = 7, slightThreshold: Percent = .whole(5),
                inProgressNotice: Bool = false, inProgressDelayDays: Int = 7, approachDaysUnit: DayUnit = .calendarDays) {
        self.approachDays = approachDays.sorted(by: >)
        self.approachDaysUnit = approachDaysUnit
        self.overdueRepeatDays = max(1, overdueRepeatDays)
        self.slightThreshold = slightThreshold
        self.inProgressNotice = inProgressNotice
        self.inProgressDelayDays = inProgressDelayDays
    }
}

/// A project with its payees, as the scheduler sees it.
public struct ScheduledProject: Sendable, Hashable {
    public var project: Project
    public var payees: PayeeRegister
    /// When its milestones fall due (and the calendar working days are counted in).
    public var deadlines: DeadlineRule

    public init(project: Project, payees: PayeeRegister, deadlines: DeadlineRule = .asWritten) {
        self.project = project
        self.payees = payees
        self.deadlines = deadlines
    }

    public init(project: Project, payees: some Sequence<Payee>, deadlines: DeadlineRule = .asWritten) {
        self.init(project: project, payees: PayeeRegister(payees), deadlines: deadlines)
    }
}
