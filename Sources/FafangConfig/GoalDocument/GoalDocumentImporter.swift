import FafangCore

/// Reads a township's performance goal document (绩效目标表, exported from Word as text) into
/// projects ready to be reviewed and saved as `Config/projects/*.toml`.
///
/// Damage that makes a table unreadable (a missing 项目编码 or 预算数 row, a malformed amount
/// or percentage, a cut-off table) is a `GoalDocumentError` naming the line and field. Things
/// that read but look wrong (a deadline in another year, a satisfaction target written as an
/// upper bound, a budget whose parts do not add up) are `ImportWarning`s.
public enum GoalDocumentImporter {
    /// Parses the text of a goal document.
    ///
    /// - Parameters:
    ///   - file: the name used in errors, warnings and generated file headers.
    ///   - year: the budget year (`--year`); when nil, the year the document's deadlines name
    ///     most often, and an error if no year or several years lead.
    public static func parse(_ text: String, file: String, year: Int?) throws(GoalDocumentError) -> GoalDocument {
        try parse(GoalDocumentText(text), file: file, year: year)
    }

    /// Parses a document already cut into lines (a text export, or a Word document's body
    /// as `GoalDocumentText(lines:)`).
    static func parse(_ document: GoalDocumentText, file: String, year: Int?,
                      placeName: @escaping (Int) -> String = { "line \($0)" }) throws(GoalDocumentError) -> GoalDocument {
        if document.isBlank {
            throw GoalDocumentError(file: file, line: 1, field: "document", problem: .emptyDocument)
        }
        if let year, !(1000...9999).contains(year) {
            throw GoalDocumentError(file: file, line: nil, field: "year", problem: .invalidYear(year))
        }
        let headings = document.headings
        guard let firstHeading = headings.first else {
            throw GoalDocumentError(file: file, line: 1, field: "document", problem: .noProjectTables)
        }
        let section = DepartmentGoal.section(in: document, before: firstHeading.index)

        var tables: [GoalTable] = []
        for (position, heading) in headings.enumerated() {
            let end = position + 1 < headings.count ? headings[position + 1].index : document.lines.count
            let range = (heading.index + 1)..<end
            let (rows, loose) = document.rows(in: range)
            let endLine = max(rows.last?.lastLine ?? heading.line, loose.last?.number ?? heading.line)
            tables.append(try GoalTable(heading: heading, rows: rows, loose: loose, endLine: endLine,
                                        isLast: position == headings.count - 1, file: file))
        }
        return try assemble(tables, department: section.goals, warnings: section.warnings, file: file,
                            year: year, firstLine: firstHeading.line, placeName: placeName)
    }

    /// The document of project tables read by either layout: the budget year, each project
    /// built and checked.
    static func assemble(_ tables: [GoalTable], department: [DepartmentGoal], warnings: [ImportWarning],
                         file: String, year: Int?, firstLine: Int,
                         placeName: @escaping (Int) -> String) throws(GoalDocumentError) -> GoalDocument {
        var warnings = warnings
        let found = documentYear(of: tables)
        let budgetYear: Int
        if let year {
            budgetYear = year
            if let documentYear = found.year, documentYear != year {
                warnings.append(ImportWarning(
                    project: nil, field: "year",
                    message: "--year \(year) overrides \(documentYear), the year named by \(found.count) of the document's \(found.total) dated deadlines",
                    line: found.line))
            }
        } else if let documentYear = found.year {
            budgetYear = documentYear
        } else if found.total == 0 {
            throw GoalDocumentError(file: file, line: firstLine, field: "year", problem: .noYear)
        } else {
            throw GoalDocumentError(file: file, line: found.line, field: "year", problem: .ambiguousYear(found.tied))
        }

        var imported: [ImportedProject] = []
        var checks = GoalDocumentChecks(year: budgetYear, placeName: placeName)
        for table in tables {
            let project = try build(table, year: budgetYear, file: file, checks: &checks)
            imported.append(ImportedProject(number: table.heading.number, line: table.heading.line, project: project))
        }
        warnings += checks.finish()
        return GoalDocument(file: file, year: budgetYear, documentYear: found.year, imported: imported,
                            department: department, warnings: warnings)
    }

    /// The year the 时效指标 deadlines name most often, with how often and where it is first
    /// written; `tied` lists the leading years when several lead.
    private static func documentYear(of tables: [GoalTable]) -> (year: Int?, count: Int, total: Int, line: Int, tied: [Int]) {
        var counts: [Int: Int] = [:]
        var firstLine: [Int: Int] = [:]
        for table in tables {
            for indicator in table.indicators where isTimeliness(indicator) {
                guard let year = DeadlineText.parse(indicator.value.text)?.year else { continue }
                counts[year, default: 0] += 1
                if firstLine[year] == nil { firstLine[year] = indicator.value.line }
            }
        }
        let total = counts.values.reduce(0, +)
        guard let best = counts.values.max() else { return (nil, 0, 0, 0, []) }
        let leaders = counts.filter { $0.value == best }.keys.sorted()
        let line = leaders.compactMap { firstLine[$0] }.min() ?? 0
        return leaders.count == 1 ? (leaders[0], best, total, line, []) : (nil, best, total, line, leaders)
    }

    /// A 时效指标 row, whose value may be a deadline.
    static func isTimeliness(_ indicator: GoalTable.RawIndicator) -> Bool {
        indicator.level2.contains("时效") || indicator.level1.contains("时效")
    }

    /// The project of a table, in the budget year; checks what looks wrong on the way.
    private static func build(_ table: GoalTable, year: Int, file: String,
                              checks: inout GoalDocumentChecks) throws(GoalDocumentError) -> Project {
        var plan: [Milestone] = []
        for (index, (deadline, cell)) in table.months.enumerated() {
            guard let date = deadline.date(budgetYear: year) else {
                throw GoalDocumentError(file: file, line: cell.line, field: "plan[\(index)].deadline", problem: .unreadableMonth(cell.text))
            }
            plan.append(Milestone(deadline: date, cumulative: table.percents[index].percent))
        }
        var indicators: [Indicator] = []
        var deadlines: [Int: (DeadlineText, CivilDate)] = [:]
        for (index, raw) in table.indicators.enumerated() {
            var target = IndicatorTarget.parse(raw.value.text)
            if isTimeliness(raw), let deadline = DeadlineText.parse(raw.value.text),
               let date = deadline.date(budgetYear: year) {
                target = IndicatorTarget(comparator: "≤", value: date.description, unit: "date")
                deadlines[index] = (deadline, date)
            }
            indicators.append(Indicator(
                level1: raw.level1, level2: raw.level2, level3: raw.level3, description: raw.description,
                comparator: target.comparator, value: target.value, unit: target.unit, basis: raw.basis
            ))
        }
        let fiscal = table.fiscal ?? (table.total - (table.other ?? .zero))
        let other = table.other ?? (table.total - fiscal)
        let project = Project(
            code: table.code.text, name: table.name.text, kind: ProjectKind.guess(forName: table.name.text),
            year: year, budget: Budget(total: table.total, fiscal: fiscal, other: other),
            purpose: table.purpose, plan: plan, goals: table.goals, indicators: indicators
        )
        checks.check(project, table: table, deadlines: deadlines)
        return project
    }
}
