import FafangCore

/// Why a goal document (绩效目标表 export) could not be imported, located by file, line and field.
///
/// Prints as `seed.txt:76: budget.total: not an amount (got "594.0O")`. Text echoed from the
/// document is passed through `Mask.digitRuns`, so a phone, card or ID number in a damaged cell
/// never reaches a terminal or a log unmasked.
public struct GoalDocumentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, one case per kind of damage.
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        /// The file could not be opened or read.
        case unreadable(reason: String)
        /// The bytes are not text in an encoding we read (UTF-8, or GB18030).
        case notText
        /// Nothing but whitespace.
        case emptyDocument
        /// No line like `1.项目名称绩效目标表` starts a project table.
        case noProjectTables
        /// A row the table needs is absent, though rows after it are present.
        case missingRow(label: String, table: String)
        /// The table stops before a row it needs: the document was cut off.
        case truncated(missing: String, table: String)
        /// A label such as 预算数 has no cell after it.
        case missingValue(label: String)
        /// An amount of money that does not parse.
        case malformedAmount(Money.ParseError)
        /// 单位 is neither 万元 nor 元.
        case unknownUnit(String)
        /// A cell of the cumulative plan that is not a percentage.
        case notAPercentage(String)
        /// A plan column header such as `3月底` that names no month.
        case unreadableMonth(String)
        /// The plan has a different number of months and percentages.
        case planMismatch(months: Int, percentages: Int)
        /// An indicator row whose cells do not fit the six columns.
        case malformedIndicatorRow(cells: Int, truncated: Bool)
        /// An indicator row with an empty 一级指标 and no row above to take it from.
        case noLevel1ToInherit
        /// Deadlines name several years equally often.
        case ambiguousYear([Int])
        /// No deadline names a year.
        case noYear
        /// `--year` is outside 1000–9999.
        case invalidYear(Int)
        /// A workbook or Word file with neither project tables nor a flat goal table.
        case noGoalTable
        /// A 指标性质 that is no comparator (≥, ≤, >, <, =, 大于等于 …) nor 定性.
        case unknownComparator(String)

        public var description: String {
            switch self {
            case let .unreadable(reason): return "cannot read the file: \(reason)"
            case .notText:
                return "not UTF-8 text (nor GB18030); save the document as UTF-8 text"
            case .emptyDocument: return "the document is empty"
            case .noProjectTables:
                return "no project tables (no heading line like \"1.项目名称绩效目标表\")"
            case let .missingRow(label, table):
                return "table \(quoted(table)) has no \(label) row"
            case let .truncated(missing, table):
                return "table \(quoted(table)) ends here without its \(missing) row (document truncated?)"
            case let .missingValue(label): return "\(label) has no value after it"
            case let .malformedAmount(error): return error.description
            case let .unknownUnit(text):
                return "unknown unit \(quoted(text)); expected 单位：万元 or 单位：元"
            case let .notAPercentage(text): return "not a percentage (got \(quoted(text)))"
            case let .unreadableMonth(text):
                return "not a month like \"3月底\" (got \(quoted(text)))"
            case let .planMismatch(months, percentages):
                return "the plan has \(months) months but \(percentages) percentages"
            case let .malformedIndicatorRow(cells, truncated):
                let hint = truncated ? " (document truncated?)" : ""
                return "indicator row has \(cells) cells; expected 6, or 5 under the 一级指标 above\(hint)"
            case .noLevel1ToInherit:
                return "empty 一级指标 and no indicator row above to take it from"
            case let .ambiguousYear(years):
                let list = years.map(String.init).joined(separator: ", ")
                return "cannot tell the budget year: deadlines name \(list) equally often; pass --year"
            case .noYear:
                return "cannot tell the budget year: no deadline names a year; pass --year"
            case let .invalidYear(year): return "year must be between 1000 and 9999 (got \(year))"
            case .noGoalTable:
                return "no goal table: no heading row with 一级指标, 二级指标, 三级指标, 指标值 and 项目名称 or 项目编码, and no heading like \"1.项目名称绩效目标表\""
            case let .unknownComparator(text):
                return "指标性质 must be ≥, ≤, >, <, = (or 大于等于, 小于等于 …) or 定性 (got \(quoted(text)))"
            }
        }

        private func quoted(_ text: String) -> String { "\"\(text)\"" }
    }

    /// The file as the user named it.
    public var file: String
    /// 1-based; nil when the problem is about the file as a whole (it cannot be opened).
    public var line: Int?
    /// The key path of the project file it concerns: `budget.total`, `plan[2].cumulative_percent`,
    /// `indicators[3]`, `code`, `year`; `document` for the document as a whole.
    public var field: String
    public var problem: Problem
    /// Where it is in a Word or Excel file (`table 3, row 5, cell 2`, `目标表!H7`); nil for text.
    public var place: String?

    public init(file: String, line: Int?, field: String, problem: Problem, place: String? = nil) {
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        self.place = place
    }

    /// The problem's text, with digit runs masked.
    public var message: String { Mask.digitRuns(in: problem.description) }

    public var description: String {
        let location = place.map { "\(file):\($0)" } ?? line.map { "\(file):\($0)" } ?? file
        return "\(location): \(field): \(message)"
    }
}
