import Foundation

/// A register or bank file kept as an Excel workbook, as rows for `RegisterReader`: its sheet
/// (`sheet`, else the first) as the CSV source gives a file's lines.
///
/// The heading row is the first whose headings include every required column (title rows above
/// it are skipped); rows whose first cell is 合计, 总计 or 小计 are totals and skipped, rows
/// starting with `#` are notes, empty rows are nothing. Merged cells give their value to every
/// cell of the merge (`XLSXSheetReader`). A value in a column with no heading is a problem of its
/// row. Cells are named by sheet and cell (`殷官屯村!D14`); a problem of the whole row by its
/// leftmost heading's column, of the heading row by its first cell.
///
/// The sheet's XML is parsed as a stream, but the rows (only their cells that are not empty) are
/// gathered before the reader takes them: `XLSXSheetReader` hands rows to a closure, and the
/// reader pulls them one at a time.
struct WorkbookRowSource: RegisterRowSource {
    private let sheet: String
    private let header: XLSXRow
    private var rows: [XLSXRow]
    private var position = -1
    /// Sheet column → position among the headings.
    private let positions: [Int: Int]
    private let leftmost: Int

    init(path: String, sheet wanted: String?, columns: RegisterColumns) throws(RegisterSourceError) {
        let reader: XLSXSheetReader
        do throws(OOXMLError) {
            let workbook = try XLSXWorkbook(path: path)
            reader = XLSXSheetReader(workbook: workbook, sheet: try workbook.sheet(named: wanted))
        } catch {
            throw RegisterSourceError(line: 0, message: error.message)
        }
        let required = columns.columns.filter(\.required)
        var first: XLSXRow?
        var header: XLSXRow?
        var rows: [XLSXRow] = []
        do throws(OOXMLError) {
            try reader.forEachRow { row in
                if first == nil { first = row }
                let lead = row.cells.first.map { $0.text.filter { !$0.isWhitespace && $0 != "\u{3000}" } } ?? ""
                if lead.hasPrefix("#") { return }
                guard header != nil else {
                    let headings = Set(row.cells.map { $0.text.trimmingCharacters(in: .whitespaces) })
                    if required.allSatisfy({ headings.contains($0.key) || $0.aliases.contains(where: headings.contains) }) { header = row }
                    return
                }
                if ["合计", "总计", "小计"].contains(where: lead.hasPrefix) { return }
                rows.append(row)
            }
        } catch {
            throw RegisterSourceError(line: 0, message: error.message)
        }
        guard let header else {
            let names = required.map { $0.aliases.first ?? $0.key }.joined(separator: ", ")
            throw RegisterSourceError(line: first?.number ?? 0, message: "no heading row with the columns \(names) (a title row above the headings is fine)",
                                      keyPath: "header", place: reader.place(row: first?.number ?? 1, column: 0))
        }
        sheet = reader.sheet.name
        self.header = header
        self.rows = rows
        positions = Dictionary(header.cells.enumerated().map { ($0.element.column, $0.offset) }, uniquingKeysWith: { first, _ in first })
        leftmost = header.cells.map(\.column).min() ?? 0
    }

    mutating func next() throws(RegisterSourceError) -> RegisterRow? {
        defer { position += 1 }
        if position < 0 { return RegisterRow(line: header.number, cells: header.cells.map(\.text)) }
        guard position < rows.count else { return nil }
        let row = rows[position]
        var cells = [String](repeating: "", count: header.cells.count)
        var problems: [RegisterRow.Problem] = []
        for cell in row.cells {
            guard let position = positions[cell.column] else {
                problems.append(.init(message: "a value in column \(XLSXSheetReader.letters(cell.column)), which has no heading",
                                      place: place(row.number, cell.column)))
                continue
            }
            cells[position] = cell.text.trimmingCharacters(in: .whitespaces)
        }
        return RegisterRow(line: row.number, cells: cells, problems: problems)
    }

    func place(line: Int, column: Int?) -> String? {
        if line == header.number { return place(line, header.cells.first?.column ?? 0) }
        return place(line, column.map { header.cells[$0].column } ?? leftmost)
    }

    private func place(_ row: Int, _ column: Int) -> String { "\(sheet)!\(XLSXSheetReader.letters(column))\(row)" }
}
