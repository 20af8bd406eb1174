/// The lines of a goal document (a text export of Word tables), numbered from 1, and the
/// layout rules that turn them into table headings, rows and cells.
///
/// Rows are separated by lines that are empty or only spaces. Within a row, each cell begins
/// on a line starting with a TAB; a line that does not start with a TAB continues the cell
/// before it (multi-line cells such as a numbered goal list). Stray tabs and spaces around a
/// cell's text are trimmed.
struct GoalDocumentText {
    struct Line {
        /// 1-based; for a Word document, a position that `GoalDocumentPlaces` names.
        let number: Int
        /// The line begins a table cell (in a text export: it starts with a TAB).
        let startsCell: Bool
        /// Trimmed; with leading `[bookmark: …]` markers removed (lines not starting a cell).
        /// A cell read from Word holds all its paragraphs here, joined with "\n".
        let text: String

        var isBlank: Bool { !startsCell && text.isEmpty }
    }

    /// One cell of a table row.
    struct Cell {
        /// Trimmed; the lines of a multi-line cell joined with "\n".
        var text: String
        /// The line the cell begins on.
        let line: Int
    }

    /// One table row: the cells between two blank lines.
    struct Row {
        var cells: [Cell]
        var line: Int { cells.first?.line ?? 0 }
        var lastLine: Int

        /// The text of cell `index`, or "" past the end.
        func text(_ index: Int) -> String { index < cells.count ? cells[index].text : "" }
        var isEmpty: Bool { cells.allSatisfy { $0.text.isEmpty } }
    }

    /// A project table's heading, `1.天柱租地费（殷官屯村）绩效目标表`.
    struct Heading {
        let number: Int
        /// The project name in the heading, without 绩效目标表.
        let title: String
        /// Index into `lines`.
        let index: Int
        let line: Int
    }

    let lines: [Line]
    /// Nothing but whitespace.
    let isBlank: Bool

    /// Lines already cut into cells and paragraphs (a Word document's body).
    init(lines: [Line]) {
        self.lines = lines
        isBlank = lines.allSatisfy { $0.text.isEmpty }
    }

    init(_ text: String) {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body.removeFirst() }
        // Split on LF and CRLF only: Word's vertical tabs and form feeds are not line breaks
        // for the editors a clerk would use to find a reported line.
        let pieces = body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        var lines = pieces.enumerated().map { offset, piece in
            let startsCell = piece.hasPrefix("\t")
            let text = startsCell ? String(piece) : Self.strippingBookmarks(String(piece))
            return Line(number: offset + 1, startsCell: startsCell, text: Self.trimmed(text))
        }
        if lines.count > 1, pieces.last?.isEmpty == true { lines.removeLast() }
        self.lines = lines
        isBlank = pieces.allSatisfy { $0.allSatisfy(\.isWhitespace) }
    }

    /// Removes leading `[bookmark: _Toc65511689]` markers (Word's table-of-contents anchors).
    static func strippingBookmarks(_ text: String) -> String {
        var rest = Substring(text)
        while rest.hasPrefix("[bookmark:"), let close = rest.firstIndex(of: "]") {
            rest = rest[rest.index(after: close)...]
        }
        return String(rest)
    }

    /// Trims spaces, tabs, full-width spaces and line breaks at both ends.
    static func trimmed<S: StringProtocol>(_ text: S) -> String {
        let isPad: (Character) -> Bool = { $0.isWhitespace || $0 == "\u{3000}" || $0 == "\u{FEFF}" }
        guard let first = text.firstIndex(where: { !isPad($0) }),
              let last = text.lastIndex(where: { !isPad($0) })
        else { return "" }
        return String(text[first...last])
    }

    /// The project table headings, in order.
    var headings: [Heading] {
        lines.indices.compactMap { index in
            let line = lines[index]
            guard !line.startsCell, let (number, title) = Self.heading(line.text) else { return nil }
            return Heading(number: number, title: title, index: index, line: line.number)
        }
    }

    /// `1.天柱租地费（殷官屯村）绩效目标表` → (1, "天柱租地费（殷官屯村）").
    static func heading(_ text: String) -> (Int, String)? {
        guard text.hasSuffix("绩效目标表") else { return nil }
        let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
        guard (1...3).contains(digits.count), let number = Int(digits) else { return nil }
        var rest = text.dropFirst(digits.count)
        guard let mark = rest.first, ".．、".contains(mark) else { return nil }
        rest = rest.dropFirst().dropLast("绩效目标表".count)
        let title = trimmed(rest)
        return title.isEmpty ? nil : (number, title)
    }

    /// The rows of `lines[range]`, and the lines of loose text (not in any cell) between them.
    func rows(in range: Range<Int>) -> (rows: [Row], loose: [Line]) {
        var rows: [Row] = []
        var loose: [Line] = []
        var current: Row?
        for line in lines[range] {
            if line.startsCell {
                let cell = Cell(text: line.text, line: line.number)
                if current == nil { current = Row(cells: [], lastLine: line.number) }
                current?.cells.append(cell)
                current?.lastLine = line.number
            } else if line.isBlank {
                if let row = current { rows.append(row) }
                current = nil
            } else if var row = current, var cell = row.cells.popLast() {
                cell.text = cell.text.isEmpty ? line.text : cell.text + "\n" + line.text
                row.cells.append(cell)
                row.lastLine = line.number
                current = row
            } else {
                loose.append(line)
            }
        }
        if let row = current { rows.append(row) }
        return (rows.filter { !$0.isEmpty }, loose)
    }
}
