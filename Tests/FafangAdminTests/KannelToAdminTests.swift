import FafangCore
import FafangDelivery
import FafangTestSupport
import Foundation
import Testing

/// The whole SMS round trip with a real Kannel (bearerbox + smsbox + fakesmsc on 127.0.0.1):
/// Fafang's request, Kannel's delivery reports to the admin server's dlr-url (with the token),
/// and the outbox row settled by them. Runs where kannel and kannel-extras are installed, and
/// always in CI (which installs them): there a missing Kannel is a failure.
@Suite("Admin: real Kannel reports", .serialized,
       .enabled(if: KannelHarness.testsRun))
struct KannelToAdminTests {
    @Test("a message sent through Kannel is settled as delivered by Kannel's own reports")
    func kannelReportsSettleTheRow() async throws {
        #expect(KannelHarness.isInstalled, "install kannel and kannel-extras (make setup)")
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let key = "ff1-kannel-round-trip-0001"
        let id = try await rig.sentMessage(key: key)
        // Used from the test body only, one call at a time (the harness is not Sendable).
        nonisolated(unsafe) let kannel = try KannelHarness()
        defer { kannel.stop() }
        try await offThePool { try kannel.start() }
        let (sendsmsURL, username, password) = (kannel.sendsmsURL, kannel.username, kannel.password)
        try await AdminLiveServerTests().withLiveServer(rig) { base, engine in
            let gateway = KannelGateway(
                name: "kannel",
                settings: KannelSettings(url: sendsmsURL, username: username, password: .file("/unused"), from: "95555",
                                         receiptURL: base + "/receipts/kannel"),
                password: Secret(password), receiptToken: Secret(AdminTestRig.token),
                rules: SMSTextRules(signature: "测试乡财政所", maxSegments: 3))
            let phone = try #require(PhoneNumber(AdminTestRig.phone))
            let message = OutboundMessage(idempotencyKey: key, recipient: .phone(phone), text: "王一户：租地费2,160.00元已发放。")
            let outcome = await engine.send(try gateway.request(for: message, now: AdminTestRig.now))
            #expect(gateway.interpret(outcome, for: message, now: AdminTestRig.now) == .delivered(reference: nil))
            // The fake SMSC reports "accepted by SMSC" (8), then "delivered" (1), about 0.1 s later.
            let deadline = ContinuousClock.now + .seconds(10)
            while try await rig.state(id) != .delivered, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(try await offThePool { try kannel.message(to: AdminTestRig.phone) }.text == "【测试乡财政所】王一户：租地费2,160.00元已发放。")
        #expect(try await rig.state(id) == .delivered, "smsbox log: \(kannel.log("smsbox.log").suffix(1500))")
        let receipts = try await rig.receipts(id)
        // The two reports may arrive in either order; a late "accepted" leaves the row delivered.
        #expect(receipts.contains("delivered"))
        #expect(Set(receipts).isSubset(of: ["accepted", "delivered"]), "\(receipts)")
        rig.expectCleanLogs()
        #expect(!rig.log.text.contains(kannel.password))
    }
}
