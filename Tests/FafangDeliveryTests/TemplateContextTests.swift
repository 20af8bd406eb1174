import FafangCore
import FafangDelivery
import Foundation
import Testing

/// Chinese formatting of template values and the field table.
@Suite("Templates: context and fields")
struct TemplateContextTests {
    @Test("dates, amounts, percentages, shares, grades and days left read as a Chinese reader expects")
    func formatting() {
        #expect(ChineseFormat.date(CivilDate(iso: "2021-03-15")!) == "2021年3月15日")
        #expect(ChineseFormat.date(CivilDate(iso: "2021-12-31")!) == "2021年12月31日")
        #expect(ChineseFormat.amount(Money(fen: 297_000_000)) == "2,970,000.00")
        #expect(ChineseFormat.percent(.whole(50)) == "50%")
        #expect(ChineseFormat.percent(Percent(basisPoints: 3333)) == "33.33%")
        #expect(ChineseFormat.share(.yuan(2_000_000), of: .yuan(5_940_000)) == "33.7%")
        #expect(ChineseFormat.share(.yuan(25), of: .yuan(100)) == "25%")
        #expect(ChineseFormat.share(.yuan(1), of: .zero) == "0%")
        #expect(ChineseFormat.grade(.onTrack) == "进度正常")
        #expect(ChineseFormat.grade(.slightlyBehind) == "略有滞后")
        #expect(ChineseFormat.grade(.behind) == "严重滞后")
        #expect(ChineseFormat.daysLeft(0) == "今天截止")
        #expect(ChineseFormat.daysLeft(1) == "明天截止")
        #expect(ChineseFormat.daysLeft(14) == "14天后截止")
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        #expect(ChineseFormat.dateTime(Date(timeIntervalSince1970: 1_615_789_800), in: zone) == "2021年3月15日 14:30")
    }

    @Test("a milestone event's context has every milestone field, formatted")
    func milestoneContext() {
        let project = TemplateRenderingTests.project
        let event = TemplateRenderingTests.milestoneEvent(.milestoneApproaching, paid: .yuan(1_000_000), today: "2021-06-16")
        let context = TemplateContext(event: event, project: project, payee: nil, village: "殷官屯村", unpaidCount: 5, settings: .sample)
        #expect(context.kind == .milestoneApproaching)
        #expect(context.values == [
            "township": "丰润区银城铺乡人民政府", "hotline": "0315-0000000",
            "project_name": "天柱租地费（殷官屯村）", "project_code": "130208214IGHSSTAFMWVM", "year": "2021", "item": "租地款",
            "village": "殷官屯村", "deadline": "2021年6月30日", "cumulative": "50%", "target": "2,970,000.00",
            "paid": "1,000,000.00", "paid_percent": "16.8%", "budget": "5,940,000.00", "shortfall": "1,970,000.00",
            "grade": "严重滞后", "days_left": "14", "days_left_text": "14天后截止", "unpaid_count": "5", "unpaid_unit": "户",
        ])
    }

    @Test("a payment's context has the payee's name and card tail, and no milestone fields")
    func paymentContext() {
        let event = TemplateRenderingTests.paymentEvent(Money(fen: 495_000), on: "2021-03-15")
        let context = TemplateContext(event: event, project: TemplateRenderingTests.project, payee: TemplateRenderingTests.household,
                                      village: nil, settings: .sample)
        #expect(context["payee_name"] == "王淑兰")
        #expect(context["card_tail"] == "1234")
        #expect(context["village"] == "殷官屯村")
        #expect(context["amount"] == "4,950.00")
        #expect(context["payment_date"] == "2021年3月15日")
        #expect(context["budget"] == nil && context["deadline"] == nil)
    }

    @Test("every value of every sample is a field allowed for its kind; the table covers every field a sample has")
    func samplesStayInTheTable() {
        for kind in TemplateKind.allCases {
            for channel in TemplateFields.required[kind] ?? [] {
                let context = TemplateContext.sample(kind, channel: channel)
                #expect(Set(context.values.keys).isSubset(of: TemplateFields.allowed[kind] ?? []))
                #expect(!context.values.isEmpty)
            }
            let names = TemplateFields.documented[kind]?.map(\.name) ?? []
            #expect(Set(names).count == names.count, "\(kind.rawValue) documents a field twice")
        }
        #expect(TemplateFields.sharedByAll == ["township", "hotline"])
    }

    @Test("villages (transfers) have no card tail and no unpaid count")
    func villageTransfer() {
        let context = TemplateContext.sample(.paymentRecorded, channel: .webhook)
        #expect(context["payee_name"] == "金域名邸社区")
        #expect(context["card_tail"] == nil)
        #expect(context["amount"] == "100,000.00")
    }
}
