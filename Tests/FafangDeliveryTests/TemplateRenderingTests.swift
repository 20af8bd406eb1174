import FafangConfig
import FafangCore
import FafangDelivery
import Foundation
import Testing

/// The bundled `Templates/` rendered with realistic and real data.
@Suite("Templates: rendering")
struct TemplateRenderingTests {
    /// The repository's top folder, found from this file.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let templatesDirectory = repository + "/Templates"
    static let signature = "银城铺乡财政所"

    static func bundled() throws -> MessageTemplates { try MessageTemplates(directory: templatesDirectory) }

    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    static func date(_ text: String) -> CivilDate { CivilDate(iso: text)! }

    /// 天柱租地费（殷官屯村）: 594 万元, 25/50/75/100 % by the ends of March, June, October, December 2021.
    static let project = Project(
        code: "130208214IGHSSTAFMWVM", name: "天柱租地费（殷官屯村）", kind: .landRent, year: 2021,
        budget: Budget(total: .yuan(5_940_000), fiscal: .yuan(5_940_000), other: .zero), purpose: "",
        plan: [("2021-03-31", 25), ("2021-06-30", 50), ("2021-10-31", 75), ("2021-12-31", 100)].map {
            Milestone(deadline: date($0.0), cumulative: .whole(Int64($0.1)))
        },
        goals: [], indicators: []
    )

    /// 王淑兰, 0.92 亩 × 1800 元 × 3 年 = 4,968.00 元 owed; card tail 1234.
    static let household = Payee(Household(
        id: "YGT099", name: "王淑兰", village: "殷官屯村", phone: PhoneNumber("17000000099"), cardTail: "1234",
        area: Acreage(centimu: 92), rate: .yuan(1_800), years: 3
    ))

    static func paymentEvent(_ amount: Money, on day: String) -> DueEvent {
        var facts = DueEvent.Facts()
        facts.payeeID = household.id
        facts.amount = amount
        facts.paymentDate = date(day)
        facts.bankReference = "B20210315000017"
        return DueEvent(key: "paid:\(project.code):B20210315000017", kind: .paymentRecorded, projectCode: project.code,
                        audiences: [.payee(household.id)], facts: facts)
    }

    static func milestoneEvent(_ kind: DueEvent.Kind, paid: Money, today: String) -> DueEvent {
        let milestone = project.plan[1]
        var facts = DueEvent.Facts()
        facts.deadline = milestone.deadline
        facts.cumulative = milestone.cumulative
        facts.target = project.target(of: milestone)
        facts.paid = paid
        facts.grade = ProgressGrade.of(paid: paid, target: facts.target!, budget: project.budget.total, slightThreshold: .whole(5))
        let left = date(today).days(until: milestone.deadline)
        if kind == .milestoneApproaching { facts.daysLeft = left }
        if kind == .milestoneOverdue { facts.daysOverdue = -left }
        return DueEvent(key: "milestone:test", kind: kind, projectCode: project.code, audiences: [.financeOffice], facts: facts)
    }

    @Test("payment_recorded.sms: the exact text a household receives")
    func paymentRecordedSMS() throws {
        let context = TemplateContext(event: Self.paymentEvent(Money(fen: 495_000), on: "2021-03-15"), project: Self.project,
                                      payee: Self.household, village: nil, settings: .sample)
        let text = try Self.bundled().render(kind: .paymentRecorded, channel: .sms, context: context)
        #expect(text == "王淑兰您好：天柱租地费（殷官屯村）租地款4,950.00元已于2021年3月15日发放至您尾号1234的银行卡，请注意查收。如有疑问请致电0315-0000000。")
        let sms = SMSText(signature: Self.signature, body: text)
        #expect(sms.encoding == .ucs2)
        #expect(sms.segments == 2)
    }

    @Test("payment_in_progress.sms: courteous, with the amount and the hotline")
    func paymentInProgressSMS() throws {
        var facts = DueEvent.Facts()
        facts.payeeID = Self.household.id
        facts.amount = Self.household.owed
        facts.deadline = Self.date("2021-03-31")
        let event = DueEvent(key: "in-progress", kind: .paymentInProgress, projectCode: Self.project.code,
                             audiences: [.payee(Self.household.id)], facts: facts)
        let context = TemplateContext(event: event, project: Self.project, payee: Self.household, village: nil, settings: .sample)
        let text = try Self.bundled().render(kind: .paymentInProgress, channel: .sms, context: context)
        #expect(text == "王淑兰您好：您的天柱租地费（殷官屯村）租地款4,968.00元正在办理发放，到账后将短信告知您，请耐心等待。如有疑问请致电0315-0000000。")
    }

    @Test("milestone_approaching.webhook: deadline, target, paid, days left, grade and the village's unpaid count")
    func approachingWebhook() throws {
        let event = Self.milestoneEvent(.milestoneApproaching, paid: .yuan(2_000_000), today: "2021-06-23")
        let context = TemplateContext(event: event, project: Self.project, payee: nil, village: "殷官屯村", unpaidCount: 37,
                                      settings: .sample)
        let text = try Self.bundled().render(kind: .milestoneApproaching, channel: .webhook, context: context)
        #expect(text == """
        【支出进度提醒】天柱租地费（殷官屯村）

        殷官屯村：本项目7天后截止，目前严重滞后。
        - 截止日期：2021年6月30日
        - 应累计支出：50%，即2,970,000.00元
        - 已支出：2,000,000.00元（占预算33.7%）
        - 尚差：970,000.00元
        - 本村尚有37户未发放到位

        请协助核实收款信息，以便尽快发放。如有疑问请致电乡财政所0315-0000000。
        """)
    }

    @Test("milestone_overdue.office: days overdue and the grade; no unpaid line without a count")
    func overdueOffice() throws {
        let event = Self.milestoneEvent(.milestoneOverdue, paid: .yuan(2_700_000), today: "2021-07-07")
        let context = TemplateContext(event: event, project: Self.project, payee: nil, village: nil, settings: .sample)
        let text = try Self.bundled().render(kind: .milestoneOverdue, channel: .office, context: context)
        #expect(text.contains("已逾期7天"))
        #expect(text.contains("尚差：270,000.00元（略有滞后）"))
        #expect(!text.contains("未发放到位"))
        #expect(!text.contains("\n\n\n"))
    }

    @Test("every bundled template renders its realistic sample, in Chinese, without leftovers of tags", arguments: TemplateKind.allCases)
    func everyTemplateRenders(kind: TemplateKind) throws {
        let templates = try Self.bundled()
        for channel in TemplateFields.required[kind] ?? [] {
            let text = try templates.render(kind: kind, channel: channel, context: .sample(kind, channel: channel))
            #expect(!text.contains("{{") && !text.contains("}}"))
            #expect(text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) })
            #expect(!text.contains("【银城铺乡财政所】"), "the gateway adds the signature, not the template")
            if channel == .sms {
                #expect(SMSText(signature: Self.signature, body: text).segments <= 2, "\(kind.rawValue).sms: \(text)")
                #expect(!text.contains("\n"))
            }
        }
    }

    @Test("no HTML escaping: & < > \" ' come out as written, in variables and in sections")
    func noHTMLEscaping() throws {
        let templates = try MessageTemplates(sources: [
            "payment_recorded.sms": "{{payee_name}}|{{#village}}{{village}}{{/village}}|{{{project_name}}}|{{&item}}",
        ])
        let context = TemplateContext(kind: .paymentRecorded, values: [
            "payee_name": "A&B<C>\"'", "village": "甲&乙村<东>", "project_name": "P&Q", "item": "<租地款>",
        ])
        let text = try templates.render(kind: .paymentRecorded, channel: .sms, context: context)
        #expect(text == "A&B<C>\"'|甲&乙村<东>|P&Q|<租地款>")

        var project = Self.project
        project.name = "租地费（甲&乙村）<2021>"
        let bundled = try Self.bundled().render(
            kind: .paymentRecorded, channel: .sms,
            context: TemplateContext(event: Self.paymentEvent(.yuan(10), on: "2021-03-15"), project: project, payee: Self.household,
                                     village: nil, settings: .sample))
        #expect(bundled.contains("租地费（甲&乙村）<2021>租地款10.00元"))
        #expect(!bundled.contains("&amp;") && !bundled.contains("&lt;"))
    }

    @Test("a missing template is an error naming it")
    func missingTemplate() throws {
        let templates = try MessageTemplates(sources: ["payment_recorded.sms": "{{amount}}"])
        #expect(throws: TemplateError.missing(kind: .caughtUp, channel: .office)) {
            try templates.render(kind: .caughtUp, channel: .office, context: .sample(.caughtUp, channel: .office))
        }
        #expect(templates.has(kind: .paymentRecorded, channel: .sms))
        #expect(!templates.has(kind: .paymentRecorded, channel: .webhook))
    }
}
