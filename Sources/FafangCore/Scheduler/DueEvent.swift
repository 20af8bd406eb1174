/// Something the scheduler decided must be told, to whom, with the facts the message needs.
/// Its `key` is stable: the same situation always yields the same key, so an event already
/// emitted (recorded by the store) is never emitted again, across re-runs and crashes.
public struct DueEvent: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        case paymentRecorded = "payment_recorded"
        case milestoneApproaching = "milestone_approaching"
        case milestoneOverdue = "milestone_overdue"
        case caughtUp = "caught_up"
        case paymentInProgress = "payment_in_progress"
        /// From the scheduler, about no project: the holiday calendar lacks a year (the office is told).
        case calendarUncovered = "calendar_uncovered"
        /// Not from the scheduler: the dispatcher gave a message up (the office is told).
        case deliveryDead = "delivery_dead"
        /// Not from the scheduler: a gateway kept failing and was paused (the office is told).
        case endpointPaused = "endpoint_paused"
        /// Not from the scheduler: the state directory's disk is nearly full (the office is told).
        case diskLow = "disk_low"
        /// Not from the scheduler: the answer to a household's 查询 SMS, from a registered phone.
        case inquiryReply = "inquiry_reply"
        /// Not from the scheduler: the neutral answer to a 查询 SMS from a phone no register holds.
        case inquiryUnknown = "inquiry_unknown"

        /// Whether the scheduler emits this kind (the others are the daemon's operational alerts
        /// and the answers to inquiries).
        public var isScheduled: Bool { !isOperational && !isInquiry }

        /// Whether it is the daemon's alert to the finance office.
        public var isOperational: Bool { self == .deliveryDead || self == .endpointPaused || self == .diskLow }

        /// Whether it answers a household's inquiry (`[inquiry]`): never held for approval.
        public var isInquiry: Bool { self == .inquiryReply || self == .inquiryUnknown }
    }

    /// Who is told.
    public enum Audience: Hashable, Sendable, Codable {
        /// A household or person of the event's project, by SMS.
        case payee(String)
        /// A village committee (by village name), by webhook.
        case village(String)
        /// The township finance office.
        case financeOffice
    }

    public var key: String
    public var kind: Kind
    public var projectCode: String
    public var audiences: [Audience]
    public var facts: Facts

    public init(key: String, kind: Kind, projectCode: String, audiences: [Audience], facts: Facts) {
        self.key = key
        self.kind = kind
        self.projectCode = projectCode
        self.audiences = audiences
        self.facts = facts
    }

    /// The data a template may use; absent fields are nil.
    public struct Facts: Hashable, Sendable, Codable {
        public var payeeID: String?
        public var amount: Money?
        public var paymentDate: CivilDate?
        public var bankReference: String?
        /// Who recorded the payment (payment_recorded): the ledger entry's `recordedBy`; they
        /// may not approve the batch its SMS joins.
        public var recordedBy: String?
        public var deadline: CivilDate?
        public var cumulative: Percent?
        public var target: Money?
        public var paid: Money?
        public var daysLeft: Int?
        public var daysOverdue: Int?
        public var grade: ProgressGrade?
        /// A year the holiday calendar does not cover (calendar_uncovered).
        public var uncoveredYear: Int?
        /// The latest year it covers, nil when none (calendar_uncovered).
        public var coveredThrough: Int?

        public init() {}
    }
}
