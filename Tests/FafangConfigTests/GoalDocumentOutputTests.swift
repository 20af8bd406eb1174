import FafangCore
import Foundation
import Testing
@testable import FafangConfig

/// The TOML project files, the combined TOML document, the JSON and `--out`.
@Suite struct GoalDocumentOutputTests {
    @Test func firstProjectFileInFull() throws {
        let text = try GoalDocumentFixture.seed()
        let document = try GoalDocumentImporter.parse(text, file: "/work/shared/seed/000_af5538dde43debdd.txt", year: nil)
        let entry = try #require(document.imported.first)
        let heading = try GoalDocumentErrorTests.headingLine(1, in: text)
        let file = ProjectTOMLWriter.write(entry.project, source: .init(file: document.file, line: entry.line))
        var expected = """
        # 天柱租地费（殷官屯村）— imported by `fafang import-goals` from 000_af5538dde43debdd.txt (line \(heading))
        code = "130208214IGHSSTAFMWVM"
        name = "天柱租地费（殷官屯村）"
        kind = "land_rent"  # land_rent | subsidy | village_transfer | operating
        year = 2021
        purpose = "用于及时发放天柱租殷官屯村地款"
        goals = [
          "根据2018年财政局拨款单，确保租金及时发放到农户手中",
          "保证每3年一次性支付租金",
          "确保租金及时到位，项目顺利开展",
        ]

        [budget]  # 万元, written as exact decimal strings
        total_wan = "594.00"
        fiscal_wan = "594.00"
        other_wan = "0"

        """
        for (date, percent) in [("2021-03-31", "25.00"), ("2021-06-30", "50.00"), ("2021-10-31", "75.00"), ("2021-12-31", "100.00")] {
            expected += "\n[[plan]]\ndeadline = \(date)\ncumulative_percent = \"\(percent)\"\n"
        }
        let rows: [[String]] = [
            ["产出指标", "数量指标", "数量指标", "新增租地款亩数", "≥", "1100", "亩", "租地合同"],
            ["产出指标", "质量指标", "项目完成率", "按合同及时完成资金发放，保证完成率", "≥", "100", "%", "预算安排"],
            ["产出指标", "时效指标", "完成率", "根据预算安排，按预定时间完成", "≤", "2021-12-31", "date", "绩效指标"],
            ["产出指标", "成本指标", "租地标准", "每亩地租地费", "≥", "1800", "元", "租地合同"],
            ["效益指标", "社会效益指标", "工作完成控制数", "积极开展工作，促进社会稳定，得到认可率", "≥", "95", "%", "工作标准"],
            ["满意度指标", "服务对象满意度指标", "群众满意度", "提高群众满意度", "≥", "95", "%", "调查问卷"],
        ]
        let keys = ["level1", "level2", "level3", "description", "comparator", "value", "unit", "basis"]
        for row in rows {
            expected += "\n[[indicators]]\n" + zip(keys, row).map { "\($0) = \"\($1)\"\n" }.joined()
        }
        #expect(file == expected)
    }

    @Test func projectWithAwkwardText() throws {
        let project = Project(
            code: "X1", name: "名\"称\\", kind: .subsidy, year: 2021,
            budget: Budget(total: Money(fen: 123_456), fiscal: Money(fen: 123_456), other: .zero),
            purpose: "第一行\n第二行", plan: [], goals: [], indicators: []
        )
        let text = ProjectTOMLWriter.write(project, source: .init(file: "a/b/c.txt", line: 9))
        #expect(text.hasPrefix("# 名\"称\\— imported by `fafang import-goals` from c.txt (line 9)\n"))
        #expect(text.contains("\nname = \"名\\\"称\\\\\"\n"))
        #expect(text.contains("\npurpose = \"第一行\\n第二行\"\n"))
        #expect(text.contains("\ngoals = []\n"))
        #expect(text.contains("\ntotal_wan = \"0.123456\"\n"))
        #expect(!text.contains("[[plan]]"))
        let noSource = ProjectTOMLWriter.write(project, source: nil)
        #expect(noSource.hasPrefix("# 名\"称\\\ncode = \"X1\"\n"))
    }

    @Test func combinedDocument() throws {
        let document = try GoalDocumentFixture.document()
        let text = document.tomlDocument()
        let markers = text.split(separator: "\n").filter { $0.hasPrefix("# ---- file: ") }.map(String.init)
        #expect(markers == document.imported.map { "# ---- file: \($0.fileName)" })
        #expect(markers.first == "# ---- file: 01-130208214IGHSSTAFMWVM.toml")
        #expect(markers.last == "# ---- file: 09-13020821XSDMS58L4Y2RR.toml")
        // Each block after a marker is exactly that project's file.
        let blocks = text.components(separatedBy: "\n# ---- file: ").dropFirst()
        for (block, entry) in zip(blocks, document.imported) {
            let body = block.drop { $0 != "\n" }.dropFirst()
            let file = ProjectTOMLWriter.write(entry.project, source: .init(file: document.file, line: entry.line))
            #expect(body.trimmingCharacters(in: .newlines) == file.trimmingCharacters(in: .newlines))
        }
        #expect(text.hasPrefix("# Imported by `fafang import-goals` from seed-2021.txt: 9 project tables, budget year 2021.\n"))
        #expect(text.contains("#   案件查办: ≥100%\n"))
        #expect(text.contains("# Warnings (2, also on stderr):\n"))
    }

    @Test func jsonRoundTrip() throws {
        let document = try GoalDocumentFixture.document()
        let data = try document.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("天柱租地费（殷官屯村）"))   // UTF-8, not \u escapes
        #expect(!text.contains("\\u"))
        #expect(text.contains("\"budget_fen\" : 594000000,"))   // an integer, not 594000000.0

        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(root.keys) == ["year", "projects", "department", "warnings"])
        #expect(root["year"] as? Int == 2021)
        let projects = try #require(root["projects"] as? [[String: Any]])
        #expect(projects.count == 9)
        let first = projects[0]
        #expect(Set(first.keys) == ["code", "name", "budget_fen", "fiscal_fen", "other_fen", "purpose", "plan", "goals", "indicators", "kind"])
        #expect(first["kind"] as? String == "land_rent")

        struct Plan: Decodable { var deadline: String; var cumulative_percent: Int }
        struct Indicator: Decodable { var level1, level2, level3, description, comparator, value, unit, basis: String }
        struct Project: Decodable {
            var code, name, purpose, kind: String
            var budget_fen, fiscal_fen, other_fen: Int64
            var plan: [Plan]
            var goals: [String]
            var indicators: [Indicator]
        }
        struct Department: Decodable { var title, indicator, comparator, value, unit: String }
        struct Warning: Decodable { var project: String?; var field, message: String }
        struct Document: Decodable { var year: Int; var projects: [Project]; var department: [Department]; var warnings: [Warning] }

        let decoded = try JSONDecoder().decode(Document.self, from: data)
        #expect(decoded.projects.map(\.budget_fen) == [594_000_000, 10_000_000, 2_590_000, 21_150_000, 45_930_000,
                                                       3_070_000, 194_500_000, 310_500_000, 2_000_000])
        #expect(decoded.projects[0].plan.map(\.deadline) == ["2021-03-31", "2021-06-30", "2021-10-31", "2021-12-31"])
        #expect(decoded.projects[0].plan.map(\.cumulative_percent) == [25, 50, 75, 100])
        #expect(decoded.projects[0].goals.first == "根据2018年财政局拨款单，确保租金及时发放到农户手中")
        #expect(decoded.projects[7].indicators[2].value == "2121-12-31")
        #expect(decoded.department.count == 12)
        #expect(decoded.warnings.map(\.project) == ["130208217BKQV3GD4D3DG", "13020821XOURQ66290XVZ"])
        #expect(decoded.warnings.map(\.field) == ["indicators[5].comparator", "indicators[2].value"])
    }

    @Test func fractionalPercentAndDocumentWarningInJSON() throws {
        let project = Project(
            code: "P", name: "n", kind: .operating, year: 2021,
            budget: Budget(total: .yuan(3), fiscal: .yuan(3), other: .zero), purpose: "",
            plan: [Milestone(deadline: CivilDate(year: 2021, month: 3, day: 31)!, cumulative: Percent(basisPoints: 3333))],
            goals: [], indicators: []
        )
        let document = GoalDocument(
            file: "t.txt", year: 2021, documentYear: nil,
            imported: [ImportedProject(number: 1, line: 1, project: project)], department: [],
            warnings: [ImportWarning(project: nil, field: "year", message: "m", line: 3)]
        )
        let text = String(decoding: try document.jsonData(), as: UTF8.self)
        #expect(text.contains("\"cumulative_percent\" : 33.33"))
        #expect(text.contains("\"project\" : null"))
    }

    @Test func writesProjectFiles() throws {
        let document = try GoalDocumentFixture.document()
        let directory = NSTemporaryDirectory() + "goal-import-\(UUID().uuidString)/projects"
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        let paths = try document.writeProjectFiles(to: directory, overwrite: false)
        #expect(paths == document.imported.map { "\(directory)/\($0.fileName)" })
        let first = try String(contentsOfFile: paths[0], encoding: .utf8)
        let entry = document.imported[0]
        #expect(first == ProjectTOMLWriter.write(entry.project, source: .init(file: document.file, line: entry.line)))

        #expect(throws: ProjectFileError(path: paths[0], reason: .exists)) {
            try document.writeProjectFiles(to: directory, overwrite: false)
        }
        try "edited".write(toFile: paths[1], atomically: true, encoding: .utf8)
        _ = try document.writeProjectFiles(to: directory + "/", overwrite: true)
        #expect(try String(contentsOfFile: paths[1], encoding: .utf8) != "edited")
    }
}
