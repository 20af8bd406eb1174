import FafangCore
import Foundation

/// Reads payee registers (CSV, UTF-8 or GB18030, or an Excel workbook) into Core types. A row
/// with any problem is reported with its line (a workbook's: sheet and cell) and left out
/// whole; nothing is half-read.
struct RegisterReader {
    let file: String
    var log: DiagnosticLog
    /// The sheet of a workbook register (`[payees] register_sheet`); nil for the first sheet.
    let sheet: String?

    init(file: String, log: DiagnosticLog, sheet: String? = nil) {
        self.file = file
        self.log = log
        self.sheet = sheet
    }

    /// The cells of one row by column key, with the row's line.
    struct Cells {
        let line: Int
        let values: [String: String]
        /// A workbook row's sheet and column letters, to name a cell as `殷官屯村!D14`.
        var sheet: SheetColumns? = nil
        subscript(key: String) -> String { values[key] ?? "" }
        func place(_ key: String) -> String? { sheet?.place(key, row: line) }
    }

    /// Reads and decodes the file, checks its header, and gives each row's cells.
    mutating func rows(_ columns: RegisterColumns) -> [Cells]? {
        if OfficeFile.kind(of: file) == .workbook { return workbookRows(columns) }
        let text: String
        do {
            text = try TextFile.read(file).text
        } catch {
            var line = 0
            if case let .notText(_, at) = error { line = at }
            log.error(file, line, "", error.reason)
            return nil
        }
        let table: CSVTable
        do {
            table = try CSVTable(parsing: text)
        } catch {
            log.error(file, error.line, "", error.message)
            return nil
        }
        guard let positions = columns.match(table.header, file: file, line: table.headerLine, log: &log) else { return nil }
        var result: [Cells] = []
        for row in table.rows {
            if row.fields.count != table.header.count {
                log.error(file, row.line, "", "has \(row.fields.count) fields, the header has \(table.header.count)")
                continue
            }
            var values: [String: String] = [:]
            for (key, index) in positions { values[key] = row.fields[index] }
            result.append(Cells(line: row.line, values: values))
        }
        return result
    }

    mutating func error(_ cells: Cells, _ key: String, _ message: String) {
        log.append(Diagnostic(file: file, line: cells.line, keyPath: key, message: message, place: cells.place(key)))
    }

    // MARK: Field parsers shared by every register

    /// An id: letters, digits, `-` and `_`; unique within the register.
    mutating func id(_ cells: Cells, _ key: String = "id", seen: inout [String: Int]) -> String? {
        let id = cells[key]
        guard !id.isEmpty else { error(cells, key, "missing"); return nil }
        guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            error(cells, key, "must be letters, digits, - or _ (got \"\(id)\")")
            return nil
        }
        if let first = seen[id] {
            error(cells, key, "duplicate id \(id) (first on line \(first))")
            return nil
        }
        seen[id] = cells.line
        return id
    }

    mutating func required(_ cells: Cells, _ key: String) -> String? {
        let value = cells[key]
        if value.isEmpty { error(cells, key, "missing") }
        return value.isEmpty ? nil : value
    }

    /// An optional mobile number. Returns .some(nil) when empty (a warning when `needed`, since
    /// that payee cannot be told by SMS), nil when invalid.
    mutating func phone(_ cells: Cells, _ key: String, needed: Bool = false) -> PhoneNumber?? {
        let text = cells[key]
        if text.isEmpty {
            if needed {
                log.append(Diagnostic(file: file, line: cells.line, keyPath: key, message: "empty: this payee will not be told by SMS",
                                      severity: .warning, place: cells.place(key)))
            }
            return .some(nil)
        }
        guard let phone = PhoneNumber(text) else {
            error(cells, key, "not a mainland mobile number of 11 digits starting 13–19 (got \"\(Mask.phone(text))\")")
            return nil
        }
        return .some(phone)
    }

    /// The last four digits of a bank card. A longer number is refused without echoing it.
    mutating func cardTail(_ cells: Cells) -> String? {
        let text = cells["card_tail"].filter { $0 != " " }
        if text.count > 4, text.allSatisfy(\.isNumber) {
            error(cells, "card_tail", "looks like a whole card number (\(Mask.card(tail: text))): keep only the last 4 digits in the register")
            return nil
        }
        guard text.count == 4, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            error(cells, "card_tail", "must be the last 4 digits of the bank card (got \"\(text)\")")
            return nil
        }
        return text
    }

    mutating func money(_ cells: Cells, _ key: String) -> Money? {
        do {
            let amount = try Money.parseYuan(cells[key])
            guard amount.fen > 0 else {
                error(cells, key, "must be more than 0 (got \(amount.yuanString))")
                return nil
            }
            return amount
        } catch {
            self.error(cells, key, error.description)
            return nil
        }
    }
}
