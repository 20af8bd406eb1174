import FafangDelivery
import Foundation
import Testing

/// `TemplateChecker` on the bundled templates and on copies damaged one file at a time.
@Suite("Templates: check")
struct TemplateCheckerTests {
    /// A copy of the bundled templates in a fresh temporary folder.
    struct Folder {
        let path: String

        init() throws {
            path = NSTemporaryDirectory() + "fafang-templates-" + UUID().uuidString
            try FileManager.default.copyItem(atPath: TemplateRenderingTests.templatesDirectory, toPath: path)
        }

        func write(_ name: String, _ text: String) throws {
            try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
        }

        func remove(_ name: String) throws { try FileManager.default.removeItem(atPath: path + "/" + name) }

        func check(maxSegments: Int = 2) -> [TemplateProblem] {
            defer { try? FileManager.default.removeItem(atPath: path) }
            return TemplateChecker.check(directory: path, maxSegments: maxSegments, signature: TemplateRenderingTests.signature)
        }
    }

    @Test("every bundled template passes, with SMS held to two segments")
    func bundledTemplatesPass() {
        let problems = TemplateChecker.check(directory: TemplateRenderingTests.templatesDirectory, maxSegments: 2,
                                             signature: TemplateRenderingTests.signature)
        #expect(problems.map(\.description) == [])
    }

    @Test("an unknown field is reported with its line and the allowed fields, in variables and in sections", arguments: [
        ("{{payee_name}}您好：\n{{amout}}元", 2, "{{amout}}", "amout"),
        ("{{payee_name}}您好：\n\n{{#amout}}{{amount}}元{{/amout}}", 3, "{{#amout}}", "amout"),
        ("{{^cardtail}}银行卡{{/cardtail}}", 1, "{{^cardtail}}", "cardtail"),
        ("{{! comment {{amout}} is ignored }}\n{{{payee}}}", 2, "{{{payee}}}", "payee"),
        ("{{&payee}}", 1, "{{&payee}}", "payee"),
        ("{{days_left}}", 1, "{{days_left}}", "days_left"),
    ] as [(String, Int, String, String)])
    func unknownField(text: String, line: Int, tag: String, field: String) throws {
        let folder = try Folder()
        try folder.write("payment_recorded.sms.mustache", text)
        let problems = folder.check()
        #expect(problems.count == 1, "\(problems)")
        let problem = try #require(problems.first)
        #expect(problem.file == folder.path + "/payment_recorded.sms.mustache")
        #expect(problem.line == line)
        #expect(problem.field == field)
        #expect(problem.description.hasPrefix("\(folder.path)/payment_recorded.sms.mustache:\(line): \(tag): unknown field for payment_recorded (allowed: amount, card_tail, hotline, item, payee_name, payment_date, project_code, project_name, township, village, year)"))
    }

    @Test("a missing template the scheduler needs is reported by the name it should have")
    func missingTemplate() throws {
        let folder = try Folder()
        try folder.remove("milestone_overdue.webhook.mustache")
        let problems = folder.check()
        #expect(problems.map(\.description) == [
            "\(folder.path)/milestone_overdue.webhook.mustache: missing: milestone_overdue is sent to village committees' robots, and needs this template",
        ])
    }

    @Test("a Mustache syntax error is reported at its line", arguments: [
        ("第一行\n{{#amount}}{{amount}}", 2, "{{#amount}}", "section is never closed (with {{/amount}})"),
        ("第一行\n第二行{{#amount}}x{{/amonut}}", 2, "{{/amonut}}", "closes {{#amount}} opened on line 2"),
        ("第一行\n\n{{payee_name", 3, "{{", "tag is never finished with }}"),
        ("{{=<% %>=}}\n<%amount%>", 1, "{{=<% %>=}}", "set-delimiter tags are not supported in message templates"),
    ] as [(String, Int, String, String)])
    func syntaxError(text: String, line: Int, key: String, message: String) throws {
        let folder = try Folder()
        try folder.write("payment_recorded.sms.mustache", text)
        let problems = folder.check()
        #expect(problems.map(\.description) == ["\(folder.path)/payment_recorded.sms.mustache:\(line): \(key): \(message)"])
    }

    @Test("a syntax error only Mustache's parser sees is reported with its line")
    func parserError() throws {
        let folder = try Folder()
        try folder.write("payment_recorded.sms.mustache", "您好\n{{amount x}}元")
        let problems = folder.check()
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.line == 2)
        #expect(problems.first?.message.hasPrefix("Mustache syntax error") == true)
    }

    @Test("an SMS whose realistic sample needs more than max_segments is reported")
    func overlongSMS() throws {
        let folder = try Folder()
        let long = "{{payee_name}}您好：" + String(repeating: "请注意查收。", count: 20) + "如有疑问请致电{{hotline}}。"
        try folder.write("payment_in_progress.sms.mustache", long)
        let problems = folder.check(maxSegments: 2)
        #expect(problems.count == 1)
        let problem = try #require(problems.first)
        #expect(problem.line == 0)
        #expect(problem.key == "max_segments")
        #expect(problem.description.hasPrefix("\(folder.path)/payment_in_progress.sms.mustache: max_segments: a realistic sample is 156 UCS-2 characters with 【银城铺乡财政所】"))
        #expect(problem.message.hasSuffix(": 3 segments, more than max_segments = 2"))

        let strict = try Folder()
        let one = strict.check(maxSegments: 1)
        #expect(one.count == 3, "the bundled SMS templates but the neutral inquiry answer need two segments: \(one)")
    }

    @Test("a file of an unknown name, a template nothing sends, an HTML pragma and a missing partial are reported")
    func otherMistakes() throws {
        let folder = try Folder()
        try folder.write("payment_recorded.sms.bak.mustache", "x")
        try folder.write("payment_in_progress.webhook.mustache", "{{payee_name}}")
        try folder.write("caught_up.office.mustache", "{{% CONTENT_TYPE: HTML}}\n{{> _footer}}{{project_name}}")
        let descriptions = folder.check().map(\.description)
        #expect(descriptions.count == 4, "\(descriptions)")
        #expect(descriptions.contains { $0.hasSuffix("payment_recorded.sms.bak.mustache: not a template name: expected KIND.CHANNEL.mustache (kinds: payment_recorded, milestone_approaching, milestone_overdue, caught_up, payment_in_progress, delivery_dead, endpoint_paused, calendar_uncovered, disk_low, inquiry_reply, inquiry_unknown; channels: sms, webhook, office) or _PARTIAL.mustache") })
        #expect(descriptions.contains { $0.hasSuffix("payment_in_progress.webhook.mustache: warning: never used: payment_in_progress is sent on sms only") })
        #expect(descriptions.contains { $0.hasSuffix("caught_up.office.mustache:1: {{% CONTENT_TYPE: HTML}}: messages are plain text: the only pragma allowed is {{% CONTENT_TYPE: TEXT}} (and it is implied)") })
        #expect(descriptions.contains { $0.hasSuffix("caught_up.office.mustache:2: {{> _footer}}: no partial _footer.mustache in the templates folder") })
    }

    @Test("a partial may use the fields every kind has, and renders inside the message")
    func partials() throws {
        let folder = try Folder()
        try folder.write("_footer.mustache", "如有疑问请致电{{hotline}}。")
        try folder.write("payment_recorded.sms.mustache", "{{payee_name}}您好：{{amount}}元已到账。{{> _footer}}")
        let templates = try MessageTemplates(directory: folder.path)
        let text = try templates.render(kind: .paymentRecorded, channel: .sms, context: .sample(.paymentRecorded, channel: .sms))
        #expect(text == "欧阳淑兰您好：123,444.00元已到账。如有疑问请致电0315-0000000。")
        #expect(folder.check().isEmpty)

        let bad = try Folder()
        try bad.write("_footer.mustache", "\n{{amount}}")
        #expect(bad.check().map(\.description) == [
            "\(bad.path)/_footer.mustache:2: {{amount}}: unknown field for a partial (fields of every kind only) (allowed: hotline, township)",
        ])
    }

    @Test("an unreadable folder is one problem, not a crash")
    func missingFolder() {
        let problems = TemplateChecker.check(directory: "/nonexistent/fafang-templates", maxSegments: 2, signature: "x")
        #expect(problems.map(\.description) == ["/nonexistent/fafang-templates: cannot list the templates folder"])
    }
}
