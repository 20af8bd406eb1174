import FafangCore
import Foundation

/// One message to one recipient, rendered and ready for a gateway.
public struct OutboundMessage: Sendable, Hashable {
    /// Stable across retries and restarts: receivers drop a second copy with the same key.
    public var idempotencyKey: String
    public var recipient: Recipient
    /// The rendered Chinese text (for SMS, without the 【签名】: the gateway adds it).
    public var text: String
    /// A title for robots that show one (markdown messages); nil for plain text.
    public var title: String?
    /// What kind of message it is: cloud SMS gateways choose the vendor's approved template by it
    /// (`[gateways.NAME.templates]`). Nil for a test message (`fafang send-test`).
    public var kind: DueEvent.Kind?
    /// Template parameters for cloud SMS (Aliyun/Tencent send a template code and parameters):
    /// the same fields, by the same names, that the Mustache templates of `kind` see
    /// (`TemplateContext.values`), already masked.
    public var templateParameters: [String: String]

    public init(idempotencyKey: String, recipient: Recipient, text: String, title: String? = nil, kind: DueEvent.Kind? = nil,
                templateParameters: [String: String] = [:]) {
        self.idempotencyKey = idempotencyKey
        self.recipient = recipient
        self.text = text
        self.title = title
        self.kind = kind
        self.templateParameters = templateParameters
    }
}

/// Who a message goes to.
public enum Recipient: Sendable, Hashable, CustomStringConvertible {
    /// A household or person, by SMS.
    case phone(PhoneNumber)
    /// A village committee's group robot or webhook, by endpoint name.
    case endpoint(String)

    /// Masked: safe for logs.
    public var description: String {
        switch self {
        case let .phone(phone): return phone.masked
        case let .endpoint(name): return name
        }
    }
}

/// A way out to households or committees: builds the request for a message and reads the reply.
/// Every gateway has this one small interface, so the dispatcher and the shared tests treat them alike.
///
/// `now` is always wall-clock time (a transport timestamp: signatures, `webhook-timestamp`,
/// Aliyun's `Timestamp`, Tencent's `X-TC-Timestamp`), never the daemon's virtual clock.
public protocol Gateway: Sendable {
    /// The configured name, e.g. `kannel` or `village-v01`.
    var name: String { get }
    /// How many messages one request may carry: 1 for most; a cloud SMS gateway that sends
    /// personalised batches (Aliyun SendBatchSms, Tencent SendSms) more.
    var batchLimit: Int { get }
    /// The HTTP request that delivers `message`, signed as of `now`.
    func request(for message: OutboundMessage, now: Date) throws(GatewayError) -> HTTPRequest
    /// Classifies the outcome of that request; `now` is when it finished, the reference for an
    /// HTTP-date `Retry-After`.
    func interpret(_ outcome: HTTPOutcome, for message: OutboundMessage, now: Date) -> DeliveryVerdict
    /// One request for several messages (at most `batchLimit`, all of this gateway).
    func request(for messages: [OutboundMessage], now: Date) throws(GatewayError) -> HTTPRequest
    /// The verdict of each message of a batch, in the order given: a partly failed request
    /// delivers some and retries or gives up the others.
    func interpret(_ outcome: HTTPOutcome, for messages: [OutboundMessage], now: Date) -> [DeliveryVerdict]
}

extension Gateway {
    public var batchLimit: Int { 1 }

    /// A gateway of one message per request takes a batch of one.
    public func request(for messages: [OutboundMessage], now: Date) throws(GatewayError) -> HTTPRequest {
        guard messages.count == 1, let message = messages.first else {
            throw GatewayError(gateway: name, message: "takes one message per request, not \(messages.count)")
        }
        return try request(for: message, now: now)
    }

    public func interpret(_ outcome: HTTPOutcome, for messages: [OutboundMessage], now: Date) -> [DeliveryVerdict] {
        messages.map { interpret(outcome, for: $0, now: now) }
    }

    /// Classifies the outcome of that request as of the current time.
    public func interpret(_ outcome: HTTPOutcome, for message: OutboundMessage) -> DeliveryVerdict {
        interpret(outcome, for: message, now: Date())
    }
}

/// A message a gateway cannot build a request for (wrong recipient kind, text too long…).
/// Never retryable: the same message would fail the same way. Its text is redacted.
public struct GatewayError: Error, Sendable, Hashable, CustomStringConvertible {
    public var gateway: String
    public var message: String

    public init(gateway: String, message: String) {
        self.gateway = gateway
        self.message = Redaction.text(message)
    }

    public var description: String { "\(gateway): \(message)" }
}
