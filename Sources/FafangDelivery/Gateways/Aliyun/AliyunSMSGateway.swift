import FafangCore
import Foundation

/// Aliyun SMS (RPC style, Version 2017-05-25, `https://dysmsapi.aliyuncs.com/`). The text is
/// Aliyun's approved template of the message's kind (`[gateways.NAME.templates]`), filled with the
/// configured fields of the message (`[gateways.NAME.parameters]`): Fafang's rendered text is
/// not sent, so no segment check applies here.
///
/// - One message: `SendSms`, a signed GET with PhoneNumbers, SignName, TemplateCode,
///   TemplateParam (a JSON object of the template's fields, keys sorted) and OutId = the
///   idempotency key (Aliyun echoes it in status reports as `out_id`).
/// - Two to 100 messages of one kind: `SendBatchSms`, a signed POST of a form body (the
///   parameters of 100 personalised messages do not fit a URL) with PhoneNumberJson,
///   SignNameJson (the signature once per number), TemplateCode and TemplateParamJson (one JSON
///   object per number, in the same order). No OutId: there is one per request, and it must not
///   make a status report look like any single message's.
///
/// Reply `Code` (one for the whole request, batch or not): `OK` → every message
/// delivered(reference: BizId), the one BizId of the request; Aliyun's status reports carry it as
/// `biz_id` with each `phone_number`, so a report is matched by (reference, phone). Retried:
/// `isv.BUSINESS_LIMIT_CONTROL` (per-number frequency limits, after an hour), `Throttling*`,
/// `isp.SYSTEM_ERROR`, `isp.GATEWAY_ERROR`, `ServiceUnavailable`, `InternalError`,
/// `SignatureNonceUsed`, and the account-level `isv.AMOUNT_NOT_ENOUGH` / `isv.OUT_OF_SERVICE`
/// (after an hour: once the office tops up, held messages go out). Any other code is permanent
/// (`isv.MOBILE_NUMBER_ILLEGAL`, `isv.SMS_SIGNATURE_ILLEGAL`, `isv.SMS_TEMPLATE_ILLEGAL`,
/// `SignatureDoesNotMatch`, `InvalidAccessKeyId.NotFound`…), with Aliyun's `Message` in the
/// reason. A batch's error is every message's verdict.
public struct AliyunSMSGateway: BatchingGateway {
    public let name: String
    private let settings: AliyunSMSSettings
    private let accessKeySecret: Secret
    private let timeouts: GatewayTimeouts
    private let classifier: DeliveryClassifier
    private let nonce: @Sendable () -> String
    private let lookup: CloudSMSTemplateLookup

    /// SendBatchSms takes at most 100 numbers.
    public static let maximumBatch = 100
    public static let formContentType = "application/x-www-form-urlencoded; charset=utf-8"

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
        self.lookup = CloudSMSTemplateLookup(gateway: name, templates: settings.templates)
    }

    public var batchLimit: Int { Self.maximumBatch }

    /// Messages of one kind share a request (each keeps its own parameters).
    public func batchKey(for message: OutboundMessage) -> String? {
        lookup.batchKey(for: message, includingValues: false)
    }

    /// The parameters every request carries, `Signature` excepted.
    private func common(action: String, now: Date) -> [String: String] {
        [
            "AccessKeyId": settings.accessKeyID,
            "Action": action,
            "Format": "JSON",
            "RegionId": settings.regionID,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce(),
            "SignatureVersion": "1.0",
            "Timestamp": HTTPDate.iso8601(now),
            "Version": "2017-05-25",
        ]
    }

    /// The `SendSms` parameters of one message, `Signature` excepted.
    func parameters(for message: OutboundMessage, now: Date) throws(GatewayError) -> [String: String] {
        let phone = try lookup.phone(of: message)
        let (kind, template) = try lookup.template(for: message)
        let values = try lookup.parameters(of: message, kind, template)
        var parameters = common(action: "SendSms", now: now)
        parameters["OutId"] = message.idempotencyKey
        parameters["PhoneNumbers"] = phone.digits
        parameters["SignName"] = settings.signName
        parameters["TemplateCode"] = template.code
        if !values.isEmpty { parameters["TemplateParam"] = Self.json(Self.object(values)) }
        return parameters
    }

    /// The `SendBatchSms` parameters of messages of one kind, `Signature` excepted.
    func batchParameters(for messages: [OutboundMessage], now: Date) throws(GatewayError) -> [String: String] {
        guard let first = messages.first else { throw GatewayError(gateway: name, message: "an empty batch") }
        guard messages.count <= Self.maximumBatch else {
            throw GatewayError(gateway: name, message: "SendBatchSms takes at most \(Self.maximumBatch) numbers, not \(messages.count)")
        }
        let (kind, template) = try lookup.template(for: first)
        var phones: [String] = []
        var objects: [[String: String]] = []
        for message in messages {
            let (other, _) = try lookup.template(for: message)
            guard other == kind else {
                throw GatewayError(gateway: name, message: "a batch takes one kind of message (one TemplateCode), not \(kind.rawValue) and \(other.rawValue)")
            }
            let phone = try lookup.phone(of: message)
            guard !phones.contains(phone.digits) else {
                throw GatewayError(gateway: name, message: "\(phone) is twice in one batch: its status reports could not be told apart")
            }
            phones.append(phone.digits)
            objects.append(Self.object(try lookup.parameters(of: message, kind, template)))
        }
        var parameters = common(action: "SendBatchSms", now: now)
        parameters["PhoneNumberJson"] = Self.json(phones)
        parameters["SignNameJson"] = Self.json(Array(repeating: settings.signName, count: phones.count))
        parameters["TemplateCode"] = template.code
        if !template.parameters.isEmpty { parameters["TemplateParamJson"] = Self.json(objects) }
        return parameters
    }

    public func request(for message: OutboundMessage, now: Date) throws(GatewayError) -> HTTPRequest {
        let query = AliyunRPCSignature.signedQuery(try parameters(for: message, now: now), accessKeySecret: accessKeySecret)
        return timeouts.request(.get, baseURL + "?" + query)
    }

    /// One message: `SendSms`; more: `SendBatchSms` (all of one kind, each number once).
    public func request(for messages: [OutboundMessage], now: Date) throws(GatewayError) -> HTTPRequest {
        if messages.count == 1, let message = messages.first { return try request(for: message, now: now) }
        let body = AliyunRPCSignature.signedQuery(try batchParameters(for: messages, now: now), method: "POST",
                                                  accessKeySecret: accessKeySecret)
        return timeouts.request(.post, baseURL, headers: [HTTPHeader("Content-Type", Self.formContentType)], body: Array(body.utf8))
    }

    public func interpret(_ outcome: HTTPOutcome, for message: OutboundMessage, now: Date) -> DeliveryVerdict {
        verdict(outcome, now: now, batch: 1)
    }

    /// One verdict for the whole request, given to each message: Aliyun answers for the batch.
    public func interpret(_ outcome: HTTPOutcome, for messages: [OutboundMessage], now: Date) -> [DeliveryVerdict] {
        let verdict = verdict(outcome, now: now, batch: messages.count)
        return messages.map { _ in verdict }
    }

    private func verdict(_ outcome: HTTPOutcome, now: Date, batch: Int) -> DeliveryVerdict {
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
        let scope = batch > 1 ? ", for a batch of \(batch)" : ""
        let reason = clean("Aliyun \(code) (HTTP \(response.status)\(scope)): \(reply.string(at: "Message") ?? "")")
        if let after = Self.retryCodes[code] { return .retry(reason: reason, after: after) }
        if case let .retry(_, after) = base { return .retry(reason: reason, after: after) }
        return .permanent(reason: reason)
    }

    private var baseURL: String { settings.endpoint.hasSuffix("/") ? settings.endpoint : settings.endpoint + "/" }

    private func clean(_ text: String) -> String { ReasonText.clean(text, removing: [accessKeySecret]) }

    private static func object(_ values: [(name: String, value: String)]) -> [String: String] {
        Dictionary(values.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    private static func json<T: Encodable>(_ value: T) -> String { String(decoding: JSONBody.encode(value), as: UTF8.self) }
}
