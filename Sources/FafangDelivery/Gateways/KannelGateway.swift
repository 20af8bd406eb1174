import FafangCore
import Foundation

/// Kannel's `sendsms` (smsbox): `GET <url>?username&password&to&text&coding=2&charset=UTF-8…`.
///
/// - Text: 【签名】 + body, UTF-8 with `coding=2&charset=UTF-8` (without `charset`, Kannel 1.4
///   garbles Chinese; `coding=0` turns it into `????`); `coding=0` only for a text entirely in
///   GSM-7 (no signature, plain ASCII). Refused over `max_segments`.
/// - Delivery reports: with a `receipt_url`, `dlr-mask` (default 27: delivered, undelivered,
///   accepted by SMSC, rejected by SMSC) and `dlr-url` = `<receipt_url>?id=<idempotency key>&type=%d
///   &reply=%A&at=%T` (Kannel fills %d, %A, %T). The idempotency key travels only there: sendsms
///   has no client message id. It must be ASCII: Kannel reads `%` + letter in a dlr-url as its
///   own escape code, and only ASCII punctuation percent-encodes to `%` + digit. With a receipt
///   token, `&token=<token>` follows the key (Kannel can only authenticate in the query); the
///   token is plain ASCII (`isValidReceiptToken`), and scrubbed from reasons like the password.
/// - Replies: 202 `0: Accepted for delivery` and 202 `3: Queued for later delivery` (bearerbox
///   took it; the SMSC is offline) are both accepted → delivered(reference: nil), the delivery
///   report tells the rest; 4xx (bad number, authorization failed) permanent; 503 (temporal
///   failure) and other 5xx retry.
///
/// The URL carries the password: it is printed only as `redactedURL`, the password is scrubbed
/// from every reason, and numbers in reasons are masked.
public struct KannelGateway: Gateway {
    public let name: String
    private let settings: KannelSettings
    private let password: Secret
    private let receiptToken: Secret?
    private let rules: SMSTextRules
    private let timeouts: GatewayTimeouts
    private let classifier: DeliveryClassifier

    public init(name: String, settings: KannelSettings, password: Secret, receiptToken: Secret? = nil, rules: SMSTextRules,
                timeouts: GatewayTimeouts = GatewayTimeouts(), classifier: DeliveryClassifier = DeliveryClassifier()) {
        self.name = name
        self.settings = settings
        self.password = password
        self.receiptToken = receiptToken
        self.rules = rules
        self.timeouts = timeouts
        self.classifier = classifier
    }

    /// The `dlr-url` for a message (before it is itself URL-encoded into the sendsms query).
    public static func deliveryReportURL(receiptURL: String, idempotencyKey: String, token: Secret? = nil) -> String {
        let separator = receiptURL.contains("?") ? "&" : "?"
        let auth = token.map { "&token=" + PercentEncoding.encode($0.reveal) } ?? ""
        return receiptURL + separator + "id=" + PercentEncoding.encode(idempotencyKey) + auth + "&type=%d&reply=%A&at=%T"
    }

    /// Whether a receipt token can travel in a dlr-url as it is: letters, digits and `- _ . ~`
    /// only (what `openssl rand -hex 32` makes). Anything else would be percent-encoded, once in
    /// the dlr-url and again in the sendsms query, where a non-ASCII byte becomes `%` + letter
    /// (Kannel's own escape codes) and the encoded forms are harder to scrub from a reply.
    public static func isValidReceiptToken(_ token: Secret) -> Bool {
        !token.reveal.isEmpty && PercentEncoding.encode(token.reveal) == token.reveal
    }

    public func request(for message: OutboundMessage, now: Date) throws(GatewayError) -> HTTPRequest {
        guard case let .phone(phone) = message.recipient else {
            throw GatewayError(gateway: name, message: "an SMS gateway takes phone numbers, not endpoint \(message.recipient)")
        }
        let text = try rules.compose(message.text, gateway: name)
        var items: [(String, String)] = [
            ("username", settings.username),
            ("password", password.reveal),
            ("to", settings.numberFormat.format(phone)),
            ("text", text.text),
            // UCS-2 for anything beyond GSM-7 (every signed Chinese text); 7-bit only when the
            // whole text is GSM-7, so that the segments counted are the segments sent.
            ("coding", text.encoding == .ucs2 ? "2" : "0"),
            ("charset", "UTF-8"),
        ]
        if let from = settings.from { items.append(("from", from)) }
        if let smsc = settings.smsc { items.append(("smsc", smsc)) }
        if let receiptURL = settings.receiptURL {
            guard !message.idempotencyKey.isEmpty, message.idempotencyKey.unicodeScalars.allSatisfy(\.isASCII) else {
                throw GatewayError(gateway: name, message: "idempotency key must be non-empty ASCII to travel in Kannel's dlr-url")
            }
            items.append(("dlr-mask", String(settings.dlrMask)))
            items.append(("dlr-url", Self.deliveryReportURL(receiptURL: receiptURL, idempotencyKey: message.idempotencyKey,
                                                             token: receiptToken)))
        }
        return timeouts.request(.get, settings.url + "?" + PercentEncoding.query(items))
    }

    public func interpret(_ outcome: HTTPOutcome, for message: OutboundMessage, now: Date) -> DeliveryVerdict {
        let base = classifier.verdict(for: outcome, now: now, removing: secrets)
        switch base {
        case .delivered:
            // 0: Accepted for delivery, 3: Queued for later delivery: both in bearerbox's hands.
            return .delivered(reference: nil)
        case let .retry(reason, after):
            return .retry(reason: scrub(reason, message), after: after)
        case let .permanent(reason):
            return .permanent(reason: scrub(reason, message))
        }
    }

    private func scrub(_ reason: String, _ message: OutboundMessage) -> String {
        ReasonText.clean(reason, removing: secrets)
    }

    /// What a reason must never quote: the password and the receipt token.
    private var secrets: [Secret] { [password] + (receiptToken.map { [$0] } ?? []) }
}
