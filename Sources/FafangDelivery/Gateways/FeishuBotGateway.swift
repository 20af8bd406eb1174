import Crypto
import FafangCore
import Foundation

/// A Feishu/Lark custom bot (飞书自定义机器人): POST JSON `{"msg_type":"text","content":{"text":…}}`
/// to its hook URL (`…/open-apis/bot/v2/hook/<token>`). When a signing secret is set the body
/// also carries `timestamp` (unix seconds, as a string) and
/// `sign` = base64(HMAC-SHA256(key: "<timestamp>\n<secret>", message: empty)).
///
/// Feishu answers with `code` (older replies: `StatusCode`) and `msg`: 0 delivered; 11232
/// (frequency limited: 100 a minute, 5 a second per bot) retry; any other non-zero is permanent,
/// notably 9499 "Bad Request" (malformed body), 19021 (sign or timestamp), 19022 (IP), 19024
/// (keyword). Feishu documents bodies of at most 20 KB: a larger one is refused before sending.
public struct FeishuBotGateway: Gateway {
    public let name: String
    private let url: Secret
    private let secret: Secret?
    private let timeouts: GatewayTimeouts
    private let classifier: DeliveryClassifier

    public static let rateLimitCodes: Set<Int> = [11232]
    public static let bodyByteLimit = 20 * 1024

    public init(name: String, url: Secret, secret: Secret?, timeouts: GatewayTimeouts = GatewayTimeouts(),
                classifier: DeliveryClassifier = DeliveryClassifier()) {
        self.name = name
        self.url = url
        self.secret = secret
        self.timeouts = timeouts
        self.classifier = classifier
    }

    /// The `sign` for `timestamp` (seconds): the key is "<timestamp>\n<secret>", the message empty.
    public static func sign(timestampSeconds: Int64, secret: Secret) -> String {
        let key = SymmetricKey(data: Array("\(timestampSeconds)\n\(secret.reveal)".utf8))
        return Data(HMAC<SHA256>.authenticationCode(for: [UInt8](), using: key)).base64EncodedString()
    }

    struct Body: Encodable {
        struct Content: Encodable { var text: String }
        var timestamp: String?
        var sign: String?
        var msgType = "text"
        var content: Content

        enum CodingKeys: String, CodingKey {
            case timestamp, sign, content
            case msgType = "msg_type"
        }
    }

    public func request(for message: OutboundMessage, now: Date) throws(GatewayError) -> HTTPRequest {
        guard case let .endpoint(endpoint) = message.recipient, endpoint == name else {
            throw GatewayError(gateway: name, message: "a bot takes messages for endpoint \(name), not for \(message.recipient)")
        }
        let text = message.title.map { "\($0)\n\(message.text)" } ?? message.text
        var body = Body(content: .init(text: text))
        if let secret {
            let timestamp = Int64(now.timeIntervalSince1970.rounded(.down))
            body.timestamp = String(timestamp)
            body.sign = Self.sign(timestampSeconds: timestamp, secret: secret)
        }
        let bytes = JSONBody.encode(body)
        guard bytes.count <= Self.bodyByteLimit else {
            throw GatewayError(gateway: name, message: "message of \(bytes.count) bytes is over Feishu's 20 KB limit")
        }
        return timeouts.request(.post, url.reveal, headers: [HTTPHeader("Content-Type", "application/json")], body: bytes)
    }

    public func interpret(_ outcome: HTTPOutcome, for message: OutboundMessage, now: Date) -> DeliveryVerdict {
        let reply = RobotReply(codePaths: ["code", "StatusCode"], messagePaths: ["msg", "StatusMessage"],
                               rateLimited: Self.rateLimitCodes, service: "Feishu")
        let secrets = [url, secret].compactMap { $0 } + URLTokens.secrets(in: url)
        return reply.verdict(base: classifier.verdict(for: outcome, now: now, removing: secrets), outcome: outcome, now: now,
                             classifier: classifier, secrets: secrets)
    }
}
