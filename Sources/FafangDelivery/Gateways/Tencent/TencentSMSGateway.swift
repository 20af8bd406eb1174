import FafangCore
import Foundation

/// Tencent Cloud SMS `SendSms` (API 2021-01-11): a POST of JSON to
/// `https://sms.tencentcloudapi.com/`, signed with TC3-HMAC-SHA256, with PhoneNumberSet
/// (`+86…`), SmsSdkAppId, SignName, TemplateId, TemplateParamSet (the message's template
/// parameters in the configured order) and SessionContext = the idempotency key. Like Aliyun,
/// the text is Tencent's approved template: no segment check here.
///
/// Reply: `Response.SendStatusSet[0].Code == "Ok"` → delivered(reference: SerialNo).
/// `Response.Error.Code` or a status `Code` other than Ok: `LimitExceeded.*` and
/// `RequestLimitExceeded` retry (30 s for the 30-second limit, an hour for hourly/daily ones),
/// transient `InternalError*` retry, `FailedOperation.InsufficientBalanceInSmsPackage` retries
/// after an hour; `AuthFailure.*`, `InvalidParameterValue.IncorrectPhoneNumber`,
/// `FailedOperation.SignatureIncorrectOrUnapproved`, `…TemplateIncorrectOrUnapproved` and every
/// other code are permanent, with Tencent's `Message` in the reason.
public struct TencentSMSGateway: Gateway {
    public let name: String
    private let settings: TencentSMSSettings
    private let signer: TC3Signer
    private let secretKey: Secret
    private let timeouts: GatewayTimeouts
    private let classifier: DeliveryClassifier

    public static let action = "SendSms"
    public static let version = "2021-01-11"
    public static let contentType = "application/json; charset=utf-8"

    public init(name: String, settings: TencentSMSSettings, secretKey: Secret, timeouts: GatewayTimeouts = GatewayTimeouts(),
                classifier: DeliveryClassifier = DeliveryClassifier()) {
        self.name = name
        self.settings = settings
        self.secretKey = secretKey
        self.signer = TC3Signer(secretID: settings.secretID, secretKey: secretKey, service: "sms")
        self.timeouts = timeouts
        self.classifier = classifier
    }

    struct Body: Encodable {
        var phoneNumberSet: [String]
        var smsSdkAppID: String
        var signName: String
        var templateID: String
        var templateParamSet: [String]?
        var sessionContext: String

        enum CodingKeys: String, CodingKey {
            case phoneNumberSet = "PhoneNumberSet", smsSdkAppID = "SmsSdkAppId", signName = "SignName"
            case templateID = "TemplateId", templateParamSet = "TemplateParamSet", sessionContext = "SessionContext"
        }
    }

    /// `host[:port]` of the endpoint, as sent in `Host` and signed.
    static func host(of endpoint: String) -> String? {
        guard let components = URLComponents(string: endpoint), let host = components.host, !host.isEmpty else { return nil }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    public func request(for message: OutboundMessage, now: Date) throws(GatewayError) -> HTTPRequest {
        guard case let .phone(phone) = message.recipient else {
            throw GatewayError(gateway: name, message: "an SMS gateway takes phone numbers, not endpoint \(message.recipient)")
        }
        guard let host = Self.host(of: settings.endpoint) else {
            throw GatewayError(gateway: name, message: "endpoint has no host")
        }
        var parameters: [String] = []
        for parameter in settings.templateParameters {
            guard let value = message.templateParameters[parameter] else {
                throw GatewayError(gateway: name, message: "message lacks template parameter \"\(parameter)\"")
            }
            parameters.append(value)
        }
        let body = JSONBody.encode(Body(
            phoneNumberSet: [PhoneNumberFormat.e164.format(phone)], smsSdkAppID: settings.smsSdkAppID, signName: settings.signName,
            templateID: settings.templateID, templateParamSet: parameters.isEmpty ? nil : parameters,
            sessionContext: message.idempotencyKey))
        let timestamp = Int64(now.timeIntervalSince1970.rounded(.down))
        let headers = [
            HTTPHeader("Authorization", signer.authorization(contentType: Self.contentType, host: host, body: body, timestamp: timestamp)),
            HTTPHeader("Content-Type", Self.contentType),
            HTTPHeader("Host", host),
            HTTPHeader("X-TC-Action", Self.action),
            HTTPHeader("X-TC-Timestamp", String(timestamp)),
            HTTPHeader("X-TC-Version", Self.version),
            HTTPHeader("X-TC-Region", settings.region),
        ]
        return timeouts.request(.post, settings.endpoint, headers: headers, body: body)
    }

    /// Nil: permanent; `.some(after)`: retry, suggesting `after`.
    public static func retryable(_ code: String) -> Duration?? {
        if code.hasPrefix("LimitExceeded.") {
            if code.contains("ThirtySecond") { return .some(.seconds(30)) }
            if code.contains("OneHour") || code.contains("Daily") || code.contains("Day") { return .some(.seconds(3600)) }
            return .some(nil)
        }
        if code == "RequestLimitExceeded" || code.hasPrefix("RequestLimitExceeded.") { return .some(nil) }
        if code == "FailedOperation.InsufficientBalanceInSmsPackage" { return .some(.seconds(3600)) }
        let lasting: Set<String> = ["InternalError.RequestTimeException", "InternalError.SigFieldMissing",
                                    "InternalError.SigVerificationFail", "InternalError.RestApiInterfaceNotExist"]
        if (code == "InternalError" || code.hasPrefix("InternalError.")) && !lasting.contains(code) { return .some(nil) }
        return nil
    }

    public func interpret(_ outcome: HTTPOutcome, for message: OutboundMessage, now: Date) -> DeliveryVerdict {
        let base = classifier.verdict(for: outcome, now: now, removing: [secretKey])
        guard let response = outcome.response else { return base }
        let reply = JSONReply(response.body)
        let code: String
        let text: String
        if let errorCode = reply.string(at: "Response.Error.Code") {
            code = errorCode
            text = reply.string(at: "Response.Error.Message") ?? ""
        } else if let statusCode = reply.string(at: "Response.SendStatusSet.0.Code") {
            if statusCode == "Ok", case .delivered = base {
                return .delivered(reference: reply.string(at: "Response.SendStatusSet.0.SerialNo"))
            }
            code = statusCode
            text = reply.string(at: "Response.SendStatusSet.0.Message") ?? ""
        } else {
            guard case .delivered = base else { return base }
            let excerpt = ReasonText.excerpt(response.bodyText, length: classifier.bodyExcerptLength, removing: [secretKey])
            return .permanent(reason: ReasonText.clean("Tencent reply without a status (HTTP \(response.status)): \(excerpt)", removing: [secretKey]))
        }
        let reason = ReasonText.clean("Tencent \(code) (HTTP \(response.status)): \(text)", removing: [secretKey])
        if let after = Self.retryable(code) { return .retry(reason: reason, after: after) }
        if case let .retry(_, after) = base { return .retry(reason: reason, after: after) }
        return .permanent(reason: reason)
    }
}
