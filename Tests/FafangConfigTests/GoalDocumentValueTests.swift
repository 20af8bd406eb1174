import FafangCore
import Testing
@testable import FafangConfig

/// How 指标值 cells, deadlines, department targets and project names are read.
@Suite struct GoalDocumentValueTests {
    @Test(arguments: [
        ("≥1100亩", "≥", "1100", "亩"),
        ("≥100百分比", "≥", "100", "%"),
        ("≥1738棵", "≥", "1738", "棵"),
        ("≥5次", "≥", "5", "次"),
        ("≥16个", "≥", "16", "个"),
        ("≥6人", "≥", "6", "人"),
        ("≥1800元", "≥", "1800", "元"),
        ("≥42.53亩", "≥", "42.53", "亩"),
        ("1800元", "=", "1800", "元"),
        ("<95百分比", "<", "95", "%"),
        ("≤3次", "≤", "3", "次"),
        (">0", ">", "0", ""),
        ("=100%", "=", "100", "%"),
        (">=90%", "≥", "90", "%"),
        ("<=5天", "≤", "5", "天"),
        ("大于等于95%", "≥", "95", "%"),
        ("小于等于10％", "≤", "10", "%"),
        ("不少于5件", "≥", "5", "件"),
        ("≥ 1,100 亩", "≥", "1100", "亩"),
        ("≥98百分比。", "≥", "98", "%"),
        ("≥1800元/亩", "≥", "1800", "元/亩"),
        ("年底完成", "", "年底完成", ""),
        ("优良", "", "优良", ""),
        ("≥良好", "", "≥良好", ""),
        ("≥95，以调查为准", "", "≥95，以调查为准", ""),
        ("≥1.2.3亩", "", "≥1.2.3亩", ""),
    ])
    func target(_ cell: String, _ comparator: String, _ value: String, _ unit: String) {
        #expect(IndicatorTarget.parse(cell) == IndicatorTarget(comparator: comparator, value: value, unit: unit))
    }

    @Test(arguments: [
        ("年底完成", "2021-12-31", nil),
        ("年底前完成", "2021-12-31", nil),
        ("年末完成", "2021-12-31", nil),
        ("2021年底完成", "2021-12-31", 2021),
        ("2121年底完成", "2121-12-31", 2121),
        ("2021年12月31日前完成", "2021-12-31", 2021),
        ("2022年6月底前完成", "2022-06-30", 2022),
        ("6月底前完成", "2021-06-30", nil),
        ("2月底", "2021-02-28", nil),
        ("3月底", "2021-03-31", nil),
        ("10月底", "2021-10-31", nil),
        ("12月底", "2021-12-31", nil),
        ("2021年9月15日前完成。", "2021-09-15", 2021),
    ] as [(String, String, Int?)])
    func deadline(_ cell: String, _ iso: String, _ year: Int?) throws {
        let deadline = try #require(DeadlineText.parse(cell))
        #expect(deadline.year == year)
        #expect(deadline.date(budgetYear: 2021)?.description == iso)
    }

    @Test(arguments: ["按时完成", "全年", "13月底", "2021年", "年度完成", "≥95百分比", "", "2021年2月30日"])
    func notADeadline(_ cell: String) {
        let date = DeadlineText.parse(cell).flatMap { $0.date(budgetYear: 2021) }
        #expect(date == nil)
    }

    /// A 时效指标 value that is no deadline stays free text.
    @Test func freeTextInATimelinessRow() throws {
        let seed = try GoalDocumentFixture.seed()
        let line = try GoalDocumentFixture.lineNumber(of: "\t年底完成", in: seed)
        let text = GoalDocumentFixture.replacing(line: line, in: seed, with: ["\t按进度完成"])
        let indicator = try GoalDocumentImporter.parse(text, file: "t.txt", year: nil).projects[0].indicators[2]
        #expect(indicator.comparator == "")
        #expect(indicator.value == "按进度完成")
        #expect(indicator.unit == "")
    }

    @Test(arguments: [
        ("创建我镇特色占工作任务的比例大于等于90%。", "创建我镇特色占工作任务的比例", "≥", "90", "%"),
        ("全年不少于5件，力争化解占工作任务的比例大于等于100%。", "全年不少于5件，力争化解占工作任务的比例", "≥", "100", "%"),
        ("综合业务工作完成率大于等于95%", "综合业务工作完成率", "≥", "95", "%"),
        ("差错率小于等于2%", "差错率", "≤", "2", "%"),
        ("办理件数≥30件", "办理件数", "≥", "30", "件"),
    ])
    func departmentTarget(_ sentence: String, _ head: String, _ comparator: String, _ value: String, _ unit: String) throws {
        let (lead, target) = try #require(IndicatorTarget.splitTail(sentence))
        #expect(lead == head)
        #expect(target == IndicatorTarget(comparator: comparator, value: value, unit: unit))
    }

    @Test(arguments: ["开展系列宣传教育活动。", "完成90%以上的任务", "", "比例为90%"])
    func departmentSentenceWithoutTarget(_ sentence: String) {
        #expect(IndicatorTarget.splitTail(sentence) == nil)
    }

    @Test(arguments: [
        ("天柱租地费（殷官屯村）", ProjectKind.landRent),
        ("四术并发症费用", .subsidy),
        ("独生子女父母奖励补贴", .subsidy),
        ("村级转移支付", .villageTransfer),
        ("财政所经费", .operating),
        ("环校绿化资金", .operating),
    ])
    func kindGuess(_ name: String, _ kind: ProjectKind) {
        #expect(ProjectKind.guess(forName: name) == kind)
    }

    @Test(arguments: [
        (1, "130208214IGHSSTAFMWVM", "01-130208214IGHSSTAFMWVM.toml"),
        (12, "ABC", "12-ABC.toml"),
        (3, "../../etc/x", "03-______etc_x.toml"),
        (4, "", "04-_.toml"),
    ])
    func fileName(_ number: Int, _ code: String, _ expected: String) {
        #expect(ProjectTOMLWriter.fileName(number: number, code: code) == expected)
    }

    @Test(arguments: [
        ("天柱", "\"天柱\""),
        ("a\"b", "\"a\\\"b\""),
        ("C:\\x", "\"C:\\\\x\""),
        ("1.一\n2.二", "\"1.一\\n2.二\""),
        ("tab\there", "\"tab\\there\""),
        ("bell\u{07}", "\"bell\\u0007\""),
        ("del\u{7F}", "\"del\\u007F\""),
    ])
    func tomlBasicString(_ text: String, _ expected: String) {
        #expect(ProjectTOMLWriter.basicString(text) == expected)
    }
}
