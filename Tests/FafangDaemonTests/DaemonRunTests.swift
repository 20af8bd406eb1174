import FafangConfig
import FafangCore
import FafangAdmin
import FafangDaemon
import FafangStore
import FafangTestSupport
import Foundation
import Logging
import Testing

/// The daemon's parts wired as `fafang run` wires them, on a virtual clock, against loopback
/// sinks: a payment recorded → an SMS held for an approver, then, approved, through an HTTP SMS
/// gateway; a late project → alerts to the office and the villages; and not one full phone
/// number in any log line.
@Suite("Daemon, assembled", .serialized)
struct DaemonRunTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func paymentAndAlertsFlowToTheSinksWithoutLeakingPhones() async throws {
        let sink = try LoopbackServer { _ in .text("{\"code\":\"OK\"}") }
        defer { sink.stop() }
        var fixture = ConfigFixture()
        fixture.useTemplates(at: Self.repository.appendingPathComponent("Templates").path)
        fixture.sendEverything(to: sink.baseURL)
        let root = try fixture.write()
        defer { fixture.remove() }
        let load = Runtime.load(path: root)
        let runtime = try #require(load.runtime, "\(load.diagnostics)")
        let configuration = runtime.configuration

        let captured = CapturedLog()
        // 2021-06-20 10:00 Shanghai: TRANS01 (nothing paid) is 10 days from its June milestone.
        let start = CivilDate(iso: "2021-06-20")!.start(in: configuration.settings.timeZone).addingTimeInterval(10 * 3600)
        let daemon = try DaemonBuilder.build(runtime: runtime, options: Daemon.Options(configPath: root, clock: DaemonClock(start: start, rate: 1)),
                                             logger: captured.logger("fafang")).daemon
        let ledger = LedgerService(store: daemon.store, logger: captured.logger("fafang.ledger"))
        _ = try await ledger.record([LedgerEntry(projectCode: "RENT01", payeeID: "H1", amount: .yuan(2160), date: CivilDate(iso: "2021-03-19")!,
                                           bankReference: "BANK-1")], source: "test", configuration: configuration, now: start)

        try await runUntilQuiet(daemon)
        #expect(!sink.requests.contains { $0.path == "/sms" }, "the payment SMS waits for an approver")
        #expect(sink.requests.contains { $0.path == "/office" }, "the alerts do not")
        let batch = try #require(try await daemon.store.approvalBatches(states: [.open], limit: 10).first)
        let approver = OperatorAccount(name: "li", displayName: "李审核", role: .approver, passwordHash: nil)
        let decided = try await ApprovalService(store: daemon.store, logger: captured.logger("fafang.batches"))
            .decide(batch, .approve, by: approver, now: daemon.clock.now)
        #expect(decided.map(\.state) == .success(.approved))
        try await runUntilQuiet(daemon)

        let requests = sink.requests
        let sms = try #require(requests.first { $0.path == "/sms" })
        #expect(sms.query?.contains("to=17000000011") == true)
        #expect(sms.bodyText.contains("王一您好"))
        #expect(sms.bodyText.contains("2,160.00元"))
        #expect(requests.contains { $0.path == "/office" }, "\(captured.all.joined(separator: "\n"))")
        #expect(requests.contains { $0.path == "/robot" })
        // The SMS is sent (a receipt may follow); the robot and webhook answers are final.
        let counts = try await daemon.store.outboxCounts()
        #expect(counts[.sent] == 1)
        #expect((counts[.sent] ?? 0) + (counts[.delivered] ?? 0) == requests.count)

        // Not one full phone number anywhere in the log of the run.
        let lines = captured.all
        #expect(!lines.isEmpty)
        let leaking = lines.filter(Self.hasFullPhone)
        #expect(leaking.isEmpty, "\(leaking)")
        #expect(lines.contains { $0.contains("sent") && $0.contains("170****0011") })
        await daemon.engine.shutdown()
    }

    /// Whether a line holds a run of exactly 11 digits starting 13–19 (a mainland mobile).
    static func hasFullPhone(_ line: String) -> Bool {
        var run = ""
        for char in line + " " {
            if char.isASCII, char.isNumber { run.append(char); continue }
            if run.count == 11, run.hasPrefix("1"), let second = run.dropFirst().first, ("3"..."9").contains(second) { return true }
            run = ""
        }
        return false
    }

    /// Runs the scheduler once through the daemon's services, then the dispatcher until nothing is due.
    private func runUntilQuiet(_ daemon: Daemon) async throws {
        guard let scheduler = daemon.services.first(where: { $0 is SchedulerService }) as? SchedulerService else {
            Issue.record("no scheduler service")
            return
        }
        try await scheduler.tick()
        while try await daemon.dispatcher.runOnce() > 0 {}
    }
}
