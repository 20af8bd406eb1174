import FafangCore

/// Finds the approved template of a message for a cloud SMS gateway (Aliyun, Tencent) and the
/// values of its parameters, refusing with a `GatewayError` what cannot be sent: a message without
/// a kind, a kind without a template, a parameter the message lacks (named, never its value).
struct CloudSMSTemplateLookup: Sendable {
    var gateway: String
    var templates: [DueEvent.Kind: CloudSMSTemplate]

    /// The phone a cloud SMS message goes to.
    func phone(of message: OutboundMessage) throws(GatewayError) -> PhoneNumber {
        guard case let .phone(phone) = message.recipient else {
            throw GatewayError(gateway: gateway, message: "an SMS gateway takes phone numbers, not endpoint \(message.recipient)")
        }
        return phone
    }

    /// The template of `message`'s kind.
    func template(for message: OutboundMessage) throws(GatewayError) -> (kind: DueEvent.Kind, template: CloudSMSTemplate) {
        guard let kind = message.kind else {
            throw GatewayError(gateway: gateway, message: "the message has no kind: a cloud SMS gateway sends the vendor's approved template of a kind (fafang send-test --kind payment_recorded)")
        }
        guard let template = templates[kind] else {
            throw GatewayError(gateway: gateway, message: "no template for \(kind.rawValue) messages: add \(kind.rawValue) = \"…\" to [gateways.\(gateway).templates]")
        }
        return (kind, template)
    }

    /// The template's parameters as `(name, value)`, in the template's order.
    func parameters(of message: OutboundMessage, _ kind: DueEvent.Kind, _ template: CloudSMSTemplate) throws(GatewayError) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        for name in template.parameters {
            guard let value = message.templateParameters[name] else {
                throw GatewayError(gateway: gateway, message: "the \(kind.rawValue) message lacks template parameter \"\(name)\"")
            }
            result.append((name, value))
        }
        return result
    }

    /// The key under which messages may share a request: the template's code, and with
    /// `values` the parameter values too (for vendors that take one parameter list per request).
    /// Nil when the message cannot be sent at all.
    func batchKey(for message: OutboundMessage, includingValues values: Bool) -> String? {
        guard case .phone = message.recipient, let (kind, template) = try? template(for: message),
              let parameters = try? parameters(of: message, kind, template)
        else { return nil }
        guard values else { return kind.rawValue }
        // A JSON array: unambiguous whatever the values hold. Kept in memory, never logged.
        return String(decoding: JSONBody.encode([kind.rawValue] + parameters.map(\.value)), as: UTF8.self)
    }
}
