extension GoalDocumentImporter {
    /// Reads and parses the goal document at `path` (UTF-8 with or without a BOM, or GB18030,
    /// as `TextFile` reads it); errors and warnings name the file as `path` is written.
    public static func load(path: String, year: Int?) throws(GoalDocumentError) -> GoalDocument {
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
