/// The places of a goal document read from Word or Excel, by position: the importer counts
/// positions where a text export has line numbers, and this names each one for the clerk
/// (`table 3, row 5, cell 2`, `paragraph 57`, `目标表!H7`).
struct GoalDocumentPlaces {
    private(set) var names: [String] = []

    /// Adds a place and returns its position (1-based, like a line number).
    mutating func add(_ name: String) -> Int {
        names.append(name)
        return names.count
    }

    func name(_ position: Int) -> String {
        names.indices.contains(position - 1) ? names[position - 1] : "position \(position)"
    }

    /// The document with each warning and project given its place.
    func placing(_ document: GoalDocument) -> GoalDocument {
        var document = document
        for index in document.warnings.indices {
            document.warnings[index].place = name(document.warnings[index].line)
        }
        for index in document.imported.indices {
            document.imported[index].place = name(document.imported[index].line)
        }
        return document
    }

    func placing(_ error: GoalDocumentError) -> GoalDocumentError {
        var error = error
        if let line = error.line { error.place = name(line) }
        return error
    }

    /// A Word body as the lines the text importer reads: each body paragraph a line, each table
    /// cell a line that starts a cell (its paragraphs joined with "\n"; a cell continuing a
    /// vertical merge is empty, as in a text export), a blank line after each table row.
    static func lines(of body: DocxBody) -> (GoalDocumentText, GoalDocumentPlaces) {
        var places = GoalDocumentPlaces()
        var lines: [GoalDocumentText.Line] = []
        var paragraph = 0
        var tableNumber = 0
        for block in body.blocks {
            switch block {
            case let .paragraph(text):
                paragraph += 1
                let position = places.add("paragraph \(paragraph)")
                lines.append(.init(number: position, startsCell: false, text: GoalDocumentText.trimmed(text)))
            case let .table(table):
                tableNumber += 1
                for (rowIndex, row) in table.rows.enumerated() {
                    for (cellIndex, cell) in row.enumerated() {
                        let position = places.add("table \(tableNumber), row \(rowIndex + 1), cell \(cellIndex + 1)")
                        lines.append(.init(number: position, startsCell: true, text: cellText(cell)))
                    }
                    let end = places.add("table \(tableNumber), row \(rowIndex + 1)")
                    lines.append(.init(number: end, startsCell: false, text: ""))
                }
            }
        }
        return (GoalDocumentText(lines: lines), places)
    }

    /// The cell's text; empty when it continues a vertical merge.
    static func cellText(_ cell: DocxBody.Cell) -> String {
        cell.merge == .continue ? "" : OfficeTableRow.text(cell)
    }
}
