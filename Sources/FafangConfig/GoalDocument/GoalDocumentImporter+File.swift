extension GoalDocumentImporter {
    /// Reads and parses the goal document at `path` (UTF-8 with or without a BOM, or GB18030,
    /// as `TextFile` reads it); errors and warnings name the file as `path` is written.
    ///
    /// A `.docx` is read as a Word document and a `.xlsx` as a workbook (`sheet`, else the first
    /// sheet), whose warnings and errors name the table, row and cell.
    public static func load(path: String, year: Int?, sheet: String? = nil) throws(GoalDocumentError) -> GoalDocument {
        switch OfficeFile.kind(of: path) {
        case .word: return try loadWord(path: path, year: year)
        case .workbook: return try loadWorkbook(path: path, year: year, sheet: sheet)
        case nil: break
        }
        let text: String
        do throws(TextFile.Failure) {
            text = try TextFile.read(path).text
        } catch {
            switch error {
            case let .unreadable(_, reason):
                throw GoalDocumentError(file: path, line: nil, field: "document", problem: .unreadable(reason: reason))
            case let .notText(_, line):
                throw GoalDocumentError(file: path, line: line, field: "document", problem: .notText)
            }
        }
        return try parse(text, file: path, year: year)
    }
}
