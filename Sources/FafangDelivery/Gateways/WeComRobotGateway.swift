import FafangCore
import Foundation

/// A WeCom group robot (企业微信群机器人): POST JSON to its webhook URL, which carries `key`.
/// Text or markdown; no signing (the key is the credential).
///
/// WeCom documents `text.content` as at most 2048 bytes of UTF-8 and `markdown.content` as at
/// most 4096. A longer text is cut on a character boundary and ends with `truncationMarker`, so
/// the committee still gets the head of a long digest and knows it was cut (rather than a
/// refused message that never arrives).
///
/// The robot answers HTTP 200 with `errcode`: 0 delivered; 45009 ("api freq out of limit", the
/// 20-a-minute limit) and -1 (system busy) retry; any other non-zero is permanent (93000 bad
/// key, 40058 bad content…), with `errmsg` in the reason.
public struct WeComRobotGateway: Gateway {
    public let name: String
    private let url: Secret
    private let format: Endpoint.Format
    private let timeouts: GatewayTimeouts
    private let classifier: DeliveryClassifier

    public static let textByteLimit = 2048
    public static let markdownByteLimit = 4096
    public static let truncationMarker = "…（内容过长，已截断）"
    public static let rateLimitCodes: Set<Int> = [45009]
    public static let transientCodes: Set<Int> = [-1]

    public init(name: String, url: Secret, format: Endpoint.Format = .text, timeouts: GatewayTimeouts = GatewayTimeouts(),
                classifier: DeliveryClassifier = DeliveryClassifier()) {
        self.name = name
        self.url = url
        self.format = format
        self.timeouts = timeouts
        self.classifier = classifier
    }

    /// `text` if it fits in `limit` UTF-8 bytes, else its longest head that fits with the marker.
    public static func truncated(_ text: String, toBytes limit: Int, marker: String = truncationMarker) -> String {
        guard text.utf8.count > limit else { return text }
        let room = limit - marker.utf8.count
        guard room > 0 else { return "" }
        var used = 0
        var head = ""
        for character in text {
            let size = character.utf8.count
            if used + size > room { break }
            used += size
            head.append(character)
        }
        return head + marker
    }

    struct Body: Encodable {
        struct Content: Encodable { var content: String }
        var msgtype: String
        var text: Content?
        var markdown: Content?
    }

    public func request(for message: OutboundMessage, now: Date) throws(GatewayError) -> HTTPRequest {
        guard case let .endpoint(endpoint) = message.recipient, endpoint == name else {
            throw GatewayError(gateway: name, message: "a robot takes messages for endpoint \(name), not for \(message.recipient)")
        }
        let body: Body
        switch format {
        case .text:
            let content = message.title.map { "\($0)\n\(message.text)" } ?? message.text
            body = Body(msgtype: "text", text: .init(content: Self.truncated(content, toBytes: Self.textByteLimit)))
        case .markdown:
            let content = message.title.map { "### \($0)\n\(message.text)" } ?? message.text
            body = Body(msgtype: "markdown", markdown: .init(content: Self.truncated(content, toBytes: Self.markdownByteLimit)))
        }
        return timeouts.request(.post, url.reveal, headers: [HTTPHeader("Content-Type", "application/json")], body: JSONBody.encode(body))
    }

    public func interpret(_ outcome: HTTPOutcome, for message: OutboundMessage, now: Date) -> DeliveryVerdict {
        let reply = RobotReply(codePaths: ["errcode"], messagePaths: ["errmsg"], rateLimited: Self.rateLimitCodes,
                               transient: Self.transientCodes, service: "WeCom")
        let secrets = [url] + URLTokens.secrets(in: url)
        return reply.verdict(base: classifier.verdict(for: outcome, now: now, removing: secrets), outcome: outcome, now: now,
                             classifier: classifier, secrets: secrets)
    }
}
