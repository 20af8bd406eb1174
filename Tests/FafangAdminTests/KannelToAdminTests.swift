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
        let sendsms = (url: kannel.sendsmsURL, username: kannel.username, password: kannel.password)
        try await AdminLiveServerTests().withLiveServer(rig) { base, engine in
            try await Self.send(key, through: sendsms, receiptsTo: base, engine: engine)
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

    @Test("a delivery report refused with 503 while the store is full is sent again by smsbox (http-request-retry) and settles the row once space is freed")
    func kannelRetriesAReportRefusedForLackOfSpace() async throws {
        #expect(KannelHarness.isInstalled, "install kannel and kannel-extras (make setup)")
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let key = "ff1-kannel-full-0001"
        let filler = "ff1-kannel-filler-0001"
        let id = try await rig.sentMessage(key: key)
        try await rig.sentMessage(key: filler)
        nonisolated(unsafe) let kannel = try KannelHarness()
        defer { kannel.stop() }
        // As Config/kannel/fafang-smsbox.conf, with a shorter delay.
        try await offThePool { try kannel.start(retries: (count: 10, delaySeconds: 1)) }
        let sendsms = (url: kannel.sendsmsURL, username: kannel.username, password: kannel.password)
        let refusal = "request not recorded: the database has no space left"
        try await AdminLiveServerTests().withLiveServer(rig) { base, engine in
            // The database may not grow; the receipts' last page is filled with reports for another
            // message until one is refused, so the next report needs a page it cannot have.
            try await rig.database.execute(sql: "PRAGMA max_page_count = 1")
            var refused: HTTPResponse?
            for _ in 0..<20_000 {
                let answer = try await AdminLiveServerTests().send(
                    engine, .get, base + "/receipts/kannel?id=\(filler)&type=8&token=\(AdminTestRig.token)")
                if answer.status != 200 {
                    refused = answer
                    break
                }
            }
            let first = try #require(refused, "no report met the full store")
            #expect(first.status == 503 && first.headers.contains { $0.name.lowercased() == "retry-after" }, "\(first.status) \(first.headers)")
            let refusedBefore = rig.log.all.filter { $0.contains(refusal) }.count

            try await Self.send(key, through: sendsms, receiptsTo: base, engine: engine)
            // Kannel's reports ("accepted", "delivered") meet the full store and are refused.
            try await InquiryTests.eventually("Kannel's reports to be refused") {
                rig.log.all.filter { $0.contains(refusal) }.count >= refusedBefore + 2
            }
            #expect(try await rig.state(id) == .sent)
            #expect(try await rig.receipts(id).isEmpty)

            // Space freed: smsbox calls the dlr-url again, one delay later, and the reports are recorded.
            try await rig.database.execute(sql: "PRAGMA max_page_count = 1073741823")
            try await InquiryTests.eventually("the row to be settled by Kannel's retried report") {
                try await rig.state(id) == .delivered
            }
        }
        #expect(try await rig.state(id) == .delivered, "smsbox log: \(kannel.log("smsbox.log").suffix(1500))")
        #expect(try await rig.receipts(id).contains("delivered"))
        rig.expectCleanLogs()
    }

    /// Sends one payment SMS for `key` through Kannel's sendsms, its dlr-url the admin server at
    /// `base`, and expects Kannel to take it.
    static func send(_ key: String, through sendsms: (url: String, username: String, password: String), receiptsTo base: String,
                     engine: CurlEngine) async throws {
        let gateway = KannelGateway(
            name: "kannel",
            settings: KannelSettings(url: sendsms.url, username: sendsms.username, password: .file("/unused"), from: "95555",
                                     receiptURL: base + "/receipts/kannel"),
            password: Secret(sendsms.password), receiptToken: Secret(AdminTestRig.token),
            rules: SMSTextRules(signature: "测试乡财政所", maxSegments: 3))
        let phone = try #require(PhoneNumber(AdminTestRig.phone))
        let message = OutboundMessage(idempotencyKey: key, recipient: .phone(phone), text: "王一户：租地费2,160.00元已发放。")
        let outcome = await engine.send(try gateway.request(for: message, now: AdminTestRig.now))
        #expect(gateway.interpret(outcome, for: message, now: AdminTestRig.now) == .delivered(reference: nil))
    }
}
