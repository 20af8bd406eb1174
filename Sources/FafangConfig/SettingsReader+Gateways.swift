import FafangCore
import Foundation

extension SettingsReader {
    /// `[gateways.NAME]`: the SMS gateways, by name.
    static func readGateways(_ table: TOMLFields?, directory: String, signature: String) -> [String: SMSGatewaySettings] {
        var gateways: [String: SMSGatewaySettings] = [:]
        for (name, fields) in table?.namedTables() ?? [] {
            if let gateway = readGateway(name, fields, directory: directory, signature: signature) { gateways[name] = gateway }
        }
        table?.finish()
        return gateways
    }

    private static func readGateway(_ name: String, _ fields: TOMLFields, directory: String, signature: String) -> SMSGatewaySettings? {
        guard let kindText = fields.string("kind") else { return nil }
        guard let kind = SMSGatewaySettings.Kind(rawValue: kindText) else {
            let known = SMSGatewaySettings.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            fields.error("kind", "unknown gateway kind \"\(kindText)\" (known: \(known))")
            return nil  // its other keys depend on the kind: not checked, so as not to bury this error
        }
        defer { fields.finish() }
        let connect = milliseconds(fields, "connect_timeout_ms", maximum: maximumConnectMilliseconds)
        let total = milliseconds(fields, "total_timeout_ms", maximum: maximumTotalMilliseconds)
        if let connect, let total, connect > total {
            fields.error("connect_timeout_ms", "must not exceed total_timeout_ms (\(connect) > \(total))")
        }
        let details: SMSGatewaySettings.Details?
        switch kind {
        case .kannel: details = readKannel(fields, directory: directory).map { .kannel($0) }
        case .aliyun: details = readAliyun(fields, directory: directory, signature: signature).map { .aliyun($0) }
        case .tencent: details = readTencent(fields, directory: directory, signature: signature).map { .tencent($0) }
        case .http: details = readHTTP(fields, directory: directory).map { .http($0) }
        }
        return details.map {
            SMSGatewaySettings(name: name, details: $0, connectTimeoutMilliseconds: connect, totalTimeoutMilliseconds: total)
        }
    }

    private static func readKannel(_ fields: TOMLFields, directory: String) -> KannelSettings? {
        var url = httpURL(fields, "url", required: true)
        if let text = url, text.contains("?") || text.contains("@") {
            fields.error("url", "give the sendsms URL without query or user: credentials go in username and password_file")
            url = nil
        }
        let username = fields.string("username")
        let password = secretReference(fields, "password", required: true, directory: directory, what: "the Kannel password")
        let from = fields.string("from", required: false)
        let smsc = fields.string("smsc", required: false)
        let format = choice(fields, "number_format", PhoneNumberFormat.self)
        let mask = fields.int("dlr_mask", required: false, range: 1...31)
        let receipt = httpURL(fields, "receipt_url")
        if mask != nil, receipt == nil, !fields.has("receipt_url") {
            fields.warning("dlr_mask", "has no effect without receipt_url (Kannel needs a dlr-url to report to)")
        }
        let receiptToken = secretReference(fields, "receipt_token", required: false, directory: directory,
                                           what: "the admin token for delivery reports")
        if receiptToken != nil, receipt == nil, !fields.has("receipt_url") {
            fields.warning(fields.has("receipt_token_file") ? "receipt_token_file" : "receipt_token_credential",
                           "has no effect without receipt_url")
        }
        guard let url, let username, let password else { return nil }
        return KannelSettings(url: url, username: username, password: password, from: from, smsc: smsc,
                              numberFormat: format ?? .national, dlrMask: mask ?? KannelSettings.defaultDLRMask, receiptURL: receipt,
                              receiptToken: receiptToken)
    }

    private static func readAliyun(_ fields: TOMLFields, directory: String, signature: String) -> AliyunSMSSettings? {
        let endpoint = httpURL(fields, "endpoint") ?? AliyunSMSSettings.defaultEndpoint
        let keyID = fields.string("access_key_id")
        let secret = secretReference(fields, "access_key_secret", required: true, directory: directory, what: "the AccessKey secret")
        let signName = fields.string("sign_name", required: false) ?? signature
        let templates = cloudTemplates(fields, code: "TemplateCode, e.g. \"SMS_71390007\"", variables: "its ${…} variables")
        let region = fields.string("region_id", required: false) ?? "cn-hangzhou"
        guard let keyID, let secret, let templates else { return nil }
        return AliyunSMSSettings(endpoint: endpoint, accessKeyID: keyID, accessKeySecret: secret, signName: signName,
                                 templates: templates, regionID: region)
    }

    private static func readTencent(_ fields: TOMLFields, directory: String, signature: String) -> TencentSMSSettings? {
        let endpoint = httpURL(fields, "endpoint") ?? TencentSMSSettings.defaultEndpoint
        let secretID = fields.string("secret_id")
        let secretKey = secretReference(fields, "secret_key", required: true, directory: directory, what: "the SecretKey")
        let region = fields.string("region", required: false) ?? "ap-guangzhou"
        let appID = fields.string("sms_sdk_app_id")
        let signName = fields.string("sign_name", required: false) ?? signature
        let templates = cloudTemplates(fields, code: "TemplateId, e.g. \"1110\"", variables: "its {1}, {2}… in order")
        guard let secretID, let secretKey, let appID, let templates else { return nil }
        return TencentSMSSettings(endpoint: endpoint, secretID: secretID, secretKey: secretKey, region: region,
                                  smsSdkAppID: appID, signName: signName, templates: templates)
    }

    private static func readHTTP(_ fields: TOMLFields, directory: String) -> HTTPSMSSettings? {
        let url = fields.string("url")
        let method = (fields.string("method", required: false) ?? "POST").uppercased()
        var headers: [HTTPSMSSettings.Header] = []
        if let table = fields.table("headers", required: false) {
            for key in table.table.keys.sorted() {
                if let value = table.string(key, allowEmpty: true) { headers.append(.init(name: key, value: value)) }
            }
            table.finish()
        }
        let body = fields.string("body", required: false)
        let format = choice(fields, "body_format", HTTPSMSSettings.BodyFormat.self) ?? .json
        let secret = secretReference(fields, "secret", required: false, directory: directory, what: "the gateway's key or token")
        let numberFormat = choice(fields, "number_format", PhoneNumberFormat.self) ?? .national
        let contains = fields.string("success_contains", required: false)
        let jsonPath = fields.string("success_json_path", required: false)
        let jsonValue = fields.string("success_json_value", required: false, allowEmpty: true)
        if (jsonPath == nil) != (jsonValue == nil) {
            fields.error(jsonPath == nil ? "success_json_value" : "success_json_path", "give success_json_path and success_json_value together")
        }
        let reference = fields.string("reference_json_path", required: false)
        guard let url else { return nil }
        let settings = HTTPSMSSettings(url: url, method: method, headers: headers, body: body, bodyFormat: format, secret: secret,
                                       numberFormat: numberFormat, successContains: contains, successJSONPath: jsonPath,
                                       successJSONValue: jsonValue, referenceJSONPath: reference)
        let secretGiven = ["secret", "secret_file", "secret_credential"].contains(where: fields.has)
        let problems = settings.templateProblems.filter { !($0.key == "secret_file" && secretGiven) }
        for problem in problems { fields.error(problem.key, problem.problem) }
        return problems.isEmpty ? settings : nil
    }
}
