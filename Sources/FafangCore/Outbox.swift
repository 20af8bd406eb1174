import Foundation

/// How a message travels.
public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
    /// To a household or person's mobile, through the SMS gateway.
    case sms
    /// To a village committee's robot or signed webhook (or the finance office's).
    case webhook
}

/// The life of an outbox row: pending → sending (leased) → sent → delivered | failed | dead.
/// `sent` means the gateway accepted it and a delivery report may still come; `failed` is a
/// delivery report saying it did not arrive; `dead` is given up (permanent error or retries exhausted).
public enum OutboxState: String, Sendable, Hashable, Codable, CaseIterable {
    case pending, sending, sent, delivered, failed, dead
}

/// One message to one recipient on one channel, as the scheduler's event turned into it: the
/// unit the outbox stores, leases, sends and retries.
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
    /// Not to be sent before this instant (quiet hours are applied at dispatch too).
    public var notBefore: Date

    public init(idempotencyKey: String, eventKey: String, kind: DueEvent.Kind, projectCode: String, channel: Channel,
                gateway: String, recipient: String, village: String?, payeeID: String?, text: String, title: String?,
                notBefore: Date) {
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
        self.notBefore = notBefore
    }

    /// Safe for logs: a phone is masked, an endpoint name shown.
    public var maskedRecipient: String { channel == .sms ? Mask.phone(recipient) : recipient }
}
