import FafangCore
import Foundation
import Testing
@testable import FafangConfig

/// What is imported but warned about, made by editing copies of the seed.
@Suite struct GoalDocumentWarningTests {
    typealias Fixture = GoalDocumentFixture

    /// The warnings of `text` other than the seed's own two.
    static func extraWarnings(_ text: String) throws -> [ImportWarning] {
        let document = try GoalDocumentImporter.parse(text, file: "t.txt", year: nil)
        let seed: Set<String> = ["130208217BKQV3GD4D3DG indicators[5].comparator", "13020821XOURQ66290XVZ indicators[2].value"]
        return document.warnings.filter { !seed.contains("\($0.project ?? "") \($0.field)") }
    }

    /// Replaces the line `old` at or after the heading of table `table` with `new`.
    static func edit(_ old: String, _ new: [String], table: Int) throws -> (text: String, line: Int) {
        let seed = try Fixture.seed()
        let heading = try GoalDocumentErrorTests.headingLine(table, in: seed)
        let line = try Fixture.lineNumber(of: old, in: seed, from: heading)
        return (Fixture.replacing(line: line, in: seed, with: new), line)
    }

    @Test func budgetPartsThatDoNotAddUp() throws {
        let seed = try Fixture.seed()
        let heading = try GoalDocumentErrorTests.headingLine(4, in: seed)
        let fiscal = try Fixture.lineNumber(of: "\t其中：财政资金", in: seed, from: heading)
        let total = try Fixture.lineNumber(of: "\t21.15", in: seed, from: heading)
        let text = Fixture.replacing(line: fiscal + 1, in: seed, with: ["\t20.15"])
        let warnings = try Self.extraWarnings(text)
        #expect(warnings.count == 1)
        #expect(warnings.first?.project == "13020821NMU6NGEWZEKGI")
        #expect(warnings.first?.field == "budget.total")
        #expect(warnings.first?.line == total)
        #expect(warnings.first?.message.contains("20.15 + 其他资金 0.00 = 20.15 万元, not the 预算数 21.15 万元") == true)
    }

    @Test func planThatFalls() throws {
        let (text, line) = try Self.edit("\t75.00%", ["\t45.00%"], table: 2)
        let warnings = try Self.extraWarnings(text)
        #expect(warnings.map(\.field) == ["plan[2].cumulative_percent"])
        #expect(warnings.first?.line == line)
        #expect(warnings.first?.message == "falls from 50% to 45%; the plan is cumulative")
    }

    @Test func planThatStopsShortOf100() throws {
        let (text, line) = try Self.edit("\t100.00%", ["\t90.50%"], table: 9)
        let warnings = try Self.extraWarnings(text)
        #expect(warnings.map(\.field) == ["plan[3].cumulative_percent"])
        #expect(warnings.first?.project == "13020821XSDMS58L4Y2RR")
        #expect(warnings.first?.line == line)
        #expect(warnings.first?.message == "the plan ends at 90.50%, not 100%")
    }

    @Test func planDeadlinesOutOfOrder() throws {
        let (text, line) = try Self.edit("\t10月底", ["\t5月底"], table: 1)
        let warnings = try Self.extraWarnings(text)
        #expect(warnings.map(\.field) == ["plan[2].deadline"])
        #expect(warnings.first?.line == line)
    }

    @Test func duplicateProjectCodes() throws {
        let (text, line) = try Self.edit("\t13020821XSDMS58L4Y2RR", ["\t130208214IGHSSTAFMWVM"], table: 9)
        let warnings = try Self.extraWarnings(text)
        #expect(warnings.map(\.field) == ["code"])
        #expect(warnings.first?.line == line)
        #expect(warnings.first?.project == "130208214IGHSSTAFMWVM")
        #expect(warnings.first?.message.hasPrefix("the same 项目编码 as table 1 (line ") == true)
    }

    @Test func headingAndNameThatDisagree() throws {
        let (text, line) = try Self.edit("\t财政所经费", ["\t财政所办公经费"], table: 9)
        let warnings = try Self.extraWarnings(text)
        #expect(warnings.map(\.field) == ["name"])
        #expect(warnings.first?.line == line)
    }

    @Test func missingFiscalAmount() throws {
        let seed = try Fixture.seed()
        let heading = try GoalDocumentErrorTests.headingLine(2, in: seed)
        let label = try Fixture.lineNumber(of: "\t其中：财政资金", in: seed, from: heading)
        var lines = Fixture.lines(seed)
        lines.removeSubrange((label - 1)...label)
        let document = try GoalDocumentImporter.parse(lines.joined(separator: "\n"), file: "t.txt", year: nil)
        #expect(document.projects[1].budget.fiscal == Money(fen: 10_000_000))
        #expect(document.warnings.map(\.field).contains("budget.fiscal"))
    }

    @Test func satisfactionAsAnUpperBoundInAnotherForm() throws {
        let seed = try Fixture.seed()
        let heading = try GoalDocumentErrorTests.headingLine(9, in: seed)
        let line = try Fixture.lineNumber(of: "\t调查问卷", in: seed, from: heading) - 1   // 满意度's value
        let text = Fixture.replacing(line: line, in: seed, with: ["\t小于等于95%"])
        let warnings = try Self.extraWarnings(text)
        #expect(warnings.map(\.field) == ["indicators[5].comparator"])
        #expect(warnings.first?.project == "13020821XSDMS58L4Y2RR")
        #expect(warnings.first?.line == line)
        #expect(warnings.first?.message.contains("\"小于等于95%\" is an upper bound") == true)
        #expect(warnings.first?.message.contains("(the other 7 in this document use ≥)") == true)
    }

    /// A ≤ target that is no satisfaction target (a cost ceiling, say) is fine.
    @Test func upperBoundElsewhereIsFine() throws {
        let (text, _) = try Self.edit("\t≥100百分比", ["\t≤100百分比"], table: 1)
        #expect(try Self.extraWarnings(text).isEmpty)
    }

    @Test func unrecognisedRowIsNotSilentlyDropped() throws {
        let (text, line) = try Self.edit("\t资金支出计划（%）", ["\t备注", "\t无", "", "\t资金支出计划（%）"], table: 3)
        let warnings = try Self.extraWarnings(text)
        #expect(warnings.map(\.field) == ["table"])
        #expect(warnings.first?.line == line)
        #expect(warnings.first?.message.contains("备注 | 无") == true)
    }

    @Test func looseTextInsideATableIsNotSilentlyDropped() throws {
        let (text, line) = try Self.edit("\t资金支出计划（%）", ["注：资金按季度拨付", "", "\t资金支出计划（%）"], table: 4)
        let warnings = try Self.extraWarnings(text)
        #expect(warnings.map(\.field) == ["table"])
        #expect(warnings.first?.line == line)
        #expect(warnings.first?.message.contains("注：资金按季度拨付") == true)
    }

    @Test func departmentItemWithoutTarget() throws {
        let seed = try Fixture.seed()
        let line = try Fixture.lineNumber(of: "绩效指标：全镇机关事务管理综合业务工作完成率大于等于95%。", in: seed)
        let text = Fixture.replacing(line: line, in: seed, with: ["绩效指标：全镇机关事务管理综合业务工作全面完成。"])
        let document = try GoalDocumentImporter.parse(text, file: "t.txt", year: nil)
        #expect(document.department[10].comparator == "")
        #expect(document.department[10].indicator == "全镇机关事务管理综合业务工作全面完成。")
        let warning = try #require(document.warnings.first { $0.field == "department[10].indicator" })
        #expect(warning.project == nil)
        #expect(warning.line == line - 2)
    }
}
