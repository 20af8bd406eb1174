import Foundation

/// How a message travels.
public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
    /// To a household or person's mobile, through the SMS gateway.
    case sms
    /// To a village committee's robot or signed webhook (or the finance office's).
    case webhook
}

/// Where an outbox message stands. Only `MessageLifecycle` moves a message from one to another.
///
/// (held → pending | rejected) pending → sending (leased) → sent → delivered | failed, or → dead;
/// a webhook's success is final (delivered), an SMS's `sent` waits for the delivery report.
public enum MessageState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for an approver (`[approval]`): in an `ApprovalBatch`, never claimed until approved.
    case held
    /// Waiting for its time (first send, a retry, or held by quiet hours or a rate limit).
    case pending
    /// Leased to a sender; returns to the claimable set when the lease expires.
    case sending
    /// Accepted by the gateway; a delivery report may still say where it ended.
    case sent
    /// Reached the phone or the robot.
    case delivered
    /// A delivery report said it did not arrive.
    case failed
    /// Given up: a permanent failure or retries exhausted (the office is told).
    case dead
    /// Its batch was rejected by an approver: kept, with the reason as its last error, never sent.
    case rejected

    /// Whether nothing more will happen to it unless an operator acts.
    public var isSettled: Bool { self == .delivered || self == .failed || self == .dead || self == .rejected }
}

/// One message to one recipient on one channel, as the scheduler's event turned into it: what
/// is enqueued.
public struct OutboxItem: Sendable, Hashable {
    /// Sent with every attempt (webhook-id, Kannel/Aliyun/Tencent reference) so a receiver can
    /// drop a duplicate after a crash. Derived from event key, channel and recipient.
    public var idempotencyKey: String
    public var eventKey: String
    public var kind: DueEvent.Kind
    public var projectCode: String
    public var channel: Channel
    /// The gateway or endpoint name it goes through.
    public var gateway: String
    /// Phone digits for SMS (personal data: stored, never logged), the endpoint name for webhooks.
    public var recipient: String
    /// For grouping webhook alerts into a village digest.
    public var village: String?
    public var payeeID: String?
    /// The rendered text (Chinese) and, for robots, a title.
    public var text: String
    public var title: String?
    /// For cloud SMS templates: the fields the text was rendered from, by name (masked values).
    public var templateParameters: [String: String]
    /// Not to be sent before this instant (quiet hours are applied at dispatch too).
    public var notBefore: Date
    /// Set when an approver must release it first (`ApprovalSettings.requiresApproval`): the
    /// batch it joins. It is enqueued `held`. An instruction to `Store.enqueue`: a message read
    /// back names its batch by `OutboxMessage.batchID` instead (this is nil then).
    public var approval: ApprovalHold?
    /// The payment it tells of (payment notices), for a batch's total.
    public var amount: Money?
    /// SMS segments its text takes (1 for a webhook), for what a batch will cost.
    public var segments: Int
    /// The operator (or machine source) who recorded the payment it tells of: they may not
    /// approve its batch.
    public var recordedBy: String?

    public init(idempotencyKey: String, eventKey: String, kind: DueEvent.Kind, projectCode: String, channel: Channel,
                gateway: String, recipient: String, village: String?, payeeID: String?, text: String, title: String?,
                templateParameters: [String: String] = [:], notBefore: Date, approval: ApprovalHold? = nil,
                amount: Money? = nil, segments: Int = 1, recordedBy: String? = nil) {
        self.approval = approval
        self.amount = amount
        self.segments = segments
        self.recordedBy = recordedBy
        self.idempotencyKey = idempotencyKey
        self.eventKey = eventKey
        self.kind = kind
        self.projectCode = projectCode
        self.channel = channel
        self.gateway = gateway
        self.recipient = recipient
        self.village = village
        self.payeeID = payeeID
        self.text = text
        self.title = title
        self.templateParameters = templateParameters
        self.notBefore = notBefore
    }

    /// Safe for logs: a phone is masked, an endpoint name shown.
    public var maskedRecipient: String { channel == .sms ? Mask.phone(recipient) : recipient }
}

/// A message in the outbox: what was enqueued, and where its delivery stands.
public struct OutboxMessage: Sendable, Hashable {
    public var id: Int64
    public var item: OutboxItem
    public var state: MessageState
    /// Attempts made (a held message counts none).
    public var attempts: Int
    /// When it may be sent (or, while leased, was due).
    public var nextAttemptAt: Date
    /// The sender instance holding it while `sending`, and until when.
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    /// The gateway's id for it (Kannel: ours; Aliyun: BizId; Tencent: SerialNo).
    public var gatewayReference: String?
    /// Why the last attempt failed, or why it is held or dead.
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// The approval batch it joined when it was enqueued held (`item.approval`); nil for a
    /// message that never waited for an approver.
    public var batchID: Int64?

    public init(id: Int64, item: OutboxItem, state: MessageState, attempts: Int, nextAttemptAt: Date, leaseOwner: String? = nil,
                leaseExpiresAt: Date? = nil, gatewayReference: String? = nil, lastError: String? = nil, createdAt: Date, updatedAt: Date,
                batchID: Int64? = nil) {
        self.batchID = batchID
        self.id = id
        self.item = item
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.gatewayReference = gatewayReference
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var idempotencyKey: String { item.idempotencyKey }
    public var kind: DueEvent.Kind { item.kind }
    public var channel: Channel { item.channel }
    public var gateway: String { item.gateway }
    public var recipient: String { item.recipient }
    public var projectCode: String { item.projectCode }
    /// Safe for logs.
    public var maskedRecipient: String { item.maskedRecipient }
}

/// One try at sending one message.
public struct DeliveryAttempt: Sendable, Hashable {
    public var outboxID: Int64
    /// 1 for the first attempt.
    public var number: Int
    public var startedAt: Date
    public var durationMilliseconds: Int
    public var httpStatus: Int?
    public var curlCode: Int?
    public var verdict: AttemptVerdict
    /// The gateway's reply or the transport error, redacted.
    public var detail: String

    public init(outboxID: Int64, number: Int, startedAt: Date, durationMilliseconds: Int, httpStatus: Int?, curlCode: Int?,
                verdict: AttemptVerdict, detail: String) {
        self.outboxID = outboxID
        self.number = number
        self.startedAt = startedAt
        self.durationMilliseconds = durationMilliseconds
        self.httpStatus = httpStatus
        self.curlCode = curlCode
        self.verdict = verdict
        self.detail = detail
    }
}

/// What a gateway's later report (Kannel DLR, status push) says of a message.
public enum ReceiptStatus: Sendable, Hashable {
    /// It reached the phone.
    case delivered
    /// It did not, and will not.
    case failed
    /// On its way (Kannel's "accepted by SMSC", "queued"): recorded, the state kept.
    case intermediate
}

/// A gateway's later report on a message.
public struct DeliveryReceipt: Sendable, Hashable {
    public var outboxID: Int64
    public var receivedAt: Date
    /// The gateway's status word (`delivered`, `failed`, `accepted`…).
    public var status: String
    public var detail: String

    public init(outboxID: Int64, receivedAt: Date, status: String, detail: String) {
        self.outboxID = outboxID
        self.receivedAt = receivedAt
        self.status = status
        self.detail = detail
    }
}
