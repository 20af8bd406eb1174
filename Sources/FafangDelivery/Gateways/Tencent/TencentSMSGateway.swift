import FafangCore
import Foundation

/// Tencent Cloud SMS `SendSms` (API 2021-01-11): a POST of JSON to
/// `https://sms.tencentcloudapi.com/`, signed with TC3-HMAC-SHA256, with PhoneNumberSet
/// (`+86…`), SmsSdkAppId, SignName, TemplateId (the approved template of the message's kind,
/// `[gateways.NAME.templates]`) and TemplateParamSet (the configured fields of the message, in
/// the template's order, `[gateways.NAME.parameters]`). Like Aliyun, the text is Tencent's
/// approved template: no segment check here.
///
/// Batches: one request takes up to 200 numbers, but one TemplateId and one TemplateParamSet for
/// all of them, so only messages of the same kind *and* the same parameter values may share a
/// request (`batchKey` says so; a batch that mixes them is refused). SessionContext is the
/// idempotency key of a single message, and left out of a batch (it is one per request: a status
/// report must not look like any single message's).
///
/// Reply: each number's row of `Response.SendStatusSet`, found by its PhoneNumber (Tencent does
/// not keep the request's order): `Code == "Ok"` → delivered(reference: SerialNo), a serial of its
/// own per number, which Tencent's status reports carry as `sid`. `Response.Error.Code` (the whole
/// request failed) or a row's `Code` other than Ok: `LimitExceeded.*` and `RequestLimitExceeded`
/// retry (30 s for the 30-second limit, an hour for hourly/daily ones), transient
/// `InternalError*` retry, `FailedOperation.InsufficientBalanceInSmsPackage` retries after an
/// hour; `AuthFailure.*`, `InvalidParameterValue.IncorrectPhoneNumber`,
/// `FailedOperation.SignatureIncorrectOrUnapproved`, `…TemplateIncorrectOrUnapproved` and every
/// other code are permanent, with Tencent's `Message` in the reason. A number the reply has no
/// row for is permanent (not known to be unsent: sending again could send twice).
public struct TencentSMSGateway: BatchingGateway {
    public let name: String
    private let settings: TencentSMSSettings
    private let signer: TC3Signer
    private let secretKey: Secret
    private let timeouts: GatewayTimeouts
    private let classifier: DeliveryClassifier
    private let lookup: CloudSMSTemplateLookup

    public static let action = "SendSms"
    public static let version = "2021-01-11"
    public static let contentType = "application/json; charset=utf-8"
    /// SendSms takes at most 200 numbers.
    public static let maximumBatch = 200

    public init(name: String, settings: TencentSMSSettings, secretKey: Secret, timeouts: GatewayTimeouts = GatewayTimeouts(),
                classifier: DeliveryClassifier = DeliveryClassifier()) {
        self.name = name
        self.settings = settings
        self.secretKey = secretKey
        self.signer = TC3Signer(secretID: settings.secretID, secretKey: secretKey, service: "sms")
        self.timeouts = timeouts
        self.classifier = classifier
        self.lookup = CloudSMSTemplateLookup(gateway: name, templates: settings.templates)
    }

    public var batchLimit: Int { Self.maximumBatch }

    /// Messages of one kind with the same parameter values share a request.
    public func batchKey(for message: OutboundMessage) -> String? {
        lookup.batchKey(for: message, includingValues: true)
    }

    struct Body: Encodable {
        var phoneNumberSet: [String]
        var smsSdkAppID: String
        var signName: String
        var templateID: String
        var templateParamSet: [String]?
        var sessionContext: String?

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
        try request(for: [message], now: now)
    }

    /// One request for messages of one kind and the same parameter values, each number once.
    public func request(for messages: [OutboundMessage], now: Date) throws(GatewayError) -> HTTPRequest {
        guard let first = messages.first else { throw GatewayError(gateway: name, message: "an empty batch") }
        guard messages.count <= Self.maximumBatch else {
            throw GatewayError(gateway: name, message: "SendSms takes at most \(Self.maximumBatch) numbers, not \(messages.count)")
        }
        guard let host = Self.host(of: settings.endpoint) else {
            throw GatewayError(gateway: name, message: "endpoint has no host")
        }
        let (kind, template) = try lookup.template(for: first)
        let values = try lookup.parameters(of: first, kind, template).map { $0.value }
        var phones: [String] = []
        for (index, message) in messages.enumerated() {
            let phone = try lookup.phone(of: message)
            if index > 0 {
                let (other, _) = try lookup.template(for: message)
                guard other == kind else {
                    throw GatewayError(gateway: name, message: "a batch takes one kind of message (one TemplateId), not \(kind.rawValue) and \(other.rawValue)")
                }
                let others = try lookup.parameters(of: message, kind, template).map { $0.value }
                guard others == values else {
                    throw GatewayError(gateway: name, message: "a batch takes one TemplateParamSet for every number: these \(kind.rawValue) messages have different parameters")
                }
            }
            let number = PhoneNumberFormat.e164.format(phone)
            guard !phones.contains(number) else {
                throw GatewayError(gateway: name, message: "\(phone) is twice in one batch: its results could not be told apart")
            }
            phones.append(number)
        }
        let body = JSONBody.encode(Body(
            phoneNumberSet: phones, smsSdkAppID: settings.smsSdkAppID, signName: settings.signName,
            templateID: template.code, templateParamSet: values.isEmpty ? nil : values,
            sessionContext: messages.count == 1 ? first.idempotencyKey : nil))
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
        interpret(outcome, for: [message], now: now).first ?? .permanent(reason: "no message")
    }

    /// Each message's own row of `SendStatusSet`, by phone number; a whole-request error for all.
    public func interpret(_ outcome: HTTPOutcome, for messages: [OutboundMessage], now: Date) -> [DeliveryVerdict] {
        let base = classifier.verdict(for: outcome, now: now, removing: [secretKey])
        guard let response = outcome.response else { return messages.map { _ in base } }
        let reply = JSONReply(response.body)
        if let errorCode = reply.string(at: "Response.Error.Code") {
            let verdict = failure(errorCode, reply.string(at: "Response.Error.Message") ?? "", status: response.status, base: base)
            return messages.map { _ in verdict }
        }
        guard case let .array(rows)? = reply.value(at: "Response.SendStatusSet"), !rows.isEmpty else {
            guard case .delivered = base else { return messages.map { _ in base } }
            let excerpt = ReasonText.excerpt(response.bodyText, length: classifier.bodyExcerptLength, removing: [secretKey])
            let verdict = DeliveryVerdict.permanent(reason: clean("Tencent reply without a status (HTTP \(response.status)): \(excerpt)"))
            return messages.map { _ in verdict }
        }
        var byPhone: [String: [String: JSONValue]] = [:]
        for case let .object(row) in rows {
            guard let number = row["PhoneNumber"]?.text, let phone = PhoneNumber(number) else { continue }
            if byPhone[phone.digits] == nil { byPhone[phone.digits] = row }
        }
        return messages.map { message in
            guard case let .phone(phone) = message.recipient, let row = byPhone[phone.digits] else {
                return .permanent(reason: "Tencent reply (HTTP \(response.status)) has no status for this number")
            }
            let code = row["Code"]?.text ?? ""
            if code == "Ok", case .delivered = base {
                return .delivered(reference: row["SerialNo"]?.text.flatMap { $0.isEmpty ? nil : $0 })
            }
            return failure(code, row["Message"]?.text ?? "", status: response.status, base: base)
        }
    }

    private func failure(_ code: String, _ text: String, status: Int, base: DeliveryVerdict) -> DeliveryVerdict {
        let reason = clean("Tencent \(code) (HTTP \(status)): \(text)")
        if let after = Self.retryable(code) { return .retry(reason: reason, after: after) }
        if case let .retry(_, after) = base { return .retry(reason: reason, after: after) }
        return .permanent(reason: reason)
    }

    private func clean(_ text: String) -> String { ReasonText.clean(text, removing: [secretKey]) }
}
