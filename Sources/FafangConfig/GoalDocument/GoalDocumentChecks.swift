import FafangCore

/// The checks that turn what looks wrong in an imported goal document into warnings: budgets
/// that do not add up, plans that are not cumulative or stop short of 100 %, repeated project
/// codes, deadlines outside the budget year, satisfaction targets written as upper bounds.
struct GoalDocumentChecks {
    let year: Int
    private var warnings: [ImportWarning] = []
    private var codes: [String: (number: Int, line: Int)] = [:]
    private var satisfaction: [(code: String, index: Int, indicator: Indicator, written: String, line: Int)] = []

    /// Names a line (or a Word or Excel position) in a message: `line 120`.
    let placeName: (Int) -> String

    init(year: Int, placeName: @escaping (Int) -> String = { "line \($0)" }) {
        self.year = year
        self.placeName = placeName
    }

    /// Checks one project as built from its table; `deadlines` are the indicators (by index)
    /// whose value was read as a deadline.
    mutating func check(_ project: Project, table: GoalTable, deadlines: [Int: (DeadlineText, CivilDate)]) {
        let code = project.code
        func warn(_ field: String, _ line: Int, _ message: String) {
            warnings.append(ImportWarning(project: code, field: field, message: message, line: line))
        }
        for note in table.notes { warn(note.field, note.line, note.message) }
        if table.heading.title != project.name {
            warn("name", table.name.line, "the heading says \"\(table.heading.title)\" but 项目名称 is \"\(project.name)\"")
        }
        if let first = codes[code] {
            warn("code", table.code.line, "the same 项目编码 as table \(first.number) (\(placeName(first.line)))")
        } else {
            codes[code] = (table.heading.number, table.code.line)
        }
        checkBudget(project.budget, table: table, warn: warn)
        checkPlan(project.plan, table: table, warn: warn)
        for (index, (written, date)) in deadlines.sorted(by: { $0.key < $1.key }) {
            guard let writtenYear = written.year, writtenYear != year else { continue }
            let raw = table.indicators[index].value
            warn("indicators[\(index)].value", raw.line,
                 "deadline \"\(raw.text)\" (\(date)) is \(Self.distance(from: year, to: writtenYear)) the budget year \(year)"
                    + (Self.isTypo(writtenYear, of: year) ? "; probably a typo for \(year)" : ""))
        }
        for (index, indicator) in project.indicators.enumerated() where Self.isSatisfaction(indicator) {
            let raw = table.indicators[index].value
            satisfaction.append((code, index, indicator, raw.text, raw.line))
        }
    }

    /// The warnings of all projects checked, with those that compare projects.
    mutating func finish() -> [ImportWarning] {
        let minimums = satisfaction.filter { ["≥", ">"].contains($0.indicator.comparator) }.count
        for entry in satisfaction where ["<", "≤"].contains(entry.indicator.comparator) {
            let others = minimums > 0 ? " (the other \(minimums) in this document use ≥)" : ""
            let target = entry.indicator.value + entry.indicator.unit
            warnings.append(ImportWarning(
                project: entry.code, field: "indicators[\(entry.index)].comparator",
                message: "satisfaction target \"\(entry.written)\" is an upper bound; a satisfaction target is a minimum\(others), probably ≥\(target)",
                line: entry.line))
        }
        return warnings.sorted { $0.line < $1.line }
    }

    private func checkBudget(_ budget: Budget, table: GoalTable, warn: (String, Int, String) -> Void) {
        if table.fiscal == nil {
            warn("budget.fiscal", table.totalLine, "no 财政资金 amount; taken as 预算数 − 其他资金 = \(budget.fiscal.wanString) 万元")
        }
        if table.other == nil {
            warn("budget.other", table.totalLine, "no 其他资金 amount; taken as 预算数 − 财政资金 = \(budget.other.wanString) 万元")
        }
        if !budget.isConsistent {
            warn("budget.total", table.totalLine,
                 "财政资金 \(budget.fiscal.wanString) + 其他资金 \(budget.other.wanString) = \((budget.fiscal + budget.other).wanString) 万元, not the 预算数 \(budget.total.wanString) 万元")
        }
    }

    private func checkPlan(_ plan: [Milestone], table: GoalTable, warn: (String, Int, String) -> Void) {
        guard let last = plan.last else {
            warn("plan", table.heading.line, "the 资金支出计划 has no months")
            return
        }
        for (index, milestone) in plan.enumerated() {
            let line = table.percents[index].line
            if milestone.cumulative > .whole(100) {
                warn("plan[\(index)].cumulative_percent", line, "\(milestone.cumulative)% is above 100%")
            }
            guard index > 0 else { continue }
            let previous = plan[index - 1]
            if milestone.deadline <= previous.deadline {
                warn("plan[\(index)].deadline", table.months[index].cell.line,
                     "\(milestone.deadline) is not after the previous milestone's \(previous.deadline)")
            }
            if milestone.cumulative < previous.cumulative {
                warn("plan[\(index)].cumulative_percent", line,
                     "falls from \(previous.cumulative)% to \(milestone.cumulative)%; the plan is cumulative")
            }
        }
        if last.cumulative != .whole(100) {
            warn("plan[\(plan.count - 1)].cumulative_percent", table.percents[plan.count - 1].line,
                 "the plan ends at \(last.cumulative)%, not 100%")
        }
    }

    /// A 满意度 (satisfaction) indicator.
    static func isSatisfaction(_ indicator: Indicator) -> Bool {
        [indicator.level1, indicator.level2, indicator.level3].contains { $0.contains("满意度") }
    }

    /// "100 years after", "1 year before".
    static func distance(from year: Int, to other: Int) -> String {
        let years = abs(other - year)
        return "\(years) year\(years == 1 ? "" : "s") \(other > year ? "after" : "before")"
    }

    /// 2121 for 2021: the same number of digits, one of them different.
    static func isTypo(_ written: Int, of year: Int) -> Bool {
        let a = Array(String(written)), b = Array(String(year))
        return a.count == b.count && zip(a, b).filter { $0 != $1 }.count == 1
    }
}
