import FafangConfig
import FafangCore
import FafangDelivery
import Foundation
import Testing

/// Every bundled template rendered for every payee of the bundled configuration: no full phone
/// ever, and every SMS within two segments once signed.
@Suite("Templates: real data and privacy")
struct TemplatePrivacyTests {
    static func configuration() throws -> Configuration {
        let outcome = ConfigLoader.load(path: TemplateRenderingTests.repository + "/Config")
        return try #require(outcome.configuration, "the bundled configuration loads: \(outcome.errors)")
    }

    /// True if `text` holds a run of 11 or more ASCII digits (a phone, a card or an ID number).
    static func hasLongDigitRun(_ text: String) -> Bool {
        var run = 0
        for char in text.unicodeScalars {
            run = ("0"..."9").contains(char) ? run + 1 : 0
            if run >= 11 { return true }
        }
        return false
    }

    /// Every message the bundled configuration can produce, with real names, amounts and dates.
    static func allMessages() throws -> [(name: String, text: String)] {
        let configuration = try configuration()
        let templates = try MessageTemplates(directory: configuration.settings.templatesDirectory)
        let settings = TemplateContext.Settings(townshipName: configuration.settings.townshipName,
                                                hotline: configuration.settings.hotline,
                                                timeZone: configuration.settings.timeZone)
        var messages: [(String, String)] = []
        func render(_ kind: TemplateKind, _ channel: TemplateChannel, _ context: TemplateContext) throws {
            messages.append(("\(kind.rawValue).\(channel.rawValue)", try templates.render(kind: kind, channel: channel, context: context)))
        }
        for configured in configuration.projects {
            let project = configured.project
            guard let first = project.plan.first else { continue }
            for payee in configured.payees {
                var facts = DueEvent.Facts()
                facts.payeeID = payee.id
                facts.amount = payee.owed
                facts.paymentDate = CivilDate.endOf(month: 12, year: project.year)
                let paid = DueEvent(key: "k", kind: .paymentRecorded, projectCode: project.code, audiences: [], facts: facts)
                let channel: TemplateChannel = payee.kind == .village ? .webhook : .sms
                try render(.paymentRecorded, channel, TemplateContext(event: paid, project: project, payee: payee, village: nil, settings: settings))
                if payee.kind != .village {
                    facts.paymentDate = nil
                    facts.deadline = first.deadline
                    let waiting = DueEvent(key: "k", kind: .paymentInProgress, projectCode: project.code, audiences: [], facts: facts)
                    try render(.paymentInProgress, .sms, TemplateContext(event: waiting, project: project, payee: payee, village: nil, settings: settings))
                }
            }
            for kind in [DueEvent.Kind.milestoneApproaching, .milestoneOverdue, .caughtUp] {
                var facts = DueEvent.Facts()
                facts.deadline = first.deadline
                facts.cumulative = first.cumulative
                facts.target = project.target(of: first)
                facts.paid = kind == .caughtUp ? facts.target : .zero
                facts.grade = kind == .caughtUp ? .onTrack : .behind
                facts.daysLeft = kind == .milestoneApproaching ? 1 : nil
                facts.daysOverdue = kind == .milestoneOverdue ? 21 : nil
                let event = DueEvent(key: "k", kind: kind, projectCode: project.code, audiences: [], facts: facts)
                let template = TemplateKind(kind)
                try render(template, .office, TemplateContext(event: event, project: project, payee: nil, village: nil,
                                                              unpaidCount: configured.payees.count, settings: settings))
                for village in Set(configured.payees.map(\.village)).sorted() {
                    let count = configured.payees.filter { $0.village == village }.count
                    try render(template, .webhook, TemplateContext(event: event, project: project, payee: nil, village: village,
                                                                   unpaidCount: count, settings: settings))
                }
            }
        }
        return messages
    }

    @Test("no rendered message holds a run of 11 digits; every SMS fits two segments with 【银城铺乡财政所】")
    func realData() throws {
        let messages = try Self.allMessages()
        #expect(messages.count > 300)
        for (name, text) in messages {
            #expect(!Self.hasLongDigitRun(text), "\(name): \(text)")
            if name.hasSuffix(".sms") {
                let sms = SMSText(signature: TemplateRenderingTests.signature, body: text)
                #expect(sms.units <= 134 && sms.segments <= 2, "\(name): \(sms): \(text)")
            }
        }
    }

    @Test("the operational alerts show a masked recipient and mask digits in the reason")
    func operationalAlerts() throws {
        let templates = try TemplateRenderingTests.bundled()
        let item = OutboxItem(idempotencyKey: "i", eventKey: "e", kind: .paymentRecorded, projectCode: "P1", channel: .sms,
                              gateway: "kannel", recipient: "17000000018", village: "殷官屯村", payeeID: "YGT001",
                              text: "", title: nil, notBefore: Date(timeIntervalSince1970: 0))
        let dead = TemplateContext.deliveryDead(item: item, project: nil, reason: "rejected 17000000018 (invalid)", attempts: 3,
                                                settings: .sample)
        let text = try templates.render(kind: .deliveryDead, channel: .office, context: dead)
        #expect(text.contains("170****0018（短信）"))
        #expect(text.contains("rejected 170****0018 (invalid)"))
        #expect(text.contains("项目：P1（P1）") || text.contains("P1"))
        #expect(!Self.hasLongDigitRun(text))

        let until = CivilDate(iso: "2021-03-15")!.start(in: TemplateContext.Settings.sample.timeZone).addingTimeInterval(14.5 * 3600)
        let paused = TemplateContext.endpointPaused(endpoint: "village-v01", reason: "HTTP 503", failures: 8, until: until,
                                                    settings: .sample)
        let pausedText = try templates.render(kind: .endpointPaused, channel: .office, context: paused)
        #expect(pausedText.contains("暂停至：2021年3月15日 14:30，届时自动恢复"))
        #expect(!pausedText.contains("需人工恢复"))
        let manual = TemplateContext.endpointPaused(endpoint: "village-v01", reason: "HTTP 401", failures: 1, until: nil, settings: .sample)
        #expect(try templates.render(kind: .endpointPaused, channel: .office, context: manual).contains("需人工恢复"))
    }

    @Test("a phone slipped into a name is masked before any template sees it")
    func digitsInValuesAreMasked() {
        let context = TemplateContext(kind: .paymentRecorded, values: ["payee_name": "王淑兰13812345678", "card_tail": "1234"])
        #expect(context["payee_name"] == "王淑兰138****5678")
        #expect(context["card_tail"] == "1234")
    }
}
