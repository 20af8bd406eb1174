import FafangCore

/// Something in a goal document that was imported but looks wrong and needs the operator's eye,
/// such as a deadline in another year or a satisfaction target written as an upper bound.
///
/// Prints (with `rendered(file:)`) as `seed.txt:500: project 13020821XOURQ66290XVZ:
/// indicators[2].value: …`.
public struct ImportWarning: Equatable, Sendable {
    /// The 项目编码 of the project it concerns; nil for the document as a whole.
    public var project: String?
    /// The key path in the project file: `indicators[2].value`, `budget.total`, `plan[3]…`;
    /// `year` or `department[3].indicator` for the document as a whole.
    public var field: String
    /// What looks wrong; digit runs of 11 or more are masked.
    public var message: String
    /// The 1-based line of the document it points at (for a Word or Excel file, a position
    /// that `place` names).
    public var line: Int
    /// Where it points in a Word or Excel file: `table 3, row 5, cell 2`, `目标表!H7`; nil for a
    /// text export, whose `line` is enough.
    public var place: String?

    public init(project: String?, field: String, message: String, line: Int, place: String? = nil) {
        self.project = project
        self.field = field
        self.message = Mask.digitRuns(in: message)
        self.line = line
        self.place = place
    }

    /// `FILE:LINE: project CODE: field: message`, or `FILE:LINE: field: message` when the warning
    /// is about the document as a whole; `FILE:PLACE: …` for a Word or Excel file.
    public func rendered(file: String) -> String {
        let subject = project.map { "project \($0): " } ?? ""
        return "\(file):\(place ?? String(line)): \(subject)\(field): \(message)"
    }
}
