import FafangCore

/// Checks the vendor templates of the cloud SMS gateways (`[gateways.NAME.templates]` and
/// `.parameters`) against what Fafang sends: every kind named goes to payees by SMS, every
/// parameter is a field that kind's messages have (`TemplateFields.allowed`), and the gateway
/// households' SMS go through has a template for every kind the daemon sends by SMS.
///
/// The configuration reader checks the shape (known kinds, a list for each template); this knows
/// the fields, which live in FafangDelivery. `fafang check` prints these problems with the file
/// and line of their key path; `GatewayFactory` refuses a gateway with an error among them.
public enum CloudSMSTemplateCheck {
    /// One problem, located by key path (`gateways.aliyun.parameters.payment_recorded[1]`).
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public var keyPath: String
        public var message: String
        public var severity: TemplateProblem.Severity

        public init(keyPath: String, message: String, severity: TemplateProblem.Severity = .error) {
            self.keyPath = keyPath
            self.message = Mask.digitRuns(in: message)
            self.severity = severity
        }

        public var description: String { "\(keyPath): " + (severity == .warning ? "warning: " : "") + message }
    }

    /// The kinds that go to payees by SMS, in `TemplateKind` order.
    public static var smsKinds: [DueEvent.Kind] {
        TemplateKind.allCases.filter { TemplateFields.isProduced($0, .sms) }.compactMap(\.eventKind)
    }

    /// The kinds the daemon sends by SMS with these scheduler settings: every SMS kind, but
    /// payment_in_progress only with `in_progress_notice`.
    public static func sentKinds(scheduler: SchedulerSettings) -> [DueEvent.Kind] {
        smsKinds.filter { ($0 != .paymentInProgress || scheduler.inProgressNotice) && !$0.isInquiry }
    }

    /// Every problem of the cloud gateways' templates, the gateway `smsGateway` (`[sms] gateway`)
    /// checked for a template of each kind in `sent` (a missing one is an error: those messages
    /// could never reach the households).
    public static func problems(gateways: [String: SMSGatewaySettings], smsGateway: String?,
                                sent: [DueEvent.Kind]) -> [Problem] {
        var problems: [Problem] = []
        for name in gateways.keys.sorted() {
            guard let gateway = gateways[name], let templates = templates(of: gateway) else { continue }
            problems += self.problems(name: name, templates: templates)
            guard name == smsGateway else { continue }
            for kind in sent where templates[kind] == nil {
                problems.append(Problem(keyPath: "gateways.\(name).templates",
                                        message: "no template for \(kind.rawValue): households' \(TemplateKind(kind).chineseName) could not be sent (add \(kind.rawValue) = \"…\")"))
            }
        }
        return problems
    }

    /// For a cloud gateway, an error per kind of `kinds` it has no template of (none for a
    /// gateway that sends its own text).
    public static func missing(_ kinds: [DueEvent.Kind], in gateway: SMSGatewaySettings) -> [Problem] {
        guard let templates = templates(of: gateway) else { return [] }
        return kinds.filter { templates[$0] == nil }.map { kind in
            Problem(keyPath: "gateways.\(gateway.name).templates",
                    message: "no template for \(kind.rawValue): it answers inquiries ([inquiry] reply_gateways), and \(TemplateKind(kind).chineseName) could not be sent (add \(kind.rawValue) = \"…\")")
        }
    }

    /// The problems of one gateway's templates (none for a gateway that sends its own text).
    public static func problems(_ gateway: SMSGatewaySettings) -> [Problem] {
        guard let templates = templates(of: gateway) else { return [] }
        return problems(name: gateway.name, templates: templates)
    }

    static func templates(of gateway: SMSGatewaySettings) -> [DueEvent.Kind: CloudSMSTemplate]? {
        switch gateway.details {
        case let .aliyun(aliyun): return aliyun.templates
        case let .tencent(tencent): return tencent.templates
        case .kannel, .http: return nil
        }
    }

    /// Fields of SMS messages that some payees' messages lack, and when.
    static let sometimesAbsent = ["card_tail": "for a payee whose register row has no bank card"]

    private static func problems(name: String, templates: [DueEvent.Kind: CloudSMSTemplate]) -> [Problem] {
        var problems: [Problem] = []
        let sms = smsKinds
        for kind in DueEvent.Kind.allCases {
            guard let template = templates[kind] else { continue }
            guard sms.contains(kind) else {
                let kinds = sms.map(\.rawValue).joined(separator: ", ")
                problems.append(Problem(keyPath: "gateways.\(name).templates.\(kind.rawValue)",
                                        message: "\(kind.rawValue) messages do not go to payees by SMS (those that do: \(kinds))"))
                continue
            }
            let allowed = TemplateFields.allowed[TemplateKind(kind)] ?? []
            for (index, parameter) in template.parameters.enumerated() {
                let path = "gateways.\(name).parameters.\(kind.rawValue)[\(index)]"
                if !allowed.contains(parameter) {
                    problems.append(Problem(keyPath: path,
                                            message: "\"\(parameter)\" is not a field of \(kind.rawValue) messages (fields: \(allowed.sorted().joined(separator: ", ")))"))
                } else if let when = sometimesAbsent[parameter] {
                    problems.append(Problem(keyPath: path, message: "\"\(parameter)\" is absent \(when): such a message cannot be sent with this template",
                                            severity: .warning))
                }
            }
        }
        return problems
    }
}
