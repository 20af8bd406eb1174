import FafangCore
import Foundation

/// A generic HTTP SMS gateway, its request templated in the configuration (`kind = "http"`).
///
/// `{phone}`, `{text}` (【签名】 + body, refused over `max_segments`), `{id}` (idempotency key)
/// and `{secret}` are filled in: URL-encoded in the URL (query only), escaped in the body as
/// `body_format` says (JSON string, form field, or as is), as they are in header values.
/// Success is a 2xx status and, when configured, a body containing `success_contains` and a
/// JSON value at `success_json_path` equal to `success_json_value`; a 2xx reply that fails
/// those checks is permanent (the gateway said no). `reference_json_path` picks its message id.
public struct HTTPSMSGateway: Gateway {
    public let name: String
    private let settings: HTTPSMSSettings
    private let secret: Secret?
    private let rules: SMSTextRules
    private let timeouts: GatewayTimeouts
    private let classifier: DeliveryClassifier

    public init(name: String, settings: HTTPSMSSettings, secret: Secret?, rules: SMSTextRules,
                timeouts: GatewayTimeouts = GatewayTimeouts(), classifier: DeliveryClassifier = DeliveryClassifier()) {
        self.name = name
        self.settings = settings
        self.secret = secret
        self.rules = rules
        self.timeouts = timeouts
        self.classifier = classifier
    }

    /// `template` with each placeholder (`{name}`, a key of `values`) replaced by
    /// `escape(value)`, in one pass: a value that itself contains a placeholder stays as it is.
    /// Braces that make no known placeholder are kept.
    static func fill(_ template: String, _ values: [String: String], escape: (String) -> String) -> String {
        var rest = Substring(template)
        guard rest.utf8.contains(UInt8(ascii: "{")) else { return template }
        var result = ""
        result.reserveCapacity(template.utf8.count + 64)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            if let close = rest[open...].firstIndex(of: "}"), let value = values[String(rest[open...close])] {
                result += escape(value)
                rest = rest[rest.index(after: close)...]
            } else {
                result += "{"
                rest = rest[rest.index(after: open)...]
            }
        }
        result += rest
        return result
    }

    public func request(for message: OutboundMessage, now: Date) throws(GatewayError) -> HTTPRequest {
        guard case let .phone(phone) = message.recipient else {
            throw GatewayError(gateway: name, message: "an SMS gateway takes phone numbers, not endpoint \(message.recipient)")
        }
        let text = try rules.compose(message.text, gateway: name)
        var values = ["{phone}": settings.numberFormat.format(phone), "{text}": text.text, "{id}": message.idempotencyKey]
        if let secret { values["{secret}"] = secret.reveal }
        let url = Self.fill(settings.url, values, escape: PercentEncoding.encode)
        var headers: [HTTPHeader] = []
        for header in settings.headers {
            let value = Self.fill(header.value, values) { $0 }
            guard !value.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                throw GatewayError(gateway: name, message: "header \(header.name) would contain a line break")
            }
            headers.append(HTTPHeader(header.name, value))
        }
        var body: [UInt8] = []
        if let template = settings.body {
            let escape: (String) -> String
            let contentType: String
            switch settings.bodyFormat {
            case .json: escape = JSONBody.escape; contentType = "application/json; charset=utf-8"
            case .form: escape = PercentEncoding.encode; contentType = "application/x-www-form-urlencoded; charset=utf-8"
            case .text: escape = { $0 }; contentType = "text/plain; charset=utf-8"
            }
            body = Array(Self.fill(template, values, escape: escape).utf8)
            if headers.value(for: "Content-Type") == nil { headers.append(HTTPHeader("Content-Type", contentType)) }
        }
        let method: HTTPRequest.Method = settings.method == "GET" ? .get : .post
        return timeouts.request(method, url, headers: headers, body: body)
    }

    public func interpret(_ outcome: HTTPOutcome, for message: OutboundMessage, now: Date) -> DeliveryVerdict {
        let secrets = secret.map { [$0] } ?? []
        let base = classifier.verdict(for: outcome, now: now, removing: secrets)
        switch base {
        case let .retry(reason, after):
            return .retry(reason: ReasonText.clean(reason, removing: secrets), after: after)
        case let .permanent(reason):
            return .permanent(reason: ReasonText.clean(reason, removing: secrets))
        case .delivered:
            guard let response = outcome.response else { return base }
            // Read the reply only as far as the settings ask (most gateways: the status alone).
            var excerpt: String { ReasonText.excerpt(response.bodyText, length: classifier.bodyExcerptLength, removing: secrets) }
            if let expected = settings.successContains, !response.bodyText.contains(expected) {
                return .permanent(reason: ReasonText.clean("reply lacks the success text (HTTP \(response.status)): \(excerpt)", removing: secrets))
            }
            guard settings.successJSONPath != nil || settings.referenceJSONPath != nil else { return .delivered(reference: nil) }
            let reply = JSONReply(response.body)
            if let path = settings.successJSONPath {
                let found = reply.string(at: path)
                if found != (settings.successJSONValue ?? "") {
                    return .permanent(reason: ReasonText.clean("reply \(path) = \(found ?? "(absent)") (HTTP \(response.status)): \(excerpt)", removing: secrets))
                }
            }
            return .delivered(reference: settings.referenceJSONPath.flatMap { reply.string(at: $0) })
        }
    }
}
