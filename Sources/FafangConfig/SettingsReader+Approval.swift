import FafangCore
import Foundation

extension SettingsReader {
    /// `[approval]`: `kinds`, the event kinds whose SMS to payees wait for an approver (raw
    /// values of `DueEvent.Kind`); `[]` holds nothing. An absent table or key keeps the default
    /// (`payment_recorded`).
    static func readApproval(_ fields: TOMLFields?) -> ApprovalSettings {
        var settings = ApprovalSettings()
        guard let fields else { return settings }
        defer { fields.finish() }
        guard let names = fields.strings("kinds", required: false) else { return settings }
        var kinds: Set<DueEvent.Kind> = []
        for (index, name) in names.enumerated() {
            guard let kind = DueEvent.Kind(rawValue: name) else {
                let known = DueEvent.Kind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                fields.source.error(fields.keyPath("kinds") + "[\(index)]", "unknown kind \"\(name)\" (known: \(known))")
                continue
            }
            guard !kind.isInquiry else {
                fields.source.error(fields.keyPath("kinds") + "[\(index)]",
                                    "\(name) cannot be held: a reply to a household's query answers what it asked, now (see [inquiry])")
                continue
            }
            kinds.insert(kind)
        }
        settings.kinds = kinds
        return settings
    }
}
