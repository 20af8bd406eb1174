import FafangCore
import Foundation

/// Aliyun SMS `SendSms` (RPC style, Version 2017-05-25): a signed GET to
/// `https://dysmsapi.aliyuncs.com/` with PhoneNumbers, SignName, TemplateCode, TemplateParam
/// (the message's template parameters as a JSON object of strings, keys sorted) and
/// OutId = the idempotency key. The text is Aliyun's approved template: Fafang's rendered text
/// is not sent, so no segment check applies here.
///
/// Reply `Code`: `OK` → delivered(reference: BizId). Retried: `isv.BUSINESS_LIMIT_CONTROL`
/// (per-number frequency limits, after an hour), `Throttling*`, `isp.SYSTEM_ERROR`,
/// `isp.GATEWAY_ERROR`, `ServiceUnavailable`, `InternalError`, `SignatureNonceUsed`, and the
/// account-level `isv.AMOUNT_NOT_ENOUGH` / `isv.OUT_OF_SERVICE` (after an hour: once the office
/// tops up, held messages go out). Any other code is permanent (`isv.MOBILE_NUMBER_ILLEGAL`,
/// `isv.SMS_SIGNATURE_ILLEGAL`, `isv.SMS_TEMPLATE_ILLEGAL`, `SignatureDoesNotMatch`,
/// `InvalidAccessKeyId.NotFound`…), with Aliyun's `Message` in the reason.
public struct AliyunSMSGateway: Gateway {
    public let name: String
    private let settings: AliyunSMSSettings
    private let accessKeySecret: Secret
    private let timeouts: GatewayTimeouts
    private let classifier: DeliveryClassifier
    private let nonce: @Sendable () -> String

    /// Retryable codes, with the wait to suggest (nil: the dispatcher's schedule).
    public static let retryCodes: [String: Duration?] = [
        "isv.BUSINESS_LIMIT_CONTROL": .seconds(3600),
        "isv.AMOUNT_NOT_ENOUGH": .seconds(3600),
        "isv.OUT_OF_SERVICE": .seconds(3600),
        "Throttling": nil, "Throttling.User": nil, "Throttling.Api": nil,
        "isp.SYSTEM_ERROR": nil, "isp.GATEWAY_ERROR": nil,
        "ServiceUnavailable": nil, "InternalError": nil, "SignatureNonceUsed": nil,
    ]

    /// `nonce` makes each request's SignatureNonce (Aliyun refuses a nonce it saw in the last
    /// 15 minutes): a random UUID unless a test fixes it.
    public init(name: String, settings: AliyunSMSSettings, accessKeySecret: Secret, timeouts: GatewayTimeouts = GatewayTimeouts(),
                classifier: DeliveryClassifier = DeliveryClassifier(),
                nonce: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }) {
        self.name = name
        self.settings = settings
        self.accessKeySecret = accessKeySecret
        self.timeouts = timeouts
        self.classifier = classifier
        self.nonce = nonce
    }

    /// The request parameters of a message, `Signature` excepted.
    func parameters(for message: OutboundMessage, phone: PhoneNumber, now: Date) -> [String: String] {
        var parameters = [
            "AccessKeyId": settings.accessKeyID,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": message.idempotencyKey,
            "PhoneNumbers": phone.digits,
            "RegionId": settings.regionID,
            "SignName": settings.signName,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce(),
            "SignatureVersion": "1.0",
            "TemplateCode": settings.templateCode,
            "Timestamp": now.formatted(.iso8601),
            "Version": "2017-05-25",
        ]
        if !message.templateParameters.isEmpty {
            parameters["TemplateParam"] = String(decoding: JSONBody.encode(message.templateParameters), as: UTF8.self)
        }
        return parameters
    }

    public func request(for message: OutboundMessage, now: Date) throws(GatewayError) -> HTTPRequest {
        guard case let .phone(phone) = message.recipient else {
            throw GatewayError(gateway: name, message: "an SMS gateway takes phone numbers, not endpoint \(message.recipient)")
        }
        let query = AliyunRPCSignature.signedQuery(parameters(for: message, phone: phone, now: now), accessKeySecret: accessKeySecret)
        var base = settings.endpoint
        if !base.hasSuffix("/") { base += "/" }
        return timeouts.request(.get, base + "?" + query)
    }

    public func interpret(_ outcome: HTTPOutcome, for message: OutboundMessage, now: Date) -> DeliveryVerdict {
        let base = classifier.verdict(for: outcome, now: now, removing: [accessKeySecret])
        guard let response = outcome.response else { return base }
        let reply = JSONReply(response.body)
        guard let code = reply.string(at: "Code") else {
            if case .delivered = base {
                let excerpt = ReasonText.excerpt(response.bodyText, length: classifier.bodyExcerptLength, removing: [accessKeySecret])
                return .permanent(reason: clean("Aliyun reply without Code (HTTP \(response.status)): \(excerpt)"))
            }
            return base
        }
        if code == "OK", case .delivered = base {
            return .delivered(reference: reply.string(at: "BizId"))
        }
        let reason = clean("Aliyun \(code) (HTTP \(response.status)): \(reply.string(at: "Message") ?? "")")
        if let after = Self.retryCodes[code] { return .retry(reason: reason, after: after) }
        if case let .retry(_, after) = base { return .retry(reason: reason, after: after) }
        return .permanent(reason: reason)
    }

    private func clean(_ text: String) -> String { ReasonText.clean(text, removing: [accessKeySecret]) }
}
