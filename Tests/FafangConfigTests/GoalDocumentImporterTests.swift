import FafangCore
import Foundation
import Testing
@testable import FafangConfig

/// The seed document (a 2021 township goal document) read end to end.
@Suite struct GoalDocumentImporterTests {
    struct Expected: Sendable, CustomStringConvertible {
        var number: Int
        var code: String
        var name: String
        var kind: ProjectKind
        var budgetFen: Int64
        var indicatorCount: Int
        var description: String { "\(number). \(name)" }
    }

    static let expected: [Expected] = [
        .init(number: 1, code: "130208214IGHSSTAFMWVM", name: "天柱租地费（殷官屯村）", kind: .landRent, budgetFen: 594_000_000, indicatorCount: 6),
        .init(number: 2, code: "130208217BKQV3GD4D3DG", name: "金域名邸社区办公经费", kind: .operating, budgetFen: 10_000_000, indicatorCount: 6),
        .init(number: 3, code: "130208219GA6VU0W7WI0D", name: "环校绿化资金", kind: .operating, budgetFen: 2_590_000, indicatorCount: 7),
        .init(number: 4, code: "13020821NMU6NGEWZEKGI", name: "村级转移支付", kind: .villageTransfer, budgetFen: 21_150_000, indicatorCount: 6),
        .init(number: 5, code: "13020821OTGZID34MT208", name: "天柱租地费（南朱庄子村）", kind: .landRent, budgetFen: 45_930_000, indicatorCount: 6),
        .init(number: 6, code: "13020821R015HCXKP9UDA", name: "四术并发症费用", kind: .subsidy, budgetFen: 3_070_000, indicatorCount: 7),
        .init(number: 7, code: "13020821T50DTWYIBCH9T", name: "2020年乡镇财政体制经费", kind: .operating, budgetFen: 194_500_000, indicatorCount: 6),
        .init(number: 8, code: "13020821XOURQ66290XVZ", name: "2021年乡镇财政体制经费", kind: .operating, budgetFen: 310_500_000, indicatorCount: 6),
        .init(number: 9, code: "13020821XSDMS58L4Y2RR", name: "财政所经费", kind: .operating, budgetFen: 2_000_000, indicatorCount: 6),
    ]

    @Test func readsAllNineTablesInOrder() throws {
        let document = try GoalDocumentFixture.document()
        #expect(document.year == 2021)
        #expect(document.documentYear == 2021)
        #expect(document.projects.map(\.code) == Self.expected.map(\.code))
        #expect(document.projects.map(\.name) == Self.expected.map(\.name))
        #expect(document.imported.map(\.number) == Array(1...9))
        #expect(document.projects.map(\.indicators.count) == [6, 6, 7, 6, 6, 7, 6, 6, 6])
        #expect(document.projects.allSatisfy { $0.year == 2021 })
    }

    @Test(arguments: expected)
    func project(_ expected: Expected) throws {
        let text = try GoalDocumentFixture.seed()
        let document = try GoalDocumentImporter.parse(text, file: GoalDocumentFixture.fileName, year: nil)
        let entry = try #require(document.imported.first { $0.number == expected.number })
        let project = entry.project
        #expect(project.code == expected.code)
        #expect(project.name == expected.name)
        #expect(project.kind == expected.kind)
        #expect(project.budget.total == Money(fen: expected.budgetFen))
        #expect(project.budget.fiscal == Money(fen: expected.budgetFen))
        #expect(project.budget.other == .zero)
        #expect(project.indicators.count == expected.indicatorCount)
        #expect(project.goals.count >= 2)
        #expect(!project.purpose.isEmpty && !project.purpose.contains("\t"))
        #expect(project.plan == [
            Milestone(deadline: try #require(CivilDate(iso: "2021-03-31")), cumulative: .whole(25)),
            Milestone(deadline: try #require(CivilDate(iso: "2021-06-30")), cumulative: .whole(50)),
            Milestone(deadline: try #require(CivilDate(iso: "2021-10-31")), cumulative: .whole(75)),
            Milestone(deadline: try #require(CivilDate(iso: "2021-12-31")), cumulative: .whole(100)),
        ])
        let headingLine = try #require(GoalDocumentFixture.lines(text).firstIndex { line in
            line.hasSuffix("]\(expected.number).\(expected.name)绩效目标表")
        }) + 1
        #expect(entry.line == headingLine)
        #expect(entry.fileName == String(format: "%02d-%@.toml", expected.number, expected.code))
        for indicator in project.indicators {
            #expect(!indicator.level1.isEmpty && !indicator.level2.isEmpty && !indicator.level3.isEmpty)
            #expect(indicator.description == indicator.description.trimmingCharacters(in: .whitespaces))
        }
    }

    @Test func firstProjectInFull() throws {
        let project = try #require(GoalDocumentFixture.document().projects.first)
        #expect(project.purpose == "用于及时发放天柱租殷官屯村地款")
        #expect(project.goals == [
            "根据2018年财政局拨款单，确保租金及时发放到农户手中",
            "保证每3年一次性支付租金",
            "确保租金及时到位，项目顺利开展",
        ])
        #expect(project.indicators == [
            Indicator(level1: "产出指标", level2: "数量指标", level3: "数量指标", description: "新增租地款亩数",
                      comparator: "≥", value: "1100", unit: "亩", basis: "租地合同"),
            Indicator(level1: "产出指标", level2: "质量指标", level3: "项目完成率", description: "按合同及时完成资金发放，保证完成率",
                      comparator: "≥", value: "100", unit: "%", basis: "预算安排"),
            Indicator(level1: "产出指标", level2: "时效指标", level3: "完成率", description: "根据预算安排，按预定时间完成",
                      comparator: "≤", value: "2021-12-31", unit: "date", basis: "绩效指标"),
            Indicator(level1: "产出指标", level2: "成本指标", level3: "租地标准", description: "每亩地租地费",
                      comparator: "≥", value: "1800", unit: "元", basis: "租地合同"),
            Indicator(level1: "效益指标", level2: "社会效益指标", level3: "工作完成控制数", description: "积极开展工作，促进社会稳定，得到认可率",
                      comparator: "≥", value: "95", unit: "%", basis: "工作标准"),
            Indicator(level1: "满意度指标", level2: "服务对象满意度指标", level3: "群众满意度", description: "提高群众满意度",
                      comparator: "≥", value: "95", unit: "%", basis: "调查问卷"),
        ])
    }

    /// Table 3 has seven rows; 可持续影响指标 inherits 效益指标 from the row above, and cells
    /// with stray trailing tabs are trimmed.
    @Test func thirdProjectInFull() throws {
        let project = try GoalDocumentFixture.document().projects[2]
        #expect(project.purpose == "美化校园，绿化校园资金")
        #expect(project.goals == ["保障校园周边绿化租地资金及时拨付到位", "切实维护农户合法权益"])
        #expect(project.indicators == [
            Indicator(level1: "产出指标", level2: "数量指标", level3: "确保数量指标", description: "周边绿化种植数量",
                      comparator: "≥", value: "1738", unit: "棵", basis: "预算安排"),
            Indicator(level1: "产出指标", level2: "质量指标", level3: "完成率", description: "资金足额发放到位",
                      comparator: "≥", value: "100", unit: "%", basis: "预算安排"),
            Indicator(level1: "产出指标", level2: "时效指标", level3: "完成时限", description: "保障村级工作顺利开展",
                      comparator: "≤", value: "2021-12-31", unit: "date", basis: "计划指标"),
            Indicator(level1: "产出指标", level2: "成本指标", level3: "预算资金完成率",
                      description: "根据年初预算安排和年度工作需要，科学统筹规划，提高资金使用率",
                      comparator: "≥", value: "100", unit: "%", basis: "预算安排"),
            Indicator(level1: "效益指标", level2: "社会效益指标", level3: "环校绿化控制数",
                      description: "保障农民根本利益，积极开展工作，大力改善民生",
                      comparator: "≥", value: "98", unit: "%", basis: "工作标准"),
            Indicator(level1: "效益指标", level2: "可持续影响指标", level3: "项目持续发挥作用", description: "农民利益保障",
                      comparator: "≥", value: "100", unit: "%", basis: "预算安排"),
            Indicator(level1: "满意度指标", level2: "服务对象满意度指标", level3: "群众满意度", description: "保障每个农户利益",
                      comparator: "≥", value: "95", unit: "%", basis: "调查问卷"),
        ])
    }

    /// The seed's other notable values: 42.53 亩, a bare 1800元, the deadline forms, and the
    /// two damaged targets kept as written (with warnings).
    @Test func notableValues() throws {
        let projects = try GoalDocumentFixture.document().projects
        func target(_ project: Int, _ indicator: Int) -> String {
            let row = projects[project].indicators[indicator]
            return "\(row.comparator)|\(row.value)|\(row.unit)"
        }
        #expect(target(4, 0) == "≥|42.53|亩")
        #expect(target(4, 3) == "=|1800|元")
        #expect(target(4, 2) == "≤|2021-12-31|date")   // 年底完成 + a stray tab
        #expect(target(1, 2) == "≤|2021-12-31|date")   // 2021年底完成
        #expect(target(3, 2) == "≤|2021-12-31|date")   // 2021年12月31日前完成
        #expect(target(7, 2) == "≤|2121-12-31|date")   // 2121年底完成, kept, warned
        #expect(target(1, 5) == "<|95|%")               // <95百分比, kept, warned
        #expect(target(3, 0) == "≥|16|个")
        #expect(target(5, 0) == "≥|6|人")
        #expect(target(6, 0) == "≥|20|次")
        #expect(projects[8].indicators[3].description == "财政资金使用额占总额比率")
    }

    @Test func departmentGoals() throws {
        let department = try GoalDocumentFixture.document().department
        #expect(department.map(\.title) == [
            "基层党建", "干部队伍管理和干部教育培训", "宣传思想工作", "案件查办", "党风廉政建设", "推进新农村建设",
            "双拥优抚安置政策及管理", "基层政权建设", "卫计政务管理", "政务公开", "综合业务", "应急管理",
        ])
        #expect(department.map(\.comparator) == Array(repeating: "≥", count: 12))
        #expect(department.map(\.value) == ["90", "90", "95", "100", "95", "95", "95", "90", "90", "95", "95", "95"])
        #expect(department.map(\.unit) == Array(repeating: "%", count: 12))
        #expect(department[0].goal == "加强基层党领导班子建设，加强党组织建设和党员管理。")
        #expect(department[0].indicator == "开展党员远程教育工作，发挥先进村示范带动作用，创建我镇特色占工作任务的比例")
        // （四）'s 全年不少于5件 is part of the indicator; the target is the final 大于等于100%.
        #expect(department[3].indicator.hasPrefix("镇党政领导包联化解信访事项全年不少于5件，"))
        #expect(department[3].indicator.hasSuffix("力争初信初访化解占工作任务的比例"))
        #expect(department[10].indicator == "全镇机关事务管理综合业务工作完成率")
        let text = try GoalDocumentFixture.seed()
        #expect(department[0].line == (try GoalDocumentFixture.lineNumber(of: "（一）基层党建", in: text)))
        #expect(department[11].line == (try GoalDocumentFixture.lineNumber(of: "（十二）应急管理", in: text)))
    }

    /// Exactly two warnings: the 2121 deadline and the < satisfaction target.
    @Test func seedWarnings() throws {
        let text = try GoalDocumentFixture.seed()
        let document = try GoalDocumentFixture.document()
        #expect(document.warnings.count == 2)
        let satisfaction = try #require(document.warnings.first)
        #expect(satisfaction.project == "130208217BKQV3GD4D3DG")
        #expect(satisfaction.field == "indicators[5].comparator")
        #expect(satisfaction.line == (try GoalDocumentFixture.lineNumber(of: "\t<95百分比", in: text)))
        #expect(satisfaction.message.contains("\"<95百分比\""))
        #expect(satisfaction.message.contains("probably ≥95%"))

        let deadline = try #require(document.warnings.last)
        #expect(deadline.project == "13020821XOURQ66290XVZ")
        #expect(deadline.field == "indicators[2].value")
        #expect(deadline.line == (try GoalDocumentFixture.lineNumber(of: "\t2121年底完成", in: text)))
        #expect(deadline.message.contains("100 years after the budget year 2021"))
        #expect(deadline.message.contains("probably a typo for 2021"))
        #expect(deadline.rendered(file: "seed.txt")
            == "seed.txt:\(deadline.line): project 13020821XOURQ66290XVZ: indicators[2].value: \(deadline.message)")
    }

    @Test func byteOrderMarkAndCRLFChangeNothing() throws {
        let text = try GoalDocumentFixture.seed()
        let plain = try GoalDocumentImporter.parse(text, file: "a.txt", year: nil)
        let windows = try GoalDocumentImporter.parse("\u{FEFF}" + text.replacingOccurrences(of: "\n", with: "\r\n"),
                                                     file: "a.txt", year: nil)
        #expect(windows == plain)
    }

    @Test func loadsFromAFile() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/seed-2021.txt", withExtension: nil))
        let document = try GoalDocumentImporter.load(path: url.path, year: nil)
        #expect(document.file == url.path)
        #expect(document.projects.count == 9)
    }

    @Test func missingFileAndBinaryFileAreErrors() throws {
        let missing = "/nonexistent-\(UUID().uuidString)/goals.txt"
        #expect(throws: GoalDocumentError.self) { try GoalDocumentImporter.load(path: missing, year: nil) }
        do {
            _ = try GoalDocumentImporter.load(path: missing, year: nil)
        } catch {
            #expect(error.file == missing)
            #expect(error.line == nil)
            #expect(error.description.hasPrefix("\(missing): document: cannot read the file"))
        }
        let path = NSTemporaryDirectory() + "goals-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data([0x31, 0x0A, 0x32, 0x0A, 0xFF, 0xFE, 0x80, 0x81, 0xFF]).write(to: URL(fileURLWithPath: path))
        do {
            _ = try GoalDocumentImporter.load(path: path, year: nil)
            Issue.record("a binary file was read")
        } catch {
            #expect(error.problem == .notText)
            #expect(error.line == 3)
            #expect(error.description.contains(path))
        }
    }
}
