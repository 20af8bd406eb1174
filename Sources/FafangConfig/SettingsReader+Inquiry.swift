import FafangCore
import Foundation

extension SettingsReader {
    /// `[inquiry]` (absent: inbound SMS are not taken): `keywords`, extra words understood
    /// besides 查询, CX, 查 and 余额; `replies_per_phone_per_day` (1–50, default 3); `hotline`,
    /// the number the replies quote (default `[township] hotline`); `[inquiry.reply_gateways]`,
    /// per intake (`kannel`, `aliyun`, `tencent`) the gateway that answers it (default
    /// `[sms] gateway`), each one of `[gateways]`.
    static func readInquiry(_ fields: TOMLFields?, gateways: Set<String>, smsGateway: String?) -> InquirySettings? {
        guard let fields else { return nil }
        defer { fields.finish() }
        var settings = InquirySettings()
        if let words = fields.strings("keywords", required: false) {
            for (index, word) in words.enumerated() where InquiryKeywords.normalized(word).isEmpty {
                fields.source.error(fields.keyPath("keywords") + "[\(index)]", "must hold a word (got only blanks or punctuation)")
            }
            settings.extraKeywords = words
        }
        if let limit = fields.int("replies_per_phone_per_day", required: false, range: 1...50) { settings.repliesPerPhonePerDay = limit }
        settings.hotline = fields.string("hotline", required: false)
        if let table = fields.table("reply_gateways", required: false) {
            defer { table.finish() }
            for intake in InquiryIntake.allCases {
                guard let name = table.string(intake.rawValue, required: false) else { continue }
                guard gateways.contains(name) else {
                    let known = gateways.sorted().joined(separator: ", ")
                    table.error(intake.rawValue, "no gateway \"\(name)\" in [gateways]" + (known.isEmpty ? " (none configured)" : " (configured: \(known))"))
                    continue
                }
                settings.replyGateways[intake] = name
            }
        }
        if smsGateway == nil, settings.replyGateways.count < InquiryIntake.allCases.count {
            fields.warning("reply_gateways", "no [sms] gateway: an intake without a reply gateway here takes queries it cannot answer")
        }
        return settings
    }
}
