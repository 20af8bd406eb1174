/// When the scheduler warns, and how often it repeats itself.
public struct SchedulerSettings: Sendable, Hashable {
    /// Days before a milestone at which a project behind its target is warned about.
    public var approachDays: [Int]
    /// An overdue milestone is reported again every this many days until caught up.
    public var overdueRepeatDays: Int
    /// Behind by at most this many percentage points grades as slightly behind.
    public var slightThreshold: Percent
    /// Whether unpaid households get a courteous "payment in progress" SMS.
    public var inProgressNotice: Bool
    /// Days after the milestone covering a household before that SMS.
    public var inProgressDelayDays: Int

    public init(approachDays: [Int] = [14, 7, 1], overdueRepeatDays: Int = 7, slightThreshold: Percent = .whole(5),
                inProgressNotice: Bool = false, inProgressDelayDays: Int = 7) {
        self.approachDays = approachDays.sorted(by: >)
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

    public init(project: Project, payees: PayeeRegister) {
        self.project = project
        self.payees = payees
    }

    public init(project: Project, payees: some Sequence<Payee>) {
        self.init(project: project, payees: PayeeRegister(payees))
    }
}
