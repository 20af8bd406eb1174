import FafangCore
import Foundation

/// A bank batch result file (银行批量代发结果) or any CSV of payments, read into ledger entries.
///
/// Columns (English or the usual Chinese headings): `bank_reference` (交易流水号), `project_code`
/// (项目编码), `payee_id` (户号/编号), `amount_yuan` (金额), `date` (日期: 2021-03-15, 2021/3/15 or
/// 20210315), and optionally `status` (状态: 成功 / 失败 — failed transfers are not payments and are
/// skipped). UTF-8 or GB18030, or an Excel workbook (.xlsx) read like a workbook register. Every
/// bad row is reported with its line (a workbook's: sheet and cell); a file with any bad row
/// yields no entries at all.
public enum LedgerFile {
    /// One payment read from the file, with the line it is on.
    public struct Row: Sendable, Hashable {
        public var line: Int
        public var entry: LedgerEntry
        /// A workbook row's place (`代发结果!A14`); nil for CSV.
        public var place: String?
    }

    /// Every problem of a refused file.
    public struct Rejected: Error, Sendable {
        public var diagnostics: [Diagnostic]
    }

    public struct Parsed: Sendable {
        public var rows: [Row]
        /// Lines of transfers the bank reports as failed, skipped.
        public var skippedFailed: [Int]
    }

    static let columns = RegisterColumns(columns: [
        .init(key: "bank_reference", aliases: ["交易流水号", "流水号", "银行流水号"], required: true),
        .init(key: "project_code", aliases: ["项目编码"], required: true),
        .init(key: "payee_id", aliases: ["户号", "编号", "收款人编号"], required: true),
        .init(key: "amount_yuan", aliases: ["金额", "金额（元）", "金额(元)", "发放金额"], required: true),
        .init(key: "date", aliases: ["日期", "发放日期", "交易日期"], required: true),
        .init(key: "status", aliases: ["状态", "交易状态"], required: false),
        .init(key: "name", aliases: ["姓名", "户主", "收款人"], required: false),
        .init(key: "note", aliases: ["备注", "摘要"], required: false),
    ])

    /// Reads `path` a row at a time (CSV, or an Excel workbook's `sheet`, else its first sheet);
    /// returns the rows, or every problem found.
    public static func read(_ path: String, sheet: String? = nil) -> Result<Parsed, Rejected> {
        var reader = RegisterReader(file: path, log: DiagnosticLog(), sheet: sheet)
        guard reader.open(columns) else { return .failure(Rejected(diagnostics: reader.log.errors)) }
        let (statusField, referenceField, projectField) = (reader.field("status"), reader.field("bank_reference"), reader.field("project_code"))
        let (payeeField, amountField, dateField) = (reader.field("payee_id"), reader.field("amount_yuan"), reader.field("date"))
        var rows: [Row] = []
        var skipped: [Int] = []
        while let row = reader.next() {
            let status = row[statusField]
            if status.isEmpty || status == "成功" {
                // The common case, without lower-casing the text.
            } else if ["失败", "failed", "fail", "退回", "returned"].contains(status.lowercased()) {
                skipped.append(row.line)
                continue
            } else if !["", "成功", "success", "ok", "succeeded"].contains(status.lowercased()) {
                reader.error(row, statusField, "must be 成功 or 失败 (got \"\(status)\")")
                continue
            }
            let before = reader.log.errorCount
            let reference = reader.required(row, referenceField)
            let project = reader.required(row, projectField)
            let payee = reader.required(row, payeeField)
            let amount = reader.money(row, amountField)
            let date = parseDate(row[dateField])
            if date == nil { reader.error(row, dateField, "must be a date such as 2021-03-15, 2021/3/15 or 20210315 (got \"\(row[dateField])\")") }
            guard reader.log.errorCount == before, let reference, let project, let payee, let amount, let date else { continue }
            rows.append(Row(line: row.line, entry: LedgerEntry(projectCode: project, payeeID: payee, amount: amount, date: date,
                                                               bankReference: reference),
                            place: reader.place(of: row)))
        }
        if reader.log.hasErrors { return .failure(Rejected(diagnostics: reader.log.errors)) }
        return .success(Parsed(rows: rows, skippedFailed: skipped))
    }

    /// "2021-03-15", "2021/3/15", "2021.3.15", "20210315", "2021年3月15日".
    public static func parseDate(_ text: String) -> CivilDate? {
        if let plain = plainDate(text) { return plain }
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.count == 8, t.allSatisfy(\.isNumber), let y = Int(t.prefix(4)), let m = Int(t.dropFirst(4).prefix(2)), let d = Int(t.suffix(2)) {
            return CivilDate(year: y, month: m, day: d)
        }
        let parts = t.split(whereSeparator: { "-/.年月日".contains($0) }).map(String.init)
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    /// `parseDate` on the bytes of a text of ASCII digits and `-` `/` `.` only (a bank file's
    /// every row): the same verdict, or nil for any other text (read the long way).
    private static func plainDate(_ text: String) -> CivilDate?? {
        var parts: [(value: Int, digits: Int)] = []
        var current: (value: Int, digits: Int) = (0, 0)
        var separated = false
        for byte in text.utf8 {
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                guard current.digits < 18 else { return nil }
                current = (current.value * 10 + Int(byte - UInt8(ascii: "0")), current.digits + 1)
            } else if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".") {
                separated = true
                if current.digits > 0 { parts.append(current) }
                current = (0, 0)
            } else {
                return nil
            }
        }
        if current.digits > 0 { parts.append(current) }
        if !separated {
            // 20210315.
            guard current.digits == 8 else { return .some(nil) }
            return .some(CivilDate(year: current.value / 10_000, month: current.value / 100 % 100, day: current.value % 100))
        }
        guard parts.count == 3, parts[0].digits == 4 else { return .some(nil) }
        return .some(CivilDate(year: parts[0].value, month: parts[1].value, day: parts[2].value))
    }

    /// The payee id of spending on an operating project (the township's own funds, no payees).
    public static let operatingPayee = "-"

    /// The problems a configuration finds with an entry, before it may be recorded: an unknown
    /// project or payee, an amount above what is still owed. An operating project's spending is
    /// recorded with payee `-`, up to its budget.
    public static func problem(with entry: LedgerEntry, paidBefore: Money, in configuration: Configuration) -> String? {
        guard let project = configuration.project(code: entry.projectCode) else {
            return "unknown project \(entry.projectCode)"
        }
        guard project.project.kind.payeeKind != nil else {
            guard entry.payeeID == operatingPayee else {
                return "project \(entry.projectCode) is an operating project: record its spending with payee \(operatingPayee)"
            }
            let after = paidBefore + entry.amount
            if after > project.project.budget.total {
                return "overspends \(entry.projectCode): budget \(project.project.budget.total.yuanString) 元, already spent \(paidBefore.yuanString) 元, this payment \(entry.amount.yuanString) 元"
            }
            return nil
        }
        guard let position = project.payees.position(of: entry.payeeID) else {
            return "payee \(entry.payeeID) is not in the register of project \(entry.projectCode)"
        }
        let owed = project.payees.owed(at: position)
        let after = paidBefore + entry.amount
        if after > owed {
            return "overpays \(entry.payeeID): owed \(owed.yuanString) 元, already paid \(paidBefore.yuanString) 元, this payment \(entry.amount.yuanString) 元"
        }
        return nil
    }
}
