import FafangConfig
import FafangCore
import FafangDelivery
import FafangTestSupport
import Foundation
import Testing

/// What `fafang check` says about the cloud gateways' vendor templates, at the file and line of
/// the key, and what the gateway factory refuses.
@Suite("fafang check: cloud SMS templates against the message fields")
struct CloudSMSTemplateCheckTests {
    static let aliyun = """

    [gateways.aliyun]
    kind = "aliyun"
    access_key_id = "LTAI-test"
    access_key_secret_file = "secrets/aliyun"

    [gateways.aliyun.templates]
    payment_recorded = "SMS_000001"
    milestone_overdue = "SMS_000003"

    [gateways.aliyun.parameters]
    payment_recorded = ["payee_name", "amout", "payment_date", "card_tail"]
    milestone_overdue = ["project_name"]

    """

    /// The problems of a fixture with `[gateways.aliyun]` above, as `fafang check` prints them.
    static func check(_ edit: (inout ConfigFixture) -> Void = { _ in }) throws -> (diagnostics: [Diagnostic], fixture: ConfigFixture, settings: Settings) {
        var fixture = ConfigFixture()
        fixture.replace("fafang.toml", "max_segments = 3", with: "max_segments = 3\ngateway = \"aliyun\"")
        fixture.files["fafang.toml", default: ""] += aliyun
        fixture.files["secrets/aliyun"] = "SECRET-XYZ-aliyun\n"
        edit(&fixture)
        let root = try fixture.write()
        defer { fixture.remove() }
        let outcome = ConfigLoader.load(path: root)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        let settings = try #require(outcome.configuration?.settings)
        let locator = SettingsKeyLocator(configPath: root)
        let problems = CloudSMSTemplateCheck.problems(gateways: settings.gateways, smsGateway: settings.sms.gateway,
                                                      sent: CloudSMSTemplateCheck.sentKinds(scheduler: settings.scheduler))
        return (problems.map { locator.diagnostic(keyPath: $0.keyPath, message: $0.message, warning: $0.severity == .warning) }, fixture, settings)
    }

    @Test func everyProblemAtItsLine() throws {
        let (diagnostics, fixture, _) = try Self.check()
        let file = fixture.root + "/fafang.toml"
        let parameters = fixture.line(of: "payment_recorded = [\"payee_name\"", in: "fafang.toml")
        #expect(diagnostics.map(\.description) == [
            "\(file):\(parameters): gateways.aliyun.parameters.payment_recorded[1]: \"amout\" is not a field of payment_recorded messages (fields: amount, card_tail, hotline, item, payee_name, payment_date, project_code, project_name, township, village, year)",
            "\(file):\(parameters): gateways.aliyun.parameters.payment_recorded[3]: warning: \"card_tail\" is absent for a payee whose register row has no bank card: such a message cannot be sent with this template",
            "\(file):\(fixture.line(of: "milestone_overdue = \"SMS_000003\"", in: "fafang.toml")): gateways.aliyun.templates.milestone_overdue: milestone_overdue messages do not go to payees by SMS (those that do: payment_recorded, payment_in_progress, inquiry_reply, inquiry_unknown)",
        ])
    }

    @Test func aKindTheDaemonSendsWithoutATemplateIsAnError() throws {
        let (diagnostics, fixture, _) = try Self.check { fixture in
            fixture.files["fafang.toml", default: ""] += "\n[scheduler]\nin_progress_notice = true\n"
        }
        let missing = try #require(diagnostics.first { $0.message.contains("no template for payment_in_progress") })
        #expect(missing.severity == .error)
        #expect(missing.keyPath == "gateways.aliyun.templates")
        #expect(missing.line == fixture.line(of: "[gateways.aliyun.templates]", in: "fafang.toml"))
        #expect(missing.message.contains("资金办理中通知"))
        // Without in_progress_notice, payment_in_progress is never sent: no template needed.
        let (quiet, _, _) = try Self.check()
        #expect(!quiet.contains { $0.message.contains("payment_in_progress:") })
    }

    @Test func aGatewayNotUsedForHouseholdsNeedsNoTemplateOfEveryKind() throws {
        let (diagnostics, _, _) = try Self.check { fixture in
            fixture.replace("fafang.toml", "gateway = \"aliyun\"", with: "")
            fixture.replace("fafang.toml", "payment_recorded = \"SMS_000001\"", with: "payment_in_progress = \"SMS_000001\"")
            fixture.replace("fafang.toml", "payment_recorded = [\"payee_name\", \"amout\", \"payment_date\", \"card_tail\"]",
                            with: "payment_in_progress = [\"payee_name\", \"deadline\"]")
            fixture.replace("fafang.toml", "milestone_overdue = \"SMS_000003\"", with: "")
            fixture.replace("fafang.toml", "milestone_overdue = [\"project_name\"]", with: "")
        }
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    @Test func theFactoryRefusesAGatewayWithAnUnknownField() throws {
        let (_, _, settings) = try Self.check()
        let gateway = try #require(settings.gateways["aliyun"])
        #expect {
            _ = try GatewayFactory(sms: SMSTextRules(signature: "测试乡财政所", maxSegments: 3)).gateway(for: gateway)
        } throws: { error in
            let text = "\(error)"
            return text.contains("gateways.aliyun: parameters.payment_recorded[1]: \"amout\" is not a field")
                && text.contains("gateways.aliyun: templates.milestone_overdue: milestone_overdue messages do not go to payees")
                && !text.contains("card_tail\" is absent")  // a warning does not stop the gateway
        }
    }

    @Test func sentKindsFollowTheScheduler() {
        #expect(CloudSMSTemplateCheck.smsKinds == [.paymentRecorded, .paymentInProgress, .inquiryReply, .inquiryUnknown])
        #expect(CloudSMSTemplateCheck.sentKinds(scheduler: SchedulerSettings()) == [.paymentRecorded])
        #expect(CloudSMSTemplateCheck.sentKinds(scheduler: SchedulerSettings(inProgressNotice: true)) == [.paymentRecorded, .paymentInProgress])
    }
}
