import FafangCore

/// What `fafang import-goals` read from a township's performance goal document (绩效目标表):
/// the budget year, the project tables, the department's own goals and what looked wrong.
///
/// Warnings never stop an import; the operator reviews them with the generated project files.
public struct GoalDocument: Equatable, Sendable {
    /// The file as the user named it, used in warnings and file headers.
    public var file: String
    /// The budget year: `--year` when given, else the year the document's deadlines name.
    public var year: Int
    /// The year the document's deadlines name most often, when one does.
    public var documentYear: Int?
    /// The project tables in document order, each with its number and heading line.
    public var imported: [ImportedProject]
    /// 部门整体绩效目标 → 分项绩效目标, in order.
    public var department: [DepartmentGoal]
    public var warnings: [ImportWarning]

    public init(file: String, year: Int, documentYear: Int?, imported: [ImportedProject],
                department: [DepartmentGoal], warnings: [ImportWarning]) {
        self.file = file
        self.year = year
        self.documentYear = documentYear
        self.imported = imported
        self.department = department
        self.warnings = warnings
    }

    /// The projects in document order.
    public var projects: [Project] { imported.map(\.project) }
}

/// One project table of a goal document: the project and where it came from.
public struct ImportedProject: Equatable, Sendable {
    /// The table's number in its heading (`1.天柱租地费…绩效目标表` is 1).
    public var number: Int
    /// The 1-based line of the table's heading.
    public var line: Int
    /// Where the table starts in a Word or Excel file (`paragraph 57`, `目标表!B3`); nil for text.
    public var place: String?
    public var project: Project

    public init(number: Int, line: Int, project: Project, place: String? = nil) {
        self.number = number
        self.line = line
        self.project = project
        self.place = place
    }

    /// `01-130208214IGHSSTAFMWVM.toml`: the name its project file is saved under.
    public var fileName: String { ProjectTOMLWriter.fileName(number: number, code: project.code) }
}
