import FafangCore

/// One project table of a goal document, read from its rows by their labels (项目编码, 预算数,
/// 资金支出计划, 绩效目标, 一级指标 …) before the budget year is known.
///
/// Each value keeps the line it was read from, so later checks can point at it.
struct GoalTable {
    typealias Cell = GoalDocumentText.Cell
    typealias Row = GoalDocumentText.Row

    /// An indicator row as written, 一级指标 filled in from the row above where empty.
    struct RawIndicator {
        var level1: String
        var level2: String
        var level3: String
        var description: String
        var value: Cell
        var basis: String
        var line: Int
    }

    /// Something odd found while reading, kept as a warning.
    struct Note {
        var field: String
        var message: String
        var line: Int
    }

    let heading: GoalDocumentText.Heading
    var code = Cell(text: "", line: 0)
    var name = Cell(text: "", line: 0)
    var total = Money.zero
    var fiscal: Money?
    var other: Money?
    var totalLine = 0
    var purpose = ""
    var months: [(deadline: DeadlineText, cell: Cell)] = []
    var percents: [(percent: Percent, line: Int)] = []
    var goals: [String] = []
    var indicators: [RawIndicator] = []
    var notes: [Note] = []

    /// The parts of a table in the order they are written; a missing part with nothing after
    /// it means the table was cut off.
    private enum Part: Int, CaseIterable {
        case code, name, budget, plan, percents, goals, header, indicators

        var label: String {
            ["项目编码", "项目名称", "预算数", "资金支出计划", "资金支出计划百分比", "绩效目标", "一级指标表头", "绩效指标"][rawValue]
        }

        var field: String {
            ["code", "name", "budget.total", "plan", "plan", "goals", "indicators", "indicators"][rawValue]
        }
    }

    /// Reads a table's rows. `isLast` tells whether the document ends with this table, for the
    /// hint that it was truncated.
    init(heading: GoalDocumentText.Heading, rows: [Row], loose: [GoalDocumentText.Line], endLine: Int,
         isLast: Bool, file: String) throws(GoalDocumentError) {
        self.heading = heading
        var previousLoose = -1
        for line in loose {
            if line.number != previousLoose + 1 {
                notes.append(Note(field: "table", message: "text outside the table's cells, ignored: \"\(line.text.prefix(40))\"", line: line.number))
            }
            previousLoose = line.number
        }
        var seen: Set<Part> = []
        var unitIsWan = true
        var indicatorRows: [Row] = []
        var afterPlanHeader = false

        func fail(_ line: Int?, _ field: String, _ problem: GoalDocumentError.Problem) -> GoalDocumentError {
            GoalDocumentError(file: file, line: line, field: field, problem: problem)
        }

        for row in rows {
            if seen.contains(.header) {
                indicatorRows.append(row)
                continue
            }
            let first = row.text(0)
            let wasAfterPlanHeader = afterPlanHeader
            afterPlanHeader = false
            var recognised = false
            if let unit = row.cells.first(where: { $0.text.hasPrefix("单位：") || $0.text.hasPrefix("单位:") }) {
                let text = GoalDocumentText.trimmed(unit.text.dropFirst(3))
                switch text {
                case "万元", "万": unitIsWan = true
                case "元": unitIsWan = false
                default: throw fail(unit.line, "budget", .unknownUnit(unit.text))
                }
                recognised = true
            }
            if let cell = try Self.value(after: "项目编码", in: row, field: "code", file: file) {
                code = cell
                seen.insert(.code)
                recognised = true
            }
            if let cell = try Self.value(after: "项目名称", in: row, field: "name", file: file) {
                name = cell
                seen.insert(.name)
                recognised = true
            }
            if row.cells.contains(where: { $0.text.hasPrefix("预算数") }) {
                try readBudget(row, wan: unitIsWan, file: file)
                seen.insert(.budget)
                recognised = true
            }
            if recognised { continue }
            if first.hasPrefix("资金支出计划") {
                for cell in Self.droppingTrailingEmpty(row.cells.dropFirst()) {
                    guard let deadline = DeadlineText.parse(cell.text) else {
                        throw fail(cell.line, "plan[\(months.count)].deadline", .unreadableMonth(cell.text))
                    }
                    months.append((deadline, cell))
                }
                seen.insert(.plan)
                afterPlanHeader = true
            } else if wasAfterPlanHeader, first.isEmpty || first.hasSuffix("%") {
                for cell in Self.droppingTrailingEmpty(row.cells.dropFirst(first.isEmpty ? 1 : 0)) {
                    do throws(Money.ParseError) {
                        percents.append((try Percent.parse(cell.text), cell.line))
                    } catch {
                        throw fail(cell.line, "plan[\(percents.count)].cumulative_percent", .notAPercentage(cell.text))
                    }
                }
                if percents.count != months.count {
                    throw fail(row.line, "plan", .planMismatch(months: months.count, percentages: percents.count))
                }
                seen.insert(.percents)
            } else if first.hasPrefix("绩效目标") {
                goals = row.cells.dropFirst().flatMap { Self.listItems($0.text) }
                seen.insert(.goals)
            } else if first == "一级指标" {
                seen.insert(.header)
            } else if first.isEmpty, seen.contains(.budget), !seen.contains(.plan), purpose.isEmpty {
                purpose = row.cells.dropFirst().map(\.text).filter { !$0.isEmpty }.joined(separator: "\n")
            } else if first == "资金用途" {
                purpose = row.cells.dropFirst().map(\.text).filter { !$0.isEmpty }.joined(separator: "\n")
            } else {
                let shown = row.cells.map(\.text).joined(separator: " | ")
                notes.append(Note(field: "table", message: "row not recognised, ignored: \"\(shown.prefix(60))\"", line: row.line))
            }
        }
        if !indicatorRows.isEmpty { seen.insert(.indicators) }

        for part in Part.allCases where !seen.contains(part) {
            let later = Part.allCases.contains { $0.rawValue > part.rawValue && seen.contains($0) }
            if later {
                if part == .goals {
                    notes.append(Note(field: "goals", message: "no 绩效目标 row", line: heading.line))
                    continue
                }
                throw fail(heading.line, part.field, .missingRow(label: part.label, table: heading.title))
            }
            throw fail(endLine, part.field, .truncated(missing: part.label, table: heading.title))
        }
        try readIndicators(indicatorRows, isLast: isLast, file: file)
    }

    /// The cell after a label cell in `row`, nil when the label is not there.
    private static func value(after label: String, in row: Row, field: String,
                              file: String) throws(GoalDocumentError) -> Cell? {
        guard let index = row.cells.firstIndex(where: { $0.text == label }) else { return nil }
        let next = index + 1
        guard next < row.cells.count, !row.cells[next].text.isEmpty else {
            throw GoalDocumentError(file: file, line: row.cells[index].line, field: field, problem: .missingValue(label: label))
        }
        return row.cells[next]
    }

    /// 预算数 / 其中：财政资金 / 其他资金, each followed by its amount.
    private mutating func readBudget(_ row: Row, wan: Bool, file: String) throws(GoalDocumentError) {
        func amount(_ matches: (String) -> Bool, _ label: String, _ field: String) throws(GoalDocumentError) -> (Money, Int)? {
            guard let index = row.cells.firstIndex(where: { matches($0.text) }) else { return nil }
            guard index + 1 < row.cells.count else {
                throw GoalDocumentError(file: file, line: row.cells[index].line, field: field, problem: .missingValue(label: label))
            }
            let cell = row.cells[index + 1]
            do throws(Money.ParseError) {
                return (wan ? try Money.parseWan(cell.text) : try Money.parseYuan(cell.text), cell.line)
            } catch {
                throw GoalDocumentError(file: file, line: cell.line, field: field, problem: .malformedAmount(error))
            }
        }
        guard let (total, line) = try amount({ $0.hasPrefix("预算数") }, "预算数", "budget.total") else { return }
        self.total = total
        totalLine = line
        fiscal = try amount({ $0.hasSuffix("财政资金") }, "财政资金", "budget.fiscal")?.0
        other = try amount({ $0.hasSuffix("其他资金") }, "其他资金", "budget.other")?.0
    }

    /// Indicator rows: six cells, or five (or an empty first cell) under the 一级指标 above.
    private mutating func readIndicators(_ rows: [Row], isLast: Bool, file: String) throws(GoalDocumentError) {
        var level1 = ""
        for (index, row) in rows.enumerated() {
            var cells = row.cells
            switch cells.count {
            case 6:
                if !cells[0].text.isEmpty { level1 = cells[0].text }
                cells.removeFirst()
            case 5:
                break
            default:
                let truncated = isLast && index == rows.count - 1
                throw GoalDocumentError(file: file, line: row.line, field: "indicators[\(index)]",
                                        problem: .malformedIndicatorRow(cells: cells.count, truncated: truncated))
            }
            guard !level1.isEmpty else {
                throw GoalDocumentError(file: file, line: row.line, field: "indicators[\(index)].level1", problem: .noLevel1ToInherit)
            }
            indicators.append(RawIndicator(
                level1: level1, level2: cells[0].text, level3: cells[1].text, description: cells[2].text,
                value: cells[3], basis: cells[4].text, line: row.line
            ))
        }
    }

    /// The cells without empty ones at the end (a stray TAB after the last month).
    private static func droppingTrailingEmpty(_ cells: ArraySlice<Cell>) -> ArraySlice<Cell> {
        var cells = cells
        while cells.last?.text.isEmpty == true { cells.removeLast() }
        return cells
    }

    /// "1.根据…\n2.保证…" → ["根据…", "保证…"]: one goal a line, numbering removed.
    static func listItems(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            var item = Substring(GoalDocumentText.trimmed(line))
            let digits = item.prefix { $0.isASCII && $0.isNumber }
            if !digits.isEmpty, let mark = item.dropFirst(digits.count).first, ".．、)）".contains(mark) {
                item = item.dropFirst(digits.count + 1)
            }
            let goal = GoalDocumentText.trimmed(item)
            return goal.isEmpty ? nil : goal
        }
    }
}
