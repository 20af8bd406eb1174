import Foundation

extension RegisterReader {
    /// The rows of a register kept as an Excel workbook, streamed from its sheet (`sheet`, else
    /// the first), as the CSV path gives them: the heading row is the first whose headings
    /// include every required column (title rows above it are skipped), rows whose first cell
    /// is 合计, 总计 or 小计 are totals and skipped, rows starting with `#` are notes, empty rows
    /// are nothing. Merged cells give their value to every cell of the merge. A value in a
    /// column with no heading is an error; problems name the sheet and cell.
    mutating func workbookRows(_ columns: RegisterColumns) -> [Cells]? {
        let reader: XLSXSheetReader
        do throws(OOXMLError) {
            let workbook = try XLSXWorkbook(path: file)
            reader = XLSXSheetReader(workbook: workbook, sheet: try workbook.sheet(named: sheet))
        } catch {
            log.error(file, 0, "", error.message)
            return nil
        }
        let required = columns.columns.filter(\.required)
        var layout: SheetColumns?
        var firstRow: XLSXRow?
        var result: [Cells] = []
        var failed = false
        do throws(OOXMLError) {
            try reader.forEachRow { row in
                if firstRow == nil { firstRow = row }
                let lead = row.cells.first.map { $0.text.filter { !$0.isWhitespace && $0 != "\u{3000}" } } ?? ""
                if lead.hasPrefix("#") { return }
                guard let sheetColumns = layout else {
                    let headings = Set(row.cells.map { $0.text.trimmingCharacters(in: .whitespaces) })
                    guard required.allSatisfy({ column in headings.contains(column.key) || column.aliases.contains(where: headings.contains) })
                    else { return }
                    layout = header(row, columns: columns, reader: reader)
                    if layout == nil { failed = true }
                    return
                }
                if ["合计", "总计", "小计"].contains(where: lead.hasPrefix) { return }
                var values: [String: String] = [:]
                for cell in row.cells {
                    guard let key = sheetColumns.keys[cell.column] else {
                        log.append(Diagnostic(file: file, line: row.number, keyPath: "",
                                              message: "a value in column \(XLSXSheetReader.letters(cell.column)), which has no heading",
                                              place: reader.place(row: row.number, column: cell.column)))
                        continue
                    }
                    values[key] = cell.text.trimmingCharacters(in: .whitespaces)
                }
                result.append(Cells(line: row.number, values: values, sheet: sheetColumns))
            }
        } catch {
            log.error(file, 0, "", error.message)
            return nil
        }
        if failed { return nil }
        guard layout != nil else {
            let names = required.map { $0.aliases.first ?? $0.key }.joined(separator: ", ")
            let place = reader.place(row: firstRow?.number ?? 1, column: 0)
            log.append(Diagnostic(file: file, line: firstRow?.number ?? 0, keyPath: "header",
                                  message: "no heading row with the columns \(names) (a title row above the headings is fine)", place: place))
            return nil
        }
        return result
    }

    /// The heading row's columns, checked as a CSV header is (unknown, repeated and missing
    /// columns are errors, named at the row).
    private mutating func header(_ row: XLSXRow, columns: RegisterColumns, reader: XLSXSheetReader) -> SheetColumns? {
        let before = log.entries.count
        let matched = columns.match(row.cells.map(\.text), file: file, line: row.number, log: &log)
        log.place(from: before, at: reader.place(row: row.number, column: row.cells.first?.column ?? 0))
        guard let positions = matched else { return nil }
        var keys: [Int: String] = [:]
        for (key, index) in positions { keys[row.cells[index].column] = key }
        return SheetColumns(sheet: reader.sheet.name, keys: keys)
    }
}

/// Where a workbook register's columns are: the sheet's name and each column key's column, to
/// name a cell as `殷官屯村!D14`.
struct SheetColumns {
    let sheet: String
    /// Column key by 0-based column.
    let keys: [Int: String]
    private let letters: [String: String]

    init(sheet: String, keys: [Int: String]) {
        self.sheet = sheet
        self.keys = keys
        letters = Dictionary(keys.map { ($0.value, XLSXSheetReader.letters($0.key)) }, uniquingKeysWith: { a, _ in a })
    }

    /// `殷官屯村!D14` for `phone` on row 14; the row's first cell for a row-wide problem.
    func place(_ key: String, row: Int) -> String {
        let column = letters[key] ?? letters.values.min { ($0.count, $0) < ($1.count, $1) } ?? "A"
        return "\(sheet)!\(column)\(row)"
    }
}
