import FafangCore
import Foundation
import Testing
@testable import FafangConfig

/// The flat goal-table layout (one row per indicator, 13 columns, 预算数 in 元), in Excel and in
/// Word, holding the seed's projects: the same projects as the seed's own tables.
@Suite("Flat goal tables")
struct FlatGoalTableTests {
    @Test(arguments: ["goals-flat.xlsx", "goals-flat.docx"])
    func holdsTheSeedsProjects(file: String) throws {
        let seed = try GoalDocumentFixture.document()
        let flat = try GoalDocumentImporter.load(path: OfficeFixtures.path(file), year: nil)
        #expect(flat.year == 2021)
        #expect(flat.projects.map(OfficeFixtures.ProjectCore.init) == seed.projects.map(OfficeFixtures.ProjectCore.init))
        #expect(flat.projects[0].budget.total == Money(fen: 594_000_000))
        // The layout has no 资金支出计划: each project is told so, at its name's cell.
        let planWarnings = flat.warnings.filter { $0.field == "plan" }
        #expect(planWarnings.count == 9)
        #expect(planWarnings.allSatisfy { $0.message == "the 资金支出计划 has no months" })
        // The document's own problems are found in this layout too, at the 指标值 cell.
        let satisfaction = try #require(flat.warnings.first { $0.field == "indicators[5].comparator" })
        #expect(satisfaction.project == "130208217BKQV3GD4D3DG")
        #expect(satisfaction.place == (file.hasSuffix(".xlsx") ? "绩效目标表!J15" : "table 1, row 14, cell 10"))
        #expect(flat.warnings.contains { $0.message.contains("2121年底完成") })
    }

    @Test func aBadCellIsAnErrorAtItsCellAndNothingIsImported() throws {
        let path = try OfficeFixtures.path("goals-flat-bad.xlsx")
        do {
            _ = try GoalDocumentImporter.load(path: path, year: nil)
            Issue.record("a bad 指标性质 imported")
        } catch {
            #expect(error.place == "绩效目标表!I7")
            #expect(error.description.hasSuffix("goals-flat-bad.xlsx:绩效目标表!I7: indicators[3].comparator: 指标性质 must be ≥, ≤, >, <, = (or 大于等于, 小于等于 …) or 定性 (got \"约等于\")"))
        }
    }

    /// Rows of a small flat table in memory, cells named `S!<column><row>`.
    static func rows(_ table: [[String]]) -> [OfficeTableRow] {
        table.enumerated().map { index, texts in
            OfficeTableRow(texts: Dictionary(uniqueKeysWithValues: texts.enumerated().map { ($0.offset, $0.element) })) {
                "S!\(XLSXSheetReader.letters($0))\(index + 1)"
            }
        }
    }

    static let heading = ["项目编码", "项目名称", "预算数（万元）", "年度绩效目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重", "指标方向性", "责任人"]

    @Test func checksWeightsAndDirectionsAndReadsWanHeadings() throws {
        let document = try #require(try FlatGoalTable.read(Self.rows([
            Self.heading,
            ["P1", "道路维护", "12.5", "1.维护道路", "产出指标", "数量指标", "维护里程", "大于等于", "30", "公里", "60", "正向", "张三"],
            ["", "", "", "", "", "成本指标", "每公里成本", "≥", "4000", "元", "50", "反向", ""],
            ["", "", "", "", "效益指标", "时效指标", "完成时间", "定性", "2021年6月底前完成", "", "十", "正向", ""],
        ]), file: "flat.xlsx", year: nil))
        let project = try #require(document.projects.first)
        #expect(project.budget.total == Money(fen: 12_500_000) && project.budget.fiscal == project.budget.total)
        #expect(project.goals == ["维护道路"])
        #expect(project.indicators.map(\.level1) == ["产出指标", "产出指标", "效益指标"])
        #expect(project.indicators[0].comparator == "≥" && project.indicators[0].value == "30" && project.indicators[0].unit == "公里")
        #expect(project.indicators[2].comparator == "≤" && project.indicators[2].value == "2021-06-30" && project.indicators[2].unit == "date")
        let byField = Dictionary(document.warnings.map { ($0.field + "@" + ($0.place ?? "")) }.map { ($0, true) }, uniquingKeysWith: { a, _ in a })
        #expect(byField["document@S!M1"] != nil, "责任人 is not read: \(document.warnings)")
        #expect(byField["indicators[1].comparator@S!L3"] != nil, "反向 with ≥")
        #expect(byField["indicators[1].weight@S!K3"] != nil, "60 + 50 > 100")
        #expect(byField["indicators[2].weight@S!K4"] != nil, "十 is no number")
    }

    @Test func aWorkbookWithoutAGoalTableIsRefused() throws {
        let path = try OfficeFixtures.path("ledger.xlsx")
        do {
            _ = try GoalDocumentImporter.load(path: path, year: nil)
            Issue.record("a ledger read as goals")
        } catch {
            #expect(error.problem == .noGoalTable)
        }
    }
}
