import Foundation
import FafangCore

/// The columns a payee register may have, with the Chinese headings a clerk's spreadsheet uses
/// for them. A register is matched by header; unknown columns are errors, not ignored.
struct RegisterColumns {
    struct Column {
        let key: String
        let aliases: [String]
        let required: Bool
    }

    let columns: [Column]

    static let villages = RegisterColumns(columns: [
        Column(key: "id", aliases: ["编号", "村编号"], required: true),
        Column(key: "name", aliases: ["名称", "村名", "村（社区）"], required: true),
        Column(key: "type", aliases: ["类型"], required: false),
        Column(key: "contact_phone", aliases: ["联系电话", "村委会电话"], required: false),
        Column(key: "webhooks", aliases: ["通知渠道"], required: false),
        Column(key: "synthetic", aliases: ["虚构"], required: false),
    ])

    static let households = RegisterColumns(columns: [
        Column(key: "id", aliases: ["户号", "编号"], required: true),
        Column(key: "name", aliases: ["户主", "姓名"], required: true),
        Column(key: "village", aliases: ["村", "所属村"], required: true),
        Column(key: "phone", aliases: ["手机号", "电话", "联系电话"], required: false),
        Column(key: "card_tail", aliases: ["卡号后四位", "银行卡后四位"], required: true),
        Column(key: "area_mu", aliases: ["面积（亩）", "面积(亩)", "亩数"], required: true),
        Column(key: "rate_yuan_per_mu", aliases: ["每亩租金（元/年）", "单价"], required: false),
        Column(key: "years", aliases: ["年限"], required: false),
    ])

    static let persons = RegisterColumns(columns: [
        Column(key: "id", aliases: ["编号"], required: true),
        Column(key: "name", aliases: ["姓名"], required: true),
        Column(key: "village", aliases: ["村", "所属村"], required: true),
        Column(key: "phone", aliases: ["手机号", "电话", "联系电话"], required: false),
        Column(key: "card_tail", aliases: ["卡号后四位", "银行卡后四位"], required: true),
        Column(key: "amount_yuan", aliases: ["金额（元）", "金额(元)", "金额"], required: true),
    ])

    static let villageShares = RegisterColumns(columns: [
        Column(key: "village_id", aliases: ["村编号"], required: true),
        Column(key: "amount_yuan", aliases: ["金额（元）", "金额(元)", "金额"], required: false),
        Column(key: "share", aliases: ["份额", "权重"], required: false),
    ])

    /// Maps each header cell to a column key; reports unknown, duplicate and missing columns.
    /// `place` names a header cell (by its position; nil: the header row) where the line does
    /// not (see `RegisterRowSource.place`).
    func match(_ header: [String], file: String, line: Int, log: inout DiagnosticLog,
               place: (Int?) -> String? = { _ in nil }) -> [String: Int]? {
        var positions: [String: Int] = [:]
        var ok = true
        for (index, raw) in header.enumerated() {
            let cell = raw.trimmingCharacters(in: .whitespaces)
            guard let column = columns.first(where: { $0.key == cell || $0.aliases.contains(cell) }) else {
                let known = columns.map(\.key).joined(separator: ", ")
                log.error(file, line, "header", "unknown column \"\(cell)\" (known: \(known))", place: place(index))
                ok = false
                continue
            }
            if positions[column.key] != nil {
                log.error(file, line, "header", "column \(column.key) appears twice", place: place(index))
                ok = false
            }
            positions[column.key] = index
        }
        for column in columns where column.required && positions[column.key] == nil {
            log.error(file, line, "header", "missing column \(column.key)", place: place(nil))
            ok = false
        }
        return ok ? positions : nil
    }
}
