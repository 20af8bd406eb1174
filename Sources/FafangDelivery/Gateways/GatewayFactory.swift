import FafangCore
import Foundation

/// Builds the configured gateways: the webhook endpoints (`[endpoints.NAME]`) and the SMS
/// gateways (`[gateways.NAME]`), reading their secrets through a `SecretStore`. Every problem
/// (a missing or unreadable secret file, a bad `whsec_` secret) is collected and reported at
/// once, each naming its table and file, never a secret.
public struct GatewayFactory: Sendable {
    public var secrets: SecretStore
    /// Timeouts of requests, where a gateway sets none of its own.
    public var engine: HTTPEngineSettings
    /// `[sms]` signature and `max_segments`, for the gateways that send Fafang's own text.
    public var sms: SMSTextRules
    public var classifier: DeliveryClassifier

    public init(secrets: SecretStore = SecretStore(), engine: HTTPEngineSettings = HTTPEngineSettings(), sms: SMSTextRules,
                classifier: DeliveryClassifier = DeliveryClassifier()) {
        self.secrets = secrets
        self.engine = engine
        self.sms = sms
        self.classifier = classifier
    }

    /// Every gateway by name, or all the problems found.
    public func gateways(endpoints: [String: Endpoint], smsGateways: [String: SMSGatewaySettings]) throws(GatewaySetupError) -> [String: any Gateway] {
        var result: [String: any Gateway] = [:]
        var problems: [GatewaySetupError.Problem] = []
        for name in endpoints.keys.sorted() {
            guard let endpoint = endpoints[name] else { continue }
            do { result[name] = try gateway(for: endpoint) } catch { problems.append(contentsOf: error.problems) }
        }
        for name in smsGateways.keys.sorted() {
            guard let settings = smsGateways[name] else { continue }
            if endpoints[name] != nil {
                problems.append(.init(table: "gateways.\(name)", message: "the name is also an endpoint: names of [endpoints] and [gateways] must differ"))
                continue
            }
            do { result[name] = try gateway(for: settings) } catch { problems.append(contentsOf: error.problems) }
        }
        if !problems.isEmpty { throw GatewaySetupError(problems: problems) }
        return result
    }

    /// The robot or webhook of one endpoint.
    public func gateway(for endpoint: Endpoint) throws(GatewaySetupError) -> any Gateway {
        let table = "endpoints.\(endpoint.name)"
        let timeouts = GatewayTimeouts(engine: engine)
        let url: Secret
        if let text = endpoint.url {
            url = Secret(text)
        } else if let reference = endpoint.urlSecret {
            url = try load(reference, table: table, key: "url")
        } else {
            throw GatewaySetupError(problems: [.init(table: table, message: "no url")])
        }
        let secret = try endpoint.secret.map { reference throws(GatewaySetupError) in try load(reference, table: table, key: "secret") }
        switch endpoint.kind {
        case .dingtalk:
            return DingTalkRobotGateway(name: endpoint.name, url: url, secret: secret, format: endpoint.format,
                                        timeouts: timeouts, classifier: classifier)
        case .wecom:
            return WeComRobotGateway(name: endpoint.name, url: url, format: endpoint.format, timeouts: timeouts, classifier: classifier)
        case .feishu:
            return FeishuBotGateway(name: endpoint.name, url: url, secret: secret, timeouts: timeouts, classifier: classifier)
        case .webhook:
            var all = secret.map { [$0] } ?? []
            if let reference = endpoint.secrets {
                do { all += try secrets.loadLines(reference) } catch {
                    throw GatewaySetupError(problems: [.init(table: table, message: "secrets: \(error)")])
                }
            }
            var signer: StandardWebhookSigner?
            if !all.isEmpty {
                do { signer = try StandardWebhookSigner(secrets: all) } catch {
                    throw GatewaySetupError(problems: [.init(table: table, message: "signing secret: \(error)")])
                }
            }
            return StandardWebhookGateway(name: endpoint.name, url: url.reveal, signer: signer, timeouts: timeouts, classifier: classifier)
        }
    }

    /// The SMS gateway of one `[gateways.NAME]` table.
    public func gateway(for settings: SMSGatewaySettings) throws(GatewaySetupError) -> any Gateway {
        let table = "gateways.\(settings.name)"
        let timeouts = GatewayTimeouts(engine: engine, connectMilliseconds: settings.connectTimeoutMilliseconds,
                                       totalMilliseconds: settings.totalTimeoutMilliseconds)
        let templateErrors = CloudSMSTemplateCheck.problems(settings).filter { $0.severity == .error }
        guard templateErrors.isEmpty else {
            let prefix = table + "."
            throw GatewaySetupError(problems: templateErrors.map { problem -> GatewaySetupError.Problem in
                let key = problem.keyPath.hasPrefix(prefix) ? String(problem.keyPath.dropFirst(prefix.count)) : problem.keyPath
                return GatewaySetupError.Problem(table: table, message: key + ": " + problem.message)
            })
        }
        switch settings.details {
        case let .kannel(kannel):
            let password = try load(kannel.password, table: table, key: "password")
            let token = try kannel.receiptToken.map { reference throws(GatewaySetupError) in try load(reference, table: table, key: "receipt_token") }
            if let token, !KannelGateway.isValidReceiptToken(token) {
                throw GatewaySetupError(problems: [.init(table: table, message: "receipt_token: \(kannel.receiptToken.map(\.description) ?? "") must hold letters, digits and - _ . ~ only (it travels in Kannel's dlr-url)")])
            }
            return KannelGateway(name: settings.name, settings: kannel, password: password, receiptToken: token, rules: sms, timeouts: timeouts,
                                 classifier: classifier)
        case let .aliyun(aliyun):
            let secret = try load(aliyun.accessKeySecret, table: table, key: "access_key_secret")
            return AliyunSMSGateway(name: settings.name, settings: aliyun, accessKeySecret: secret, timeouts: timeouts, classifier: classifier)
        case let .tencent(tencent):
            let key = try load(tencent.secretKey, table: table, key: "secret_key")
            return TencentSMSGateway(name: settings.name, settings: tencent, secretKey: key, timeouts: timeouts, classifier: classifier)
        case let .http(http):
            let problems = http.templateProblems
            guard problems.isEmpty else {
                throw GatewaySetupError(problems: problems.map { .init(table: table, message: "\($0.key): \($0.problem)") })
            }
            let secret = try http.secret.map { reference throws(GatewaySetupError) in try load(reference, table: table, key: "secret") }
            return HTTPSMSGateway(name: settings.name, settings: http, secret: secret, rules: sms, timeouts: timeouts, classifier: classifier)
        }
    }

    private func load(_ reference: SecretReference, table: String, key: String) throws(GatewaySetupError) -> Secret {
        do {
            return try secrets.load(reference)
        } catch {
            throw GatewaySetupError(problems: [.init(table: table, message: "\(key): \(error)")])
        }
    }
}

/// Gateways that could not be built, each problem naming its table: `gateways.kannel: password:
/// file /etc/fafang/secrets/kannel-password does not exist`.
public struct GatewaySetupError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// `gateways.kannel`, `endpoints.village-v01`.
        public var table: String
        public var message: String

        public init(table: String, message: String) {
            self.table = table
            self.message = Redaction.text(message)
        }

        public var description: String { "\(table): \(message)" }
    }

    public var problems: [Problem]

    public init(problems: [Problem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
