import FafangCore
import Foundation
import Testing
@testable import FafangConfig

/// Damaged copies of the seed: each error names the line and the field. Expected lines are
/// found in the damaged text itself.
@Suite struct GoalDocumentErrorTests {
    typealias Fixture = GoalDocumentFixture

    /// The 1-based line of a table's heading in `text`.
    static func headingLine(_ number: Int, in text: String) throws -> Int {
        let lines = Fixture.lines(text)
        guard let index = lines.firstIndex(where: { $0.contains("]\(number).") && $0.hasSuffix("绩效目标表") }) else {
            throw Fixture.Missing(description: "no heading \(number)")
        }
        return index + 1
    }

    @Test func missingCodeRow() throws {
        let seed = try Fixture.seed()
        let table3 = try Self.headingLine(3, in: seed)
        let label = try Fixture.lineNumber(of: "\t项目编码", in: seed, from: table3)
        // Remove 项目编码 / code / 项目名称 / name.
        var lines = Fixture.lines(seed)
        lines.removeSubrange((label - 1)..<(label + 3))
        let text = lines.joined(separator: "\n")
        let error = try #require(Fixture.error(parsing: text))
        #expect(error.line == (try Self.headingLine(3, in: text)))
        #expect(error.field == "code")
        #expect(error.problem == .missingRow(label: "项目编码", table: "环校绿化资金"))
        #expect(error.description == "seed-2021.txt:\(table3): code: table \"环校绿化资金\" has no 项目编码 row")
    }

    @Test func missingBudgetRow() throws {
        let seed = try Fixture.seed()
        let table5 = try Self.headingLine(5, in: seed)
        let label = try Fixture.lineNumber(of: "\t预算规模及资金用途", in: seed, from: table5)
        var lines = Fixture.lines(seed)
        lines.removeSubrange((label - 1)..<(label + 6))
        let error = try #require(Fixture.error(parsing: lines.joined(separator: "\n")))
        #expect(error.line == table5)
        #expect(error.field == "budget.total")
        #expect(error.problem == .missingRow(label: "预算数", table: "天柱租地费（南朱庄子村）"))
    }

    @Test func malformedTotal() throws {
        let seed = try Fixture.seed()
        let line = try Fixture.lineNumber(of: "\t594.00", in: seed)
        let text = Fixture.replacing(line: line, in: seed, with: ["\t594.0O"])
        let error = try #require(Fixture.error(parsing: text))
        #expect(error.description == "seed-2021.txt:\(line): budget.total: not an amount (got \"594.0O\")")
        #expect(error.problem == .malformedAmount(.malformed("594.0O")))
    }

    @Test func malformedFiscalAmount() throws {
        let seed = try Fixture.seed()
        let table2 = try Self.headingLine(2, in: seed)
        let fiscalLabel = try Fixture.lineNumber(of: "\t其中：财政资金", in: seed, from: table2)
        let text = Fixture.replacing(line: fiscalLabel + 1, in: seed, with: ["\t10,00.0"])
        let error = try #require(Fixture.error(parsing: text))
        #expect(error.line == fiscalLabel + 1)
        #expect(error.field == "budget.fiscal")
        #expect(error.problem == .malformedAmount(.malformed("10,00.0")))
    }

    @Test func echoedDigitRunsAreMasked() throws {
        let seed = try Fixture.seed()
        let line = try Fixture.lineNumber(of: "\t594.00", in: seed)
        let text = Fixture.replacing(line: line, in: seed, with: ["\t电话13812345678"])
        let error = try #require(Fixture.error(parsing: text))
        #expect(error.line == line)
        #expect(error.description.contains("138****5678"))
        #expect(!error.description.contains("13812345678"))
    }

    @Test func corruptPlanPercentage() throws {
        let seed = try Fixture.seed()
        let table4 = try Self.headingLine(4, in: seed)
        let line = try Fixture.lineNumber(of: "\t50.00%", in: seed, from: table4)
        let text = Fixture.replacing(line: line, in: seed, with: ["\t5O.00%"])
        let error = try #require(Fixture.error(parsing: text))
        #expect(error.line == line)
        #expect(error.field == "plan[1].cumulative_percent")
        #expect(error.problem == .notAPercentage("5O.00%"))
    }

    @Test func unreadablePlanMonth() throws {
        let seed = try Fixture.seed()
        let table5 = try Self.headingLine(5, in: seed)
        let line = try Fixture.lineNumber(of: "\t10月底", in: seed, from: table5)
        let text = Fixture.replacing(line: line, in: seed, with: ["\t十月底"])
        let error = try #require(Fixture.error(parsing: text))
        #expect(error.line == line)
        #expect(error.field == "plan[2].deadline")
        #expect(error.problem == .unreadableMonth("十月底"))
    }

    @Test func planWithAPercentageMissing() throws {
        let seed = try Fixture.seed()
        let table6 = try Self.headingLine(6, in: seed)
        let line = try Fixture.lineNumber(of: "\t100.00%", in: seed, from: table6)
        var lines = Fixture.lines(seed)
        lines.remove(at: line - 1)
        let error = try #require(Fixture.error(parsing: lines.joined(separator: "\n")))
        #expect(error.line == line - 4)   // the row's first cell, the lone TAB before 25.00%
        #expect(error.field == "plan")
        #expect(error.problem == .planMismatch(months: 4, percentages: 3))
    }

    @Test func truncatedInAnIndicatorRow() throws {
        let seed = try Fixture.seed()
        let table9 = try Self.headingLine(9, in: seed)
        let quality = try Fixture.lineNumber(of: "\t质量指标", in: seed, from: table9)
        let text = Fixture.prefix(lines: quality, of: seed)   // cut after "\t质量指标"
        let error = try #require(Fixture.error(parsing: text))
        #expect(error.line == quality - 1)   // the row begins with a lone TAB
        #expect(error.field == "indicators[1]")
        #expect(error.problem == .malformedIndicatorRow(cells: 2, truncated: true))
        #expect(error.description.hasSuffix("(document truncated?)"))
    }

    @Test func truncatedBeforeTheIndicators() throws {
        let seed = try Fixture.seed()
        let table9 = try Self.headingLine(9, in: seed)
        let goals = try Fixture.lineNumber(of: "\t绩效目标", in: seed, from: table9)
        let text = Fixture.prefix(lines: goals + 2, of: seed)   // the goals cell, two of its lines
        let error = try #require(Fixture.error(parsing: text))
        #expect(error.line == goals + 2)
        #expect(error.field == "indicators")
        #expect(error.problem == .truncated(missing: "一级指标表头", table: "财政所经费"))
    }

    @Test func truncatedInTheBudgetRow() throws {
        let seed = try Fixture.seed()
        let table9 = try Self.headingLine(9, in: seed)
        let label = try Fixture.lineNumber(of: "\t预算数", in: seed, from: table9)
        let error = try #require(Fixture.error(parsing: Fixture.prefix(lines: label, of: seed)))
        #expect(error.line == label)
        #expect(error.field == "budget.total")
        #expect(error.problem == .missingValue(label: "预算数"))
    }

    @Test func truncatedRightAfterTheHeading() throws {
        let seed = try Fixture.seed()
        let table9 = try Self.headingLine(9, in: seed)
        let error = try #require(Fixture.error(parsing: Fixture.prefix(lines: table9, of: seed)))
        #expect(error.line == table9)
        #expect(error.field == "code")
        #expect(error.problem == .truncated(missing: "项目编码", table: "财政所经费"))
    }

    @Test func indicatorRowWithTooFewCellsInsideTheDocument() throws {
        let seed = try Fixture.seed()
        let table2 = try Self.headingLine(2, in: seed)
        let basis = try Fixture.lineNumber(of: "\t工作需要", in: seed, from: table2)
        var lines = Fixture.lines(seed)
        lines.remove(at: basis - 1)
        lines.remove(at: basis - 2)   // 6 cells → 4
        let error = try #require(Fixture.error(parsing: lines.joined(separator: "\n")))
        #expect(error.line == basis - 5)
        #expect(error.field == "indicators[0]")
        #expect(error.problem == .malformedIndicatorRow(cells: 4, truncated: false))
    }

    @Test func unknownUnit() throws {
        let seed = try Fixture.seed()
        let line = try Fixture.lineNumber(of: "\t单位：万元", in: seed)
        let error = try #require(Fixture.error(parsing: Fixture.replacing(line: line, in: seed, with: ["\t单位：千元"])))
        #expect(error.line == line)
        #expect(error.problem == .unknownUnit("单位：千元"))
    }

    @Test func unitInYuanIsRead() throws {
        let seed = try Fixture.seed()
        let line = try Fixture.lineNumber(of: "\t单位：万元", in: seed)
        let document = try GoalDocumentImporter.parse(Fixture.replacing(line: line, in: seed, with: ["\t单位：元"]),
                                                      file: "t.txt", year: nil)
        #expect(document.projects[0].budget.total == Money(fen: 59_400))
        #expect(document.projects[1].budget.total == Money(fen: 10_000_000))
    }

    @Test(arguments: ["", "\n\n", " \n\t\n", "\u{FEFF}"])
    func emptyDocument(_ text: String) {
        let error = GoalDocumentFixture.error(parsing: text)
        #expect(error?.problem == .emptyDocument)
        #expect(error?.line == 1)
        #expect(error?.description == "seed-2021.txt:1: document: the document is empty")
    }

    @Test func documentWithoutProjectTables() throws {
        let seed = try Fixture.seed()
        let table1 = try Self.headingLine(1, in: seed)
        let error = try #require(Fixture.error(parsing: Fixture.prefix(lines: table1 - 1, of: seed)))
        #expect(error.problem == .noProjectTables)
        #expect(error.field == "document")
        #expect(error.line == 1)
    }
}
