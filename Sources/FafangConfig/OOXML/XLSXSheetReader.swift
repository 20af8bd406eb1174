import Foundation

/// One row of a sheet: its 1-based number and its cells that are not empty, merged cells filled in.
struct XLSXRow: Equatable {
    let number: Int
    var cells: [XLSXCell]

    /// The text in 0-based `column`, "" when empty.
    func text(_ column: Int) -> String { cells.first { $0.column == column }?.text ?? "" }
}

/// One cell of a row: its 0-based column and the text Excel shows for it (see `XLSXValue`).
struct XLSXCell: Equatable {
    let column: Int
    let text: String
}

/// Reads one sheet of a workbook as a stream of rows: a SAX pass over the sheet's XML that
/// hands each `<row>` on as it ends, so a sheet of a million rows is never held as a tree.
///
/// Values become text: shared and inline strings as written, numbers as decimal text (never a
/// `Double`: an 11-digit phone stored as a number comes back digit for digit), numbers in a date style as
/// `YYYY-MM-DD`, booleans as TRUE/FALSE, errors as `#N/A`. Every cell of a merged range takes the
/// value of its top-left cell (the merges are read first from the end of the sheet's XML, where
/// Excel writes them). Rows with no text at all are not given. A sheet part larger than
/// `memoryLimit` is unpacked to a temporary file and parsed from it in chunks.
struct XLSXSheetReader {
    let workbook: XLSXWorkbook
    let sheet: XLSXWorkbook.Sheet
    var memoryLimit: UInt64 = 16 << 20

    /// `Sheet1!D14`.
    func place(row: Int, column: Int) -> String { "\(sheet.name)!\(Self.letters(column))\(row)" }

    func forEachRow(_ body: (XLSXRow) -> Void) throws(OOXMLError) {
        let package = workbook.package
        let part = sheet.part
        var state = State(workbook: workbook, part: part)
        if (package.size(part) ?? 0) > memoryLimit {
            let url = try package.extractToTemporaryFile(part)
            defer { try? FileManager.default.removeItem(at: url) }
            state.merges = try MergedRanges(tailOf: url, part: part, file: package.file)
            try XMLEvents.parse(contentsOf: url, part: part, file: package.file) { event throws(OOXMLError) in
                try state.take(event, body)
            }
        } else {
            let data = try package.data(part)
            state.merges = try MergedRanges(tailOf: data, part: part, file: package.file)
            try XMLEvents.parse(data, part: part, file: package.file) { event throws(OOXMLError) in
                try state.take(event, body)
            }
        }
    }

    /// 0 → A, 25 → Z, 26 → AA.
    static func letters(_ column: Int) -> String {
        var n = column + 1
        var result = ""
        while n > 0 {
            let rest = (n - 1) % 26
            result = String(UnicodeScalar(UInt8(65 + rest))) + result
            n = (n - 1) / 26
        }
        return result
    }

    /// `D14` → (column 3, row 14); nil unless letters then digits within Excel's bounds.
    static func reference(_ text: String) -> (column: Int, row: Int)? {
        let letters = text.prefix { $0.isASCII && $0.isLetter }
        let digits = text.dropFirst(letters.count)
        guard (1...3).contains(letters.count), !digits.isEmpty, digits.count <= 7,
              digits.allSatisfy({ $0.isASCII && $0.isNumber }), let row = Int(digits), row >= 1
        else { return nil }
        var column = 0
        for char in letters.uppercased().unicodeScalars { column = column * 26 + Int(char.value) - 64 }
        guard column <= 16_384 else { return nil }
        return (column - 1, row)
    }

    /// The parse of one sheet: the row and cell being read.
    private struct State {
        let workbook: XLSXWorkbook
        let part: String
        var merges = MergedRanges()
        var rowNumber = 0
        var cells: [XLSXCell] = []
        var column = -1
        var type = ""
        var style = 0
        var value = ""
        var inValue = false
        var inInline = false
        var phonetic = 0

        init(workbook: XLSXWorkbook, part: String) {
            self.workbook = workbook
            self.part = part
        }

        mutating func take(_ event: XMLEvents.Event, _ body: (XLSXRow) -> Void) throws(OOXMLError) {
            switch event {
            case let .start(name, attributes):
                switch name {
                case "row":
                    rowNumber = Int(attributes["r"] ?? "") ?? rowNumber + 1
                    cells = []
                    column = -1
                case "c":
                    if let reference = attributes["r"] {
                        guard let parsed = XLSXSheetReader.reference(reference) else {
                            throw OOXMLError(file: workbook.file, problem: .badCellReference(part: part, reference: reference))
                        }
                        column = parsed.column
                    } else {
                        column += 1
                    }
                    type = attributes["t"] ?? "n"
                    style = Int(attributes["s"] ?? "") ?? 0
                    value = ""
                case "v": inValue = true
                case "is": inInline = true
                case "t" where inInline: inValue = true
                case "rPh": phonetic += 1
                default: break
                }
            case let .end(name):
                switch name {
                case "v", "t": inValue = false
                case "is": inInline = false
                case "rPh": phonetic -= 1
                case "c":
                    let text = resolved()
                    if !text.isEmpty { cells.append(XLSXCell(column: column, text: text)) }
                case "row":
                    var row = XLSXRow(number: rowNumber, cells: cells)
                    merges.fill(&row)
                    if !row.cells.isEmpty { body(row) }
                default: break
                }
            case let .text(text):
                if inValue, phonetic == 0 { value += text }
            }
        }

        /// The text Excel shows for the cell just read.
        private func resolved() -> String {
            switch type {
            case "s":
                guard let index = Int(value.trimmingCharacters(in: .whitespaces)),
                      workbook.sharedStrings.indices.contains(index) else { return value }
                return workbook.sharedStrings[index]
            case "inlineStr", "str", "e":
                return value
            case "b":
                return value == "1" ? "TRUE" : value == "0" ? "FALSE" : value
            case "d":
                return String(value.prefix { $0 != "T" })
            default:
                if workbook.dateStyles.contains(style),
                   let date = XLSXValue.date(serial: value, date1904: workbook.date1904) {
                    return date.description
                }
                return XLSXValue.number(value) ?? value
            }
        }
    }
}
