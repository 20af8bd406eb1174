/// An SMS gateway as configured in `[gateways.NAME]`: its kind with that kind's settings, and
/// timeouts that override `[delivery]`. Plain values: the delivery module turns them, with the
/// secrets they reference, into gateways.
public struct SMSGatewaySettings: Sendable, Hashable {
    /// The `kind` key.
    public enum Kind: String, CaseIterable, Sendable {
        case kannel, aliyun, tencent, http
    }

    /// The settings of each kind.
    public enum Details: Sendable, Hashable {
        case kannel(KannelSettings)
        case aliyun(AliyunSMSSettings)
        case tencent(TencentSMSSettings)
        case http(HTTPSMSSettings)
    }

    public var name: String
    public var details: Details
    /// Overrides `[delivery] connect_timeout_ms` for this gateway.
    public var connectTimeoutMilliseconds: Int?
    /// Overrides `[delivery] total_timeout_ms` for this gateway.
    public var totalTimeoutMilliseconds: Int?

    public init(name: String, details: Details, connectTimeoutMilliseconds: Int? = nil, totalTimeoutMilliseconds: Int? = nil) {
        self.name = name
        self.details = details
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.totalTimeoutMilliseconds = totalTimeoutMilliseconds
    }

    public var kind: Kind {
        switch details {
        case .kannel: return .kannel
        case .aliyun: return .aliyun
        case .tencent: return .tencent
        case .http: return .http
        }
    }
}

/// Kannel's `sendsms` interface (smsbox), e.g. `http://127.0.0.1:13013/cgi-bin/sendsms`.
public struct KannelSettings: Sendable, Hashable {
    /// The sendsms URL, without query: credentials are added per request and never printed.
    public var url: String
    /// A `sendsms-user` username.
    public var username: String
    public var password: SecretReference
    /// The sender number or name (`from`); nil leaves it to Kannel's `default-sender`.
    public var from: String?
    /// Forces an SMSC by id (`smsc`); nil lets Kannel route.
    public var smsc: String?
    public var numberFormat: PhoneNumberFormat
    /// Kannel `dlr-mask`: which delivery reports to ask for. The default 27 = 1 delivered to
    /// phone + 2 not delivered + 8 accepted by SMSC + 16 rejected by SMSC; 4 (queued on SMSC,
    /// an intermediate state) is left out. Sent only with a `receiptURL`.
    public var dlrMask: Int
    /// Fafang's receipt endpoint for Kannel's delivery reports, e.g.
    /// `http://127.0.0.1:8088/receipts/kannel`; nil asks for no reports.
    public var receiptURL: String?
    /// The admin server's token, sent as `token=` in the `dlr-url` (Kannel can only put it in the
    /// query); nil sends none. Read like the password, never printed.
    public var receiptToken: SecretReference?

    public static let defaultDLRMask = 27

    public init(url: String, username: String, password: SecretReference, from: String? = nil, smsc: String? = nil,
                numberFormat: PhoneNumberFormat = .national, dlrMask: Int = KannelSettings.defaultDLRMask,
                receiptURL: String? = nil, receiptToken: SecretReference? = nil) {
        self.url = url
        self.username = username
        self.password = password
        self.from = from
        self.smsc = smsc
        self.numberFormat = numberFormat
        self.dlrMask = dlrMask
        self.receiptURL = receiptURL
        self.receiptToken = receiptToken
    }
}

/// A generic HTTP SMS gateway whose request is templated in the configuration.
///
/// Placeholders `{phone}`, `{text}` (the full text, with 【签名】), `{id}` (the idempotency key)
/// and `{secret}` are filled per message: URL-encoded in the URL, and in the body as
/// `bodyFormat` says. `{phone}` and `{secret}` may appear in the URL's query only, never its
/// path, so that the printed (query-less) URL holds neither.
public struct HTTPSMSSettings: Sendable, Hashable {
    /// How placeholders are escaped in the body.
    public enum BodyFormat: String, CaseIterable, Sendable {
        /// JSON-string escaped (write the quotes in the template: `"to": "{phone}"`).
        case json
        /// `application/x-www-form-urlencoded` escaped.
        case form
        /// Inserted as they are (`text/plain`).
        case text
    }

    /// A header line whose value may hold placeholders.
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var url: String
    /// `GET` or `POST`.
    public var method: String
    public var headers: [Header]
    /// The body template; nil sends none (typical for GET).
    public var body: String?
    public var bodyFormat: BodyFormat
    /// The value of `{secret}` (an API key or token), if the gateway needs one.
    public var secret: SecretReference?
    public var numberFormat: PhoneNumberFormat
    /// A 2xx reply counts as accepted only if its body contains this text.
    public var successContains: String?
    /// A 2xx reply counts as accepted only if the JSON value at this dotted path (`result.code`)…
    public var successJSONPath: String?
    /// …written as text, equals this (`0`, `true`, `OK`).
    public var successJSONValue: String?
    /// The gateway's message id, at this dotted JSON path, is kept as the delivery reference.
    public var referenceJSONPath: String?

    public init(url: String, method: String = "POST", headers: [Header] = [], body: String? = nil,
                bodyFormat: BodyFormat = .json, secret: SecretReference? = nil, numberFormat: PhoneNumberFormat = .national,
                successContains: String? = nil, successJSONPath: String? = nil, successJSONValue: String? = nil,
                referenceJSONPath: String? = nil) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.bodyFormat = bodyFormat
        self.secret = secret
        self.numberFormat = numberFormat
        self.successContains = successContains
        self.successJSONPath = successJSONPath
        self.successJSONValue = successJSONValue
        self.referenceJSONPath = referenceJSONPath
    }
}

extension HTTPSMSSettings {
    /// The placeholders a template may use.
    public static let placeholders = ["{phone}", "{text}", "{id}", "{secret}"]

    /// What is wrong with the templates, each as `key: problem` (empty when nothing is):
    /// `{phone}` and `{secret}` in the URL's path (it is printed), placeholders in header names,
    /// `{secret}` without a secret, a method other than GET or POST.
    public var templateProblems: [(key: String, problem: String)] {
        var problems: [(String, String)] = []
        if !["GET", "POST"].contains(method) { problems.append(("method", "must be GET or POST (got \"\(method)\")")) }
        if !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            problems.append(("url", "must start with https:// or http://"))
        }
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        for placeholder in ["{phone}", "{secret}", "{text}"] where path.contains(placeholder) {
            problems.append(("url", "\(placeholder) may appear in the query only (the path is printed in logs)"))
        }
        let all = [url, body ?? ""] + headers.map(\.value)
        if secret == nil, all.contains(where: { $0.contains("{secret}") }) {
            problems.append(("secret_file", "the templates use {secret}: give secret_file or secret_credential"))
        }
        for header in headers where header.name.contains("{") || header.name.contains(":") || header.name.isEmpty {
            problems.append(("headers", "header name \"\(header.name)\" must be a plain name"))
        }
        if method == "GET", body != nil { problems.append(("body", "a GET request sends no body: use method = \"POST\"")) }
        return problems
    }
}
