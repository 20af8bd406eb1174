import Crypto
import FafangCore
import Foundation

/// A DingTalk custom robot (钉钉自定义机器人): POST JSON to its webhook URL, which carries
/// `access_token`. Text or markdown. When a 加签 secret (`SEC…`) is set, each request adds
/// `&timestamp=<ms>&sign=<urlencode(base64(HMAC-SHA256(key: secret, "<ms>\n<secret>")))>`.
///
/// The robot answers HTTP 200 with `errcode`: 0 delivered; 130101 ("send too fast, exceed 20
/// times per minute") retry; any other non-zero is permanent (310000 bad signature, keyword or
/// IP, 300001 bad token…), with `errmsg` in the reason.
public struct DingTalkRobotGateway: Gateway {
    public let name: String
    private let url: Secret
    private let secret: Secret?
    private let format: Endpoint.Format
    private let timeouts: GatewayTimeouts
    private let classifier: DeliveryClassifier

    /// errcodes that mean "too fast".
    public static let rateLimitCodes: Set<Int> = [130101]

    /// `url` is the whole webhook URL, token included (from `url_file`).
    public init(name: String, url: Secret, secret: Secret?, format: Endpoint.Format = .text,
                timeouts: GatewayTimeouts = GatewayTimeouts(), classifier: DeliveryClassifier = DeliveryClassifier()) {
        self.name = name
        self.url = url
        self.secret = secret
        self.format = format
        self.timeouts = timeouts
        self.classifier = classifier
    }

    /// The `sign` query value for `timestamp` (ms), already URL-encoded.
    public static func sign(timestampMilliseconds: Int64, secret: Secret) -> String {
        let key = SymmetricKey(data: Array(secret.reveal.utf8))
        let stringToSign = "\(timestampMilliseconds)\n\(secret.reveal)"
        let mac = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key)
        return PercentEncoding.encode(Data(mac).base64EncodedString())
    }

    struct TextBody: Encodable {
        struct Text: Encodable { var content: String }
        var msgtype = "text"
        var text: Text
    }

    struct MarkdownBody: Encodable {
        struct Markdown: Encodable {
            var title: String
            var text: String
        }
        var msgtype = "markdown"
        var markdown: Markdown
    }

    public func request(for message: OutboundMessage, now: Date) throws(GatewayError) -> HTTPRequest {
        guard case let .endpoint(endpoint) = message.recipient, endpoint == name else {
            throw GatewayError(gateway: name, message: "a robot takes messages for endpoint \(name), not for \(message.recipient)")
        }
        let body: [UInt8]
        switch format {
        case .text:
            let content = message.title.map { "\($0)\n\(message.text)" } ?? message.text
            body = JSONBody.encode(TextBody(text: .init(content: content)))
        case .markdown:
            let title = message.title ?? String(message.text.prefix { !$0.isNewline }.prefix(32))
            let text = message.title.map { "### \($0)\n\n\(message.text)" } ?? message.text
            body = JSONBody.encode(MarkdownBody(markdown: .init(title: title, text: text)))
        }
        var target = url.reveal
        if let secret {
            let timestamp = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
            target += (target.contains("?") ? "&" : "?")
                + "timestamp=\(timestamp)&sign=\(Self.sign(timestampMilliseconds: timestamp, secret: secret))"
        }
        return timeouts.request(.post, target, headers: [HTTPHeader("Content-Type", "application/json")], body: body)
    }

    public func interpret(_ outcome: HTTPOutcome, for message: OutboundMessage, now: Date) -> DeliveryVerdict {
        let reply = RobotReply(codePaths: ["errcode"], messagePaths: ["errmsg"], rateLimited: Self.rateLimitCodes, service: "DingTalk")
        let secrets = [url, secret].compactMap { $0 } + URLTokens.secrets(in: url)
        return reply.verdict(base: classifier.verdict(for: outcome, now: now, removing: secrets), outcome: outcome, now: now,
                             classifier: classifier, secrets: secrets)
    }
}
