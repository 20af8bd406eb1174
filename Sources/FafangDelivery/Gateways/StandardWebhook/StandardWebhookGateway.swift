import FafangCore
import Foundation

/// A signed JSON webhook as the Standard Webhooks specification describes: POST with
/// `webhook-id` (the message's idempotency key, the same on every retry), `webhook-timestamp`
/// (unix seconds of this attempt) and `webhook-signature` (one `v1,…` per configured secret).
///
/// The body: `{"data":{"endpoint","id","text","title"},"timestamp":"<attempt, ISO 8601 UTC>",
/// "type":"fafang.message"}`, keys sorted. Without a secret the webhook goes unsigned (loopback
/// sinks; the configuration warns about any other).
public struct StandardWebhookGateway: Gateway {
    public let name: String
    private let url: String
    private let signer: StandardWebhookSigner?
    private let timeouts: GatewayTimeouts
    private let classifier: DeliveryClassifier
    /// The URL and the tokens in it, kept out of every verdict's reason.
    private let redacted: [Secret]

    public static let eventType = "fafang.message"

    public init(name: String, url: String, signer: StandardWebhookSigner?, timeouts: GatewayTimeouts = GatewayTimeouts(),
                classifier: DeliveryClassifier = DeliveryClassifier()) {
        self.name = name
        self.url = url
        self.signer = signer
        self.timeouts = timeouts
        self.classifier = classifier
        redacted = [Secret(url)] + URLTokens.secrets(in: Secret(url))
    }

    public func request(for message: OutboundMessage, now: Date) throws(GatewayError) -> HTTPRequest {
        guard case let .endpoint(endpoint) = message.recipient, endpoint == name else {
            throw GatewayError(gateway: name, message: "a webhook takes messages for endpoint \(name), not for \(message.recipient)")
        }
        let id = message.idempotencyKey
        // The specification signs "{id}.{timestamp}.{body}": an id with a full stop would make
        // that string ambiguous, so it is refused rather than silently rewritten.
        guard !id.isEmpty, id.count <= 255, !id.contains("."),
              !id.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F })
        else {
            throw GatewayError(gateway: name, message: "idempotency key unusable as webhook-id (empty, over 255 characters, or has a full stop, space or control character)")
        }
        let timestamp = Int64(now.timeIntervalSince1970.rounded(.down))
        // {"data":{"endpoint","id","text","title"},"timestamp","type"}: keys sorted.
        let body = JSONObjectWriter { payload in
            payload.object("data") { data in
                data.string("endpoint", endpoint)
                data.string("id", id)
                data.string("text", message.text)
                data.string("title", message.title)
            }
            payload.string("timestamp", HTTPDate.iso8601(now))
            payload.string("type", Self.eventType)
        }.finished
        var headers = [
            HTTPHeader("Content-Type", "application/json"),
            HTTPHeader("webhook-id", id),
            HTTPHeader("webhook-timestamp", String(timestamp)),
        ]
        if let signer {
            headers.append(HTTPHeader("webhook-signature", signer.signature(id: id, timestamp: timestamp, body: body)))
        }
        return timeouts.request(.post, url, headers: headers, body: body)
    }

    /// Status alone decides: 2xx delivered; 408/425/429/5xx retry (Retry-After honoured); other
    /// 4xx permanent (410 Gone: the receiver disabled the endpoint).
    public func interpret(_ outcome: HTTPOutcome, for message: OutboundMessage, now: Date) -> DeliveryVerdict {
        classifier.verdict(for: outcome, now: now, removing: redacted)
    }
}
