import Foundation

/// Everything the daemon, the CLI and the admin server keep: the ledger, the events emitted, the
/// outbox with every attempt and report, and each gateway's health. One protocol, in plain Core
/// types, that a store implements whole: SQLite for one township, PostgreSQL for a county. The
/// contract suite in FafangTestSupport (`StoreContract`) holds every implementation to the same
/// behaviour.
///
/// A store decides no message state: it writes what `MessageLifecycle` decided, guarded by the
/// state the decision started from (`MessageChange.expected`), and selects claimable messages by
/// `MessageLifecycle.isClaimable`.
public protocol Store: Sendable {
    // MARK: Ledger

    /// Records a batch of payments atomically, idempotent on the bank reference: a reference seen
    /// before with the same content is skipped, with other content it is a problem. `check` sees,
    /// inside the same transaction, what each (project, payee) was paid before this entry, and
    /// returns a problem for an entry that must not be recorded. Any problem rejects the whole
    /// batch (`LedgerRejection`).
    /// Each entry's `recordedBy` is stored with it. `audit`, given what was recorded, is the
    /// audit log's entry for it, written in the same transaction (none when it returns nil).
    func recordLedger(_ entries: [LedgerEntry], source: String, now: Date,
                      audit: (@Sendable (LedgerWriteResult) -> AuditEntry?)?,
                      check: @escaping @Sendable (_ entry: LedgerEntry, _ paidBefore: Money) -> String?) async throws -> LedgerWriteResult

    /// What each project was paid on each value date, kept as payments are recorded: status and
    /// metrics read this, never the whole ledger.
    func ledgerTotals() async throws -> [LedgerDayTotal]

    /// The payments recorded after the one with position `after` (0: all), in the order recorded,
    /// and the position of the last one (`after` when there are none). Positions only grow.
    func ledger(after: Int64) async throws -> (entries: [LedgerEntry], last: Int64)

    // MARK: Events and enqueueing

    /// Keys of every event already emitted.
    func emittedKeys() async throws -> Set<String>

    /// Records the events as emitted and enqueues their messages, in one transaction: after a
    /// crash either both are there or neither. An item with `approval` is enqueued `held`, in the
    /// open batch of its project and day (a new one when there is none open). An event some of whose messages could not be made
    /// is kept with its problem (`unroutedEvents`) until a later `enqueue` of it has none.
    /// Events and messages already present are skipped. Returns the number of new messages.
    @discardableResult
    func enqueue(_ batch: EnqueueBatch, now: Date) async throws -> Int

    /// Events with messages that could not be made (no template, no gateway), with the problem:
    /// they are routed again after every configuration reload.
    func unroutedEvents() async throws -> [UnroutedEvent]

    // MARK: Outbox

    /// Leases up to `limit` claimable messages (`MessageLifecycle.isClaimable`) of gateways not
    /// paused to `owner` until `now + lease`, in the order they fell due.
    func claim(limit: Int, owner: String, now: Date, lease: TimeInterval) async throws -> [OutboxMessage]

    /// Leases one due message of a paused gateway, as its probe (nil when none is due).
    func claimProbe(gateway: String, owner: String, now: Date, lease: TimeInterval) async throws -> OutboxMessage?

    /// Leases, with `message`, other pending messages to the same webhook recipient whose kinds
    /// are in `kinds` and that fall due by `dueBy`: they go out as one digest.
    func claimCompanions(of message: OutboxMessage, kinds: Set<DueEvent.Kind>, owner: String, now: Date, dueBy: Date,
                         lease: TimeInterval, limit: Int) async throws -> [OutboxMessage]

    /// Writes lifecycle transitions in one transaction, each only if the message is still as its
    /// `expected` says; with its attempt or report. Returns, per change, nil when written, or
    /// the message as it now is when it had moved on (the caller applies its event again to it).
    func commit(_ changes: [MessageChange]) async throws -> [OutboxMessage?]

    /// Records a report for a message that it left as it was (intermediate, or late).
    func record(_ receipt: DeliveryReceipt) async throws

    func message(id: Int64) async throws -> OutboxMessage?

    /// The message a delivery report is about: by our idempotency key, else by the gateway's
    /// reference (and, when given, the phone: one cloud SMS batch shares a reference).
    func message(matching key: String, phone: String?) async throws -> OutboxMessage?

    /// Messages in `states`, and (when given) of this id or updated since `since`.
    func messages(in states: Set<MessageState>, id: Int64?, since: Date?) async throws -> [OutboxMessage]

    /// Messages with their attempts and reports, newest first.
    func deliveries(_ filter: DeliveryFilter) async throws -> [DeliveryRecord]

    func outboxCounts() async throws -> [MessageState: Int]

    /// When the next message falls due (pending of a gateway not paused, a lease that expires,
    /// a probe of a paused gateway); nil when nothing waits.
    func nextDue() async throws -> Date?

    /// Attempts started since `since`, with their message's channel, gateway and recipient: the
    /// rate-limit windows and the per-phone daily budgets are rebuilt from them after a restart.
    func recentAttempts(since: Date) async throws -> [RecentAttempt]

    func attemptCount() async throws -> Int
    func timeline() async throws -> OutboxTimeline

    // MARK: Approval

    /// Batches in `states` (all when nil), newest first.
    func approvalBatches(states: Set<ApprovalBatch.State>?, limit: Int) async throws -> [ApprovalBatch]

    func approvalBatch(id: Int64) async throws -> ApprovalBatch?

    /// Up to `limit` messages of a batch, in the order enqueued.
    func batchMessages(id: Int64, limit: Int) async throws -> [OutboxMessage]

    /// Applies an approver's decision in one transaction: every held message of the batch
    /// becomes pending (`MessageLifecycle.approved`) or rejected (`rejected(reason:)`), and the
    /// batch records who, when and why, and the decision's `audit` entry is written. Refused
    /// (nothing written) unless the batch is open and still holds `expectedCount` messages. Who
    /// may decide is checked by the caller (`ApprovalRule`), against the batch it showed.
    /// Returns the batch as decided.
    func decide(_ decision: BatchDecision, now: Date) async throws -> Result<ApprovalBatch, ApprovalRefusal>

    // MARK: Audit log

    /// Appends an operator action (its `id` is assigned).
    func recordAudit(_ entry: AuditEntry) async throws

    /// The newest `limit` actions, before the one with id `before` when given.
    func auditLog(limit: Int, before: Int64?) async throws -> [AuditEntry]

    // MARK: Inquiries (inbound SMS)

    /// Records an inbound SMS and, when it is answered, enqueues its reply, in one transaction
    /// with its audit entry (`InquiryRecord.auditEntry`): a record whose intake and provider id
    /// were seen before is a `.duplicate` and writes nothing; one with `reply` nil is `.ignored`;
    /// when the phone's inquiries answered since `dayStart` are `dailyLimit` or more it is
    /// `.limited` (the reply is not enqueued); else `.replied` with the reply's outbox id. The
    /// reply is enqueued pending, never held (`reply.approval` is ignored). Concurrent calls for
    /// one phone (several daemons) are serialised, so the limit holds between them.
    func recordInquiry(_ inquiry: InquiryRecord, reply: OutboxItem?, dailyLimit: Int, dayStart: Date) async throws -> InquiryResult

    // MARK: Gateway health

    /// Every gateway with a health record, by name.
    func gatewayHealth() async throws -> [GatewayHealth]

    /// Writes a gateway's health; with `requeueWaiting`, in the same transaction its pending
    /// messages waiting out a retry delay become due at `now` (`MessageLifecycle.gatewayResumed`).
    func save(_ health: GatewayHealth, requeueWaitingAt now: Date?) async throws

    // MARK: Space

    /// Writes a scratch row of 64 KiB and removes it again, each committed: succeeds only when
    /// the database can grow by that much, so the daemon knows space was freed after a write
    /// failed for lack of it (`StoreSpace.isOutOfSpace`). Leaves no row behind.
    func probeSpace() async throws
}

/// A transition for `Store.commit`: the message as the lifecycle left it, what it must still be
/// for the write to happen, and the attempt or report that caused it.
public struct MessageChange: Sendable, Hashable {
    /// The state and lease holder the transition started from.
    public struct Expected: Sendable, Hashable {
        public var state: MessageState
        public var leaseOwner: String?

        public init(state: MessageState, leaseOwner: String?) {
            self.state = state
            self.leaseOwner = leaseOwner
        }
    }

    public var message: OutboxMessage
    public var expected: Expected
    public var attempt: DeliveryAttempt?
    public var receipt: DeliveryReceipt?

    public init(message: OutboxMessage, expected: Expected, attempt: DeliveryAttempt? = nil, receipt: DeliveryReceipt? = nil) {
        self.message = message
        self.expected = expected
        self.attempt = attempt
        self.receipt = receipt
    }

    /// The change from `before` to `after`.
    public init(from before: OutboxMessage, to after: OutboxMessage, attempt: DeliveryAttempt? = nil, receipt: DeliveryReceipt? = nil) {
        self.init(message: after, expected: Expected(state: before.state, leaseOwner: before.leaseOwner), attempt: attempt, receipt: receipt)
    }
}

/// Events and the messages made of them, for `Store.enqueue`.
public struct EnqueueBatch: Sendable {
    public var events: [DueEvent]
    public var items: [OutboxItem]
    /// Per event key, why some of its messages could not be made; an event routed without
    /// problems clears an earlier one.
    public var problems: [String: String]

    public init(events: [DueEvent], items: [OutboxItem], problems: [String: String] = [:]) {
        self.events = events
        self.items = items
        self.problems = problems
    }
}

/// An event kept because some of its messages could not be made.
public struct UnroutedEvent: Sendable, Hashable {
    public var event: DueEvent
    public var problem: String
    public var emittedAt: Date

    public init(event: DueEvent, problem: String, emittedAt: Date) {
        self.event = event
        self.problem = problem
        self.emittedAt = emittedAt
    }
}

/// A recent attempt, for rebuilding rate limits.
public struct RecentAttempt: Sendable, Hashable {
    public var startedAt: Date
    public var channel: Channel
    public var gateway: String
    public var recipient: String
    public var number: Int

    public init(startedAt: Date, channel: Channel, gateway: String, recipient: String, number: Int) {
        self.startedAt = startedAt
        self.channel = channel
        self.gateway = gateway
        self.recipient = recipient
        self.number = number
    }
}

/// A filter for `Store.deliveries`: every condition given must hold.
public struct DeliveryFilter: Sendable, Hashable {
    public var payeeID: String?
    public var village: String?
    public var state: MessageState?
    /// Updated at or after.
    public var since: Date?
    /// Updated before.
    public var until: Date?
    public var projectCode: String?
    /// The last digits of the recipient's phone (SMS only), e.g. `5678`.
    public var phoneTail: String?
    /// Only messages with an id below this (the next page, newest first).
    public var beforeID: Int64?
    public var limit: Int

    public init(payeeID: String? = nil, village: String? = nil, state: MessageState? = nil, since: Date? = nil, until: Date? = nil,
                projectCode: String? = nil, phoneTail: String? = nil, beforeID: Int64? = nil, limit: Int = 500) {
        self.payeeID = payeeID
        self.village = village
        self.state = state
        self.since = since
        self.until = until
        self.projectCode = projectCode
        self.phoneTail = phoneTail
        self.beforeID = beforeID
        self.limit = limit
    }
}

/// A message with every attempt and report.
public struct DeliveryRecord: Sendable, Hashable {
    public var message: OutboxMessage
    public var attempts: [DeliveryAttempt]
    public var receipts: [DeliveryReceipt]

    public init(message: OutboxMessage, attempts: [DeliveryAttempt], receipts: [DeliveryReceipt]) {
        self.message = message
        self.attempts = attempts
        self.receipts = receipts
    }
}

/// When the outbox filled and when it was worked off: the first and last message enqueued, the
/// first and last attempt started (nil when there are none). Benchmarks read the pipeline from it.
public struct OutboxTimeline: Sendable, Hashable {
    public var firstEnqueued: Date?
    public var lastEnqueued: Date?
    public var firstAttempt: Date?
    public var lastAttempt: Date?

    public init(firstEnqueued: Date? = nil, lastEnqueued: Date? = nil, firstAttempt: Date? = nil, lastAttempt: Date? = nil) {
        self.firstEnqueued = firstEnqueued
        self.lastEnqueued = lastEnqueued
        self.firstAttempt = firstAttempt
        self.lastAttempt = lastAttempt
    }
}

/// What recording a batch of ledger entries did.
public struct LedgerWriteResult: Sendable, Hashable {
    /// Entries new to the ledger.
    public var inserted: [LedgerEntry]
    /// Entries whose bank reference was already recorded with the same content (a replay).
    public var duplicates: Int

    public init(inserted: [LedgerEntry], duplicates: Int) {
        self.inserted = inserted
        self.duplicates = duplicates
    }
}

/// Why a batch of ledger entries was refused. Nothing of the batch is recorded.
public struct LedgerRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// One refused entry: its 0-based index in the batch, and why.
    public struct Problem: Sendable, Hashable {
        public var index: Int
        public var message: String

        public init(index: Int, message: String) {
            self.index = index
            self.message = message
        }
    }

    public var problems: [Problem]

    public init(problems: [Problem]) { self.problems = problems }

    public var description: String { problems.map { "entry \($0.index + 1): \($0.message)" }.joined(separator: "; ") }
}
