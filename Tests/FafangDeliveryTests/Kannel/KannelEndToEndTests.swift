import FafangCore
import FafangDelivery
import FafangTestSupport
import Foundation
import Testing

/// A Chinese SMS through a real Kannel (bearerbox + smsbox + fakesmsc on 127.0.0.1), and its
/// delivery report back to a listener. Runs where the Debian packages kannel and kannel-extras
/// are installed, and always in CI (which installs them): there a missing Kannel is a failure.
@Suite("Kannel end to end", .serialized,
       .enabled(if: KannelHarness.testsRun))
struct KannelEndToEndTests {
    @Test("a Chinese message arrives intact, and the delivery report comes back with our id")
    func chineseMessageAndReceipt() async throws {
        #expect(KannelHarness.isInstalled, "install kannel and kannel-extras (make setup)")
        let receipts = try LoopbackServer { _ in .text("ok") }
        defer { receipts.stop() }
        // Used from the test body only, one call at a time (the harness is not Sendable).
        nonisolated(unsafe) let kannel = try KannelHarness()
        defer { kannel.stop() }
        try await offThePool { try kannel.start() }

        let engine = try CurlEngine(settings: HTTPEngineSettings())
        let settings = KannelSettings(url: kannel.sendsmsURL, username: kannel.username, password: .file("unused"),
                                      from: "95555", receiptURL: receipts.baseURL + "/receipts/kannel")
        let gateway = KannelGateway(name: "kannel", settings: settings, password: Secret(kannel.password),
                                    rules: SMSTextRules(signature: "银城铺乡财政所", maxSegments: 3))
        let body = "乔菊华您好：天柱租地费（殷官屯村）租地款71,496.00元已于2021年3月31日发放至您尾号8636的银行卡，请注意查收。"
        let phone = try #require(PhoneNumber("17000000018"))
        let message = OutboundMessage(idempotencyKey: "ff1-0123456789abcdef01234567", recipient: .phone(phone), text: body)

        let outcome = await engine.send(try gateway.request(for: message, now: Date()))
        let verdict = gateway.interpret(outcome, for: message, now: Date())
        #expect(verdict == .delivered(reference: nil), "\(outcome.response?.bodyText ?? String(describing: outcome.error))")

        let received = try await offThePool { try kannel.message(to: "17000000018") }
        #expect(received.text == "【银城铺乡财政所】" + body,
                "got \(received.text.unicodeScalars.count) scalars: \(received.text.unicodeScalars.prefix(40).map { String($0.value, radix: 16) })")
        #expect(received.from == "95555")

        // Kannel's fake SMSC reports "accepted by SMSC" (8) and "delivered" (1) to the dlr-url.
        let arrived = await receipts.waitForRequests(2, timeout: .seconds(10))
        #expect(arrived, "no delivery report; smsbox log: \(kannel.log("smsbox.log").suffix(1500))")
        let reports = receipts.requests.filter { $0.path == "/receipts/kannel" }
        #expect(!reports.isEmpty)
        #expect(reports.allSatisfy { $0.query?.contains("id=ff1-0123456789abcdef01234567") == true })
        #expect(reports.contains { $0.query?.contains("type=1") == true })
        await engine.shutdown()
    }
}
