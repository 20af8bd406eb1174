import FafangAdmin
import FafangConfig
import FafangCore
import FafangDaemon
import FafangTestSupport
import Foundation
import Logging
import Testing

/// Cloud SMS through the assembled daemon, as an office would run it: payments in the ledger, the
/// scheduler's events, the router's template parameters, the dispatcher's batch, libcurl, and a
/// loopback Aliyun that records what each number received; then Aliyun's status reports, matched
/// back to each message by BizId and phone.
@Suite("Daemon: cloud SMS end to end", .serialized)
struct CloudSMSDaemonTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func twoPaymentsGoAsOneSendBatchSmsAndReportsSettleEachNumber() async throws {
        let sink = try CloudSMSSink()
        defer { sink.stop() }
        var fixture = ConfigFixture()
        fixture.useTemplates(at: Self.repository.appendingPathComponent("Templates").path)
        fixture.files["aliyun-secret"] = "test-secret-not-real\n"
        fixture.replace("fafang.toml", "max_segments = 3", with: """
        max_segments = 3
        gateway = "aliyun"

        [gateways.aliyun]
        kind = "aliyun"
        endpoint = "\(sink.endpoint)"
        access_key_id = "LTAI-test"
        access_key_secret_file = "aliyun-secret"
        [gateways.aliyun.templates]
        payment_recorded = "SMS_460000001"
        [gateways.aliyun.parameters]
        payment_recorded = ["payee_name", "amount", "payment_date"]
        """)
        // About batching the vendor's requests, not approval: nothing is held.
        fixture.holdNothing()
        let root = try fixture.write()
        defer { fixture.remove() }
        let load = Runtime.load(path: root)
        let runtime = try #require(load.runtime, "\(load.diagnostics)")
        let start = CivilDate(iso: "2021-06-20")!.start(in: runtime.configuration.settings.timeZone).addingTimeInterval(10 * 3600)
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let daemon = try DaemonBuilder.build(runtime: runtime, options: Daemon.Options(configPath: root, clock: DaemonClock(start: start, rate: 1)),
                                             logger: quiet).daemon
        _ = try await LedgerService(store: daemon.store, logger: quiet).record([
            LedgerEntry(projectCode: "RENT01", payeeID: "H1", amount: .yuan(2160), date: CivilDate(iso: "2021-03-19")!, bankReference: "BANK-1"),
            LedgerEntry(projectCode: "RENT01", payeeID: "H2", amount: .yuan(3240), date: CivilDate(iso: "2021-03-19")!, bankReference: "BANK-2"),
        ], source: "test", configuration: runtime.configuration, now: start)

        let scheduler = try #require(daemon.services.first { $0 is SchedulerService } as? SchedulerService)
        try await scheduler.tick()
        while try await daemon.dispatcher.runOnce() > 0 {}
        await daemon.engine.shutdown()

        // One request for both households, each with its own parameters.
        let requests = sink.requests.filter { $0.action.hasPrefix("SendBatchSms") || $0.action.hasPrefix("SendSms") }
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.action == "SendBatchSms")
        #expect(request.templateCode == "SMS_460000001")
        #expect(Set(request.recipients.map(\.phone)) == ["17000000011", "17000000012"])
        let byPhone = Dictionary(uniqueKeysWithValues: request.recipients.map { ($0.phone, $0.parameters) })
        #expect(byPhone["17000000011"] == ["payee_name": "王一", "amount": "2,160.00", "payment_date": "2021年3月19日"])
        #expect(byPhone["17000000012"]?["amount"] == "3,240.00")

        // Both accepted under the batch's BizId; Aliyun's report for one number settles that one only.
        let bizID = try #require(request.recipients.first?.reference)
        let sms = try await daemon.store.deliveries(DeliveryFilter()).filter { $0.message.channel == .sms }.map(\.message)
        #expect(sms.count == 2 && sms.allSatisfy { $0.state == .sent && $0.gatewayReference == bizID })
        let recorder = ReceiptRecorder(store: daemon.store, metrics: AdminMetrics(), clock: daemon.clock)
        let report = ReceiptRecorder.Report(source: "aliyun", keys: ["", bizID], delivered: true, status: "delivered", detail: "DELIVERED",
                                            phone: "17000000012")
        let settled = try #require(try await recorder.record(report, logger: quiet))
        #expect(settled.message.recipient == "17000000012" && settled.message.state == .delivered)
        let after = try await daemon.store.deliveries(DeliveryFilter()).filter { $0.message.channel == .sms }
        #expect(after.first { $0.message.recipient == "17000000011" }?.message.state == .sent)
    }
}
