import FafangCore
import Testing
import TOMLKit
@testable import FafangConfig

/// Every generated project file is valid TOML that reads back to the project.
@Suite struct GoalDocumentTOMLSyntaxTests {
    @Test func projectFilesParseBack() throws {
        let document = try GoalDocumentFixture.document()
        for entry in document.imported {
            let text = ProjectTOMLWriter.write(entry.project, source: .init(file: document.file, line: entry.line))
            let table = try TOMLTable(string: text)
            let project = entry.project
            #expect(table["code"]?.string == project.code)
            #expect(table["name"]?.string == project.name)
            #expect(table["kind"]?.string == project.kind.rawValue)
            #expect(table["year"]?.int == project.year)
            #expect(table["purpose"]?.string == project.purpose)
            #expect(table["goals"]?.array?.compactMap { $0.string } == project.goals)
            let budget = try #require(table["budget"]?.table)
            #expect(try Money.parseWan(try #require(budget["total_wan"]?.string)) == project.budget.total)
            #expect(try Money.parseWan(try #require(budget["fiscal_wan"]?.string)) == project.budget.fiscal)
            #expect(try Money.parseWan(try #require(budget["other_wan"]?.string)) == project.budget.other)
            let plan = try #require(table["plan"]?.array)
            #expect(plan.count == project.plan.count)
            for (written, milestone) in zip(plan, project.plan) {
                let date = try #require(written.table?["deadline"]?.date)
                #expect(CivilDate(year: date.year, month: Int(date.month), day: Int(date.day)) == milestone.deadline)
                let percent = try #require(written.table?["cumulative_percent"]?.string)
                #expect(try Percent.parse(percent) == milestone.cumulative)
            }
            let indicators = try #require(table["indicators"]?.array)
            #expect(indicators.count == project.indicators.count)
            for (written, indicator) in zip(indicators, project.indicators) {
                let row = try #require(written.table)
                #expect(row["level1"]?.string == indicator.level1)
                #expect(row["description"]?.string == indicator.description)
                #expect(row["comparator"]?.string == indicator.comparator)
                #expect(row["value"]?.string == indicator.value)
                #expect(row["unit"]?.string == indicator.unit)
                #expect(row["basis"]?.string == indicator.basis)
            }
        }
    }

    @Test func awkwardStringsParseBack() throws {
        let awkward = "引号\"反斜杠\\换行\n制表\t响铃\u{07}删除\u{7F}"
        let table = try TOMLTable(string: "value = \(ProjectTOMLWriter.basicString(awkward))\n")
        #expect(table["value"]?.string == awkward)
    }
}
