/// Which Office Open XML format a file is, told by its name: what picks the reader of a goal
/// document, a register or a bank batch file.
public enum OfficeFile: Sendable {
    case word
    case workbook

    /// `.docx` is Word, `.xlsx` (and macro-enabled `.xlsm`) a workbook; anything else is text.
    public static func kind(of path: String) -> OfficeFile? {
        let lower = path.lowercased()
        if lower.hasSuffix(".docx") { return .word }
        if lower.hasSuffix(".xlsx") || lower.hasSuffix(".xlsm") { return .workbook }
        return nil
    }
}
