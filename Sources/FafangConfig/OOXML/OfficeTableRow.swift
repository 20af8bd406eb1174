import Foundation

/// One row of a table read from Word or Excel, merged cells filled in: the text in each column
/// (0-based) and the name of each cell's place, for errors.
struct OfficeTableRow {
    var texts: [Int: String]
    /// `table 2, row 5, cell 3` or `目标表!C5`.
    let place: (Int) -> String

    func text(_ column: Int?) -> String { column.flatMap { texts[$0] } ?? "" }
    var isEmpty: Bool { texts.values.allSatisfy(\.isEmpty) }

    /// The rows of a Word table, by grid column: a cell that continues a vertical merge shows the
    /// text of the cell that starts it; a cell spanning columns (`w:gridSpan`) sits in its first.
    static func rows(of table: DocxBody.Table, number: Int) -> [OfficeTableRow] {
        var result: [OfficeTableRow] = []
        var above: [Int: String] = [:]
        for (rowIndex, cells) in table.rows.enumerated() {
            var texts: [Int: String] = [:]
            var cellIndex: [Int: Int] = [:]
            for (index, cell) in cells.enumerated() {
                let text = cell.merge == .continue ? above[cell.gridColumn] ?? "" : Self.text(cell)
                texts[cell.gridColumn] = text
                cellIndex[cell.gridColumn] = index + 1
            }
            above = texts
            let row = rowIndex + 1
            result.append(OfficeTableRow(texts: texts) { column in
                "table \(number), row \(row), cell \(cellIndex[column] ?? column + 1)"
            })
        }
        return result
    }

    /// A sheet's row, cells named `Sheet!D14`.
    static func row(_ row: XLSXRow, reader: XLSXSheetReader) -> OfficeTableRow {
        var texts: [Int: String] = [:]
        for cell in row.cells { texts[cell.column] = cell.text }
        let number = row.number
        return OfficeTableRow(texts: texts) { reader.place(row: number, column: $0) }
    }

    /// A Word cell's paragraphs, trimmed, empty ones dropped, joined with "\n".
    static func text(_ cell: DocxBody.Cell) -> String {
        cell.paragraphs.map { GoalDocumentText.trimmed($0) }.filter { !$0.isEmpty }.joined(separator: "\n")
    }
}
