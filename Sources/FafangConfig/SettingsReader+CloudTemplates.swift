import FafangCore
import Foundation

extension SettingsReader {
    /// The keys of one template per gateway that `[gateways.NAME.templates]` replaced.
    static let singleTemplateKeys = ["template_code", "template_id", "template_parameters"]

    /// `[gateways.NAME.templates]` (kind → the vendor's approved template code) and
    /// `[gateways.NAME.parameters]` (kind → the message fields that fill its variables) of an
    /// Aliyun or Tencent gateway:
    ///
    /// ```toml
    /// [gateways.aliyun.templates]
    /// payment_recorded = "SMS_460775001"
    /// [gateways.aliyun.parameters]
    /// payment_recorded = ["payee_name", "project_name", "amount", "payment_date"]
    /// ```
    ///
    /// Checked here: the kinds are message kinds, codes are not empty, every template has its
    /// parameter list (`[]` for a template without variables) and every list its template, no
    /// field is named twice. Whether a kind goes to payees by SMS and whether each name is a
    /// field of that kind is for `CloudSMSTemplateCheck` (FafangDelivery knows the fields).
    /// The single `template_code`/`template_id` of earlier versions is refused, saying what to
    /// write instead: one template cannot serve several kinds of message.
    ///
    /// - Parameters:
    ///   - code: what the code is called by the vendor, with an example, for messages.
    ///   - variables: how the vendor's template refers to its parameters, for messages.
    /// - Returns: nil when anything is wrong (reported).
    static func cloudTemplates(_ fields: TOMLFields, code: String, variables: String) -> [DueEvent.Kind: CloudSMSTemplate]? {
        let templatesPath = fields.keyPath("templates")
        let parametersPath = fields.keyPath("parameters")
        var refused = false
        for key in singleTemplateKeys where fields.has(key) {
            _ = fields.value(key)
            refused = true
            let instead = key == "template_parameters"
                ? "list the fields of each kind's template in [\(parametersPath)], e.g. payment_recorded = [\"payee_name\", \"amount\"]"
                : "give each kind of message its own approved template in [\(templatesPath)], e.g. payment_recorded = \"…\" (the \(code)), and its fields in [\(parametersPath)]"
            fields.error(key, "no longer read (each kind of message has its own template): \(instead)")
        }
        let templatesTable = fields.table("templates", required: !refused)
        let parametersTable = fields.table("parameters", required: false)
        defer {
            templatesTable?.finish()
            parametersTable?.finish()
        }
        guard let templatesTable else { return nil }

        var ok = !refused
        var codes: [DueEvent.Kind: String] = [:]
        for key in orderedKeys(templatesTable) {
            guard let kind = messageKind(templatesTable, key) else {
                ok = false
                continue
            }
            guard let text = templatesTable.string(key) else {
                ok = false
                continue
            }
            codes[kind] = text.trimmingCharacters(in: .whitespaces)
        }
        if codes.isEmpty, ok {
            fields.error("templates", "names no template: give at least payment_recorded = \"…\" (the \(code))")
            ok = false
        }

        var parameters: [DueEvent.Kind: [String]] = [:]
        for key in parametersTable.map(orderedKeys) ?? [] {
            guard let parametersTable, let kind = messageKind(parametersTable, key) else {
                ok = false
                continue
            }
            guard let names = parametersTable.strings(key) else {
                ok = false
                continue
            }
            var seen: Set<String> = []
            for (index, name) in names.enumerated() {
                let path = "\(parametersTable.keyPath(key))[\(index)]"
                if name.trimmingCharacters(in: .whitespaces).isEmpty {
                    fields.source.error(path, "must not be empty")
                    ok = false
                } else if !seen.insert(name).inserted {
                    fields.source.error(path, "\"\(name)\" is listed twice")
                    ok = false
                }
            }
            if codes[kind] == nil, templatesTable.has(key) == false {
                parametersTable.error(key, "no template for \(key): add \(key) = \"…\" (the \(code)) to [\(templatesPath)]")
                ok = false
            }
            parameters[kind] = names
        }
        for (kind, _) in codes where parameters[kind] == nil {
            templatesTable.error(kind.rawValue, "no parameters for \(kind.rawValue): give \(kind.rawValue) = [\"payee_name\", …] in [\(parametersPath)], the fields the template takes (\(variables)); [] if it has none")
            ok = false
        }
        guard ok else { return nil }
        var templates: [DueEvent.Kind: CloudSMSTemplate] = [:]
        for (kind, text) in codes { templates[kind] = CloudSMSTemplate(code: text, parameters: parameters[kind] ?? []) }
        return templates
    }

    /// The kind a key of `templates` or `parameters` names, or nil (reported).
    private static func messageKind(_ table: TOMLFields, _ key: String) -> DueEvent.Kind? {
        if let kind = DueEvent.Kind(rawValue: key) { return kind }
        _ = table.value(key)  // read: reported here, not again as an unknown key
        let known = DueEvent.Kind.allCases.map(\.rawValue).joined(separator: ", ")
        table.error(key, "unknown kind of message \"\(key)\" (kinds: \(known))")
        return nil
    }

    /// The keys of a table in file order.
    private static func orderedKeys(_ table: TOMLFields) -> [String] {
        table.table.keys.sorted { table.source.line(table.keyPath($0)) < table.source.line(table.keyPath($1)) }
    }
}
