import FafangCore
import Foundation

/// Reads the flat goal-table layout (one row per indicator, the project's code, name, 预算数 and
/// 年度绩效目标 repeated or merged down its rows) into the same `GoalTable`s the text export
/// gives, so that both layouts are built and checked by one importer.
///
/// 预算数 is in 元 unless its heading says 万元. A 指标性质 comparator with 指标值 and 度量单位
/// (`≥`, `1100`, `亩`) is read as the text export's `≥1100亩`; 定性 keeps 指标值 as written (a
/// deadline such as 年底完成 is still read as one). 权重 and 指标方向性 are checked, not kept:
/// a 反向 indicator with a ≥ target, a weight that is not a number, weights above 100 in all.
/// The layout has no 资金支出计划: each project gets the warning that its plan has no months.
enum FlatGoalTable {
    /// The document in `rows`, or nil when no row is a flat layout's heading row.
    static func read(_ rows: [OfficeTableRow], file: String, year: Int?) throws(GoalDocumentError) -> GoalDocument? {
        guard let headerIndex = rows.firstIndex(where: { FlatGoalColumns(heading: $0) != nil }),
              let columns = FlatGoalColumns(heading: rows[headerIndex])
        else { return nil }
        var places = GoalDocumentPlaces()
        func position(_ row: OfficeTableRow, _ key: FlatGoalColumns.Key) -> Int {
            places.add(row.place(columns[key] ?? 0))
        }
        let header = rows[headerIndex]
        let headerLine = places.add(header.place(columns[.level1] ?? 0))
        let warnings = columns.unknown.map { unknown in
            ImportWarning(project: nil, field: "document", message: "column \"\(unknown.heading)\" is not one Fafang reads; ignored",
                          line: places.add(header.place(unknown.column)))
        }
        var tables: [GoalTable] = []
        var current: Builder?
        do throws(GoalDocumentError) {
            for row in rows[(headerIndex + 1)...] where !row.isEmpty {
                let code = row.text(columns[.code])
                let name = row.text(columns[.name])
                if current == nil || (!code.isEmpty && code != current?.table.code.text)
                    || (code.isEmpty && !name.isEmpty && name != current?.table.name.text) {
                    if let done = current { tables.append(done.finish()) }
                    current = try Builder(number: tables.count + 1, row: row, columns: columns, file: file, position: position)
                }
                try current?.add(row, position: position)
            }
            if let done = current { tables.append(done.finish()) }
            if tables.isEmpty {
                throw GoalDocumentError(file: file, line: headerLine, field: "document", problem: .noProjectTables)
            }
            let document = try GoalDocumentImporter.assemble(tables, department: [], warnings: warnings, file: file, year: year,
                                                             firstLine: headerLine, placeName: places.name)
            return places.placing(document)
        } catch {
            throw places.placing(error)
        }
    }

    /// One project's table, row by row.
    private struct Builder {
        var table: GoalTable
        let columns: FlatGoalColumns
        let file: String
        /// 一级指标 carries down to rows that leave it empty, as in the text export.
        var level1 = ""
        /// The weights so far, in hundredths.
        var weights: Int64 = 0

        init(number: Int, row: OfficeTableRow, columns: FlatGoalColumns, file: String,
             position: (OfficeTableRow, FlatGoalColumns.Key) -> Int) throws(GoalDocumentError) {
            self.columns = columns
            self.file = file
            let name = row.text(columns[.name]), code = row.text(columns[.code])
            let nameLine = position(row, columns[.name] != nil ? .name : .code)
            table = GoalTable(heading: .init(number: number, title: name.isEmpty ? code : name, index: 0, line: nameLine))
            table.name = .init(text: name, line: nameLine)
            table.code = .init(text: code, line: position(row, .code))
            let budgetText = row.text(columns[.budget])
            table.totalLine = position(row, .budget)
            guard columns[.budget] != nil, !budgetText.isEmpty else {
                throw GoalDocumentError(file: file, line: table.totalLine, field: "budget.total", problem: .missingValue(label: "预算数"))
            }
            table.total = try amount(budgetText, line: table.totalLine, field: "budget.total")
            let fiscal = try columns[.fiscal].map { _ throws(GoalDocumentError) in
                try amount(row.text(columns[.fiscal]), line: position(row, .fiscal), field: "budget.fiscal")
            }
            let other = try columns[.other].map { _ throws(GoalDocumentError) in
                try amount(row.text(columns[.other]), line: position(row, .other), field: "budget.other")
            }
            // The layout states the split only where it has the columns: the rest is the budget's.
            table.fiscal = fiscal ?? (table.total - (other ?? .zero))
            table.other = other ?? (table.total - (table.fiscal ?? .zero))
            table.purpose = row.text(columns[.purpose])
            table.goals = GoalTable.listItems(row.text(columns[.goal]))
        }

        private func amount(_ text: String, line: Int, field: String) throws(GoalDocumentError) -> Money {
            do throws(Money.ParseError) {
                return text.isEmpty ? .zero : columns.amountsInWan ? try Money.parseWan(text) : try Money.parseYuan(text)
            } catch {
                throw GoalDocumentError(file: file, line: line, field: field, problem: .malformedAmount(error))
            }
        }

        mutating func add(_ row: OfficeTableRow, position: (OfficeTableRow, FlatGoalColumns.Key) -> Int) throws(GoalDocumentError) {
            let index = table.indicators.count
            let line = position(row, .level3)
            if !row.text(columns[.level1]).isEmpty { level1 = row.text(columns[.level1]) }
            let level2 = row.text(columns[.level2])
            guard !level1.isEmpty else {
                throw GoalDocumentError(file: file, line: position(row, .level1), field: "indicators[\(index)].level1", problem: .noLevel1ToInherit)
            }
            let written = row.text(columns[.comparator])
            let valueLine = position(row, .value)
            var text = row.text(columns[.value])
            switch FlatGoalComparator.read(written) {
            case .unknown:
                throw GoalDocumentError(file: file, line: position(row, .comparator), field: "indicators[\(index)].comparator",
                                        problem: .unknownComparator(written))
            case .qualitative:
                break
            case let .sign(sign):
                text = sign + text + row.text(columns[.unit])
                if let note = FlatGoalComparator.contradiction(sign: sign, direction: row.text(columns[.direction])) {
                    table.notes.append(.init(field: "indicators[\(index)].comparator", message: note, line: position(row, .direction)))
                }
            }
            checkWeight(row.text(columns[.weight]), index: index, line: columns[.weight] == nil ? line : position(row, .weight))
            table.indicators.append(GoalTable.RawIndicator(
                level1: level1, level2: level2, level3: row.text(columns[.level3]), description: row.text(columns[.description]),
                value: .init(text: text, line: valueLine), basis: row.text(columns[.basis]), line: line))
        }

        /// 权重 in hundredths; a weight that is no number, or a total above 100, is a warning.
        private mutating func checkWeight(_ text: String, index: Int, line: Int) {
            guard !text.isEmpty else { return }
            guard let weight = try? DecimalText.parse(text.replacingOccurrences(of: "%", with: ""), scaleDigits: 2), weight >= 0 else {
                table.notes.append(.init(field: "indicators[\(index)].weight", message: "权重 is not a number (got \"\(text)\"); not read", line: line))
                return
            }
            let before = weights
            weights += weight
            if before <= 100_00, weights > 100_00 {
                let total = DecimalText.format(weights, decimals: 2, grouped: false)
                table.notes.append(.init(field: "indicators[\(index)].weight",
                                         message: "the project's 权重 add up to more than 100 (\(total) by this row)", line: line))
            }
        }

        func finish() -> GoalTable { table }
    }
}
