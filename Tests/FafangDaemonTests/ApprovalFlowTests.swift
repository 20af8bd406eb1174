import FafangConfig
import FafangCore
import FafangDaemon
import FafangDelivery
import FafangStore
import FafangTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Maker-checker through the daemon's parts: a payment's SMS is routed held into its project's
/// batch of the day, with what it costs and who recorded it; `ApprovalService` (the CLI's and the
/// console's) lets only another approver decide, audits the decision, and masks a reason; the
/// scheduler's tick wakes the dispatcher once another process approved.
@Suite("Approval: routing, decisions, audit")
struct ApprovalFlowTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let approver = OperatorAccount(name: "li", displayName: "李审核", role: .approver, passwordHash: nil)
    static let clerk = OperatorAccount(name: "zhang", displayName: "张会计", role: .clerk, passwordHash: nil)

    struct Rig {
        let fixture: ConfigFixture
        let runtime: LiveConfiguration<Runtime>
        let store: SQLiteStore
        let clock: DaemonClock
        let enqueued = WakeSignal()

        init(holdNothing: Bool = false) throws {
            var fixture = ConfigFixture()
            fixture.useTemplates(at: ApprovalFlowTests.repository.appendingPathComponent("Templates").path)
            fixture.addSMSGateway(url: "http://127.0.0.1:9/sms")
            if holdNothing { fixture.holdNothing() }
            self.fixture = fixture
            let load = Runtime.load(path: try fixture.write())
            let runtime = try #require(load.runtime, "\(load.diagnostics)")
            self.runtime = LiveConfiguration(runtime)
            store = try SQLiteStore.inMemory()
            // 2021-06-20 23:30 in Shanghai (15:30 UTC): the batch's day is Shanghai's, not UTC's.
            let start = CivilDate(iso: "2021-06-20")!.start(in: runtime.configuration.settings.timeZone).addingTimeInterval(23.5 * 3600)
            clock = DaemonClock(start: start, rate: 1e-6)
        }

        var configuration: Configuration { runtime.current.configuration }

        func scheduler() -> SchedulerService {
            SchedulerService(store: store, runtime: runtime, clock: clock, tickSeconds: 60,
                             route: { EventRouter(templates: $1.templates, logger: ApprovalFlowTests.quiet).route($0, configuration: $1.configuration, ledger: $2, now: $3) },
                             logger: ApprovalFlowTests.quiet, enqueued: enqueued)
        }

        func pay(_ payee: String, _ yuan: Int64, ref: String, by name: String?) async throws {
            let entry = LedgerEntry(projectCode: "RENT01", payeeID: payee, amount: .yuan(yuan), date: CivilDate(iso: "2021-06-19")!,
                                    bankReference: ref, recordedBy: name)
            _ = try await LedgerService(store: store, logger: ApprovalFlowTests.quiet).record([entry], source: "test", configuration: configuration,
                                                                                          now: clock.now)
        }

        func openBatch() async throws -> ApprovalBatch {
            try #require(try await store.approvalBatches(states: [.open], limit: 10).first)
        }

        /// H1 paid 1,000 by `name`, one tick: the batch of its SMS.
        func onePayment(by name: String) async throws -> ApprovalBatch {
            try await pay("H1", 1000, ref: "B1", by: name)
            _ = try await scheduler().tick()
            return try await openBatch()
        }

        /// H1 paid by zhang, H2 by a machine source, one tick: their batch.
        func twoPayments() async throws -> ApprovalBatch {
            try await pay("H1", 1000, ref: "B1", by: "zhang")
            try await pay("H2", 500, ref: "B2", by: nil)
            _ = try await scheduler().tick()
            return try await openBatch()
        }
    }

    @Test func paymentSMSAreHeldInTheirProjectsBatchOfTheDay() async throws {
        let rig = try Rig()
        defer { rig.fixture.remove() }
        let batch = try await rig.twoPayments()
        #expect(batch.projectCode == "RENT01" && batch.day == CivilDate(iso: "2021-06-20"), "Shanghai's day: \(batch.day)")
        #expect(batch.messageCount == 2 && batch.totalAmount == .yuan(1500) && batch.recordedBy == ["zhang"])
        let messages = try await rig.store.batchMessages(id: batch.id, limit: 10)
        #expect(messages.allSatisfy { $0.state == .held && $0.channel == .sms })
        let signature = rig.configuration.settings.sms.signature
        let counted = messages.map { SMSText(signature: signature, body: $0.item.text).segments }
        #expect(messages.map(\.item.segments) == counted && batch.segments == counted.reduce(0, +), "segments as the template checker counts them")
        #expect(counted.allSatisfy { $0 >= 2 }, "a signed Chinese payment notice takes more than one segment: \(counted)")
        #expect(messages.map(\.item.amount) == [.yuan(1000), .yuan(500)] && messages.map(\.item.recordedBy) == ["zhang", nil])
        let claimed = try await rig.store.claim(limit: 100, owner: "a", now: rig.clock.now.addingTimeInterval(86_400), lease: 60)
        #expect(!claimed.isEmpty && claimed.allSatisfy { $0.channel == .webhook }, "the alerts go, the SMS wait")
    }

    @Test func withNothingHeldPaymentSMSArePending() async throws {
        let rig = try Rig(holdNothing: true)
        defer { rig.fixture.remove() }
        try await rig.pay("H1", 1000, ref: "B1", by: "zhang")
        _ = try await rig.scheduler().tick()
        let sms = try await rig.store.deliveries(DeliveryFilter()).map(\.message).filter { $0.channel == .sms }
        #expect(sms.map(\.state) == [.pending] && sms.first?.batchID == nil)
        #expect(try await rig.store.approvalBatches(states: nil, limit: 10).isEmpty)
    }

    @Test func onlyAnotherApproverDecides() async throws {
        let rig = try Rig()
        defer { rig.fixture.remove() }
        let shown = try await rig.onePayment(by: "li")
        let service = ApprovalService(store: rig.store, logger: Self.quiet)
        #expect(try await service.decide(shown, .approve, by: Self.clerk, now: rig.clock.now) == .failure(.notApprover))
        #expect(try await service.decide(shown, .approve, by: Self.approver, now: rig.clock.now) == .failure(.recordedByDecider))
        #expect(try await rig.store.approvalBatch(id: shown.id)?.state == .open)
        #expect(try await rig.store.auditLog(limit: 10, before: nil).isEmpty, "nothing decided, nothing audited")
    }

    @Test func approvingReleasesAuditsAndWakesTheDispatcherAtTheNextTick() async throws {
        let rig = try Rig()
        defer { rig.fixture.remove() }
        try await rig.pay("H1", 1000, ref: "B1", by: "zhang")
        let scheduler = rig.scheduler()
        _ = try await scheduler.tick()
        #expect(rig.enqueued.isPending, "the enqueue's own signal")
        if rig.enqueued.isPending { await rig.enqueued.wait() }
        // The project's alerts are on their way (leased to a sender): only the held SMS remain.
        _ = try await rig.store.claim(limit: 100, owner: "sender", now: rig.clock.now, lease: 86_400)
        _ = try await scheduler.tick()
        #expect(!rig.enqueued.isPending, "nothing due: the dispatcher sleeps on")
        let shown = try await rig.openBatch()
        let released = Counter()
        let service = ApprovalService(store: rig.store, logger: Self.quiet, released: { released.add() })
        let result = try await service.decide(shown, .approve, by: Self.approver, now: rig.clock.now)
        guard case let .success(batch) = result else { Issue.record("refused: \(result)"); return }
        #expect(batch.state == .approved && batch.decidedBy == "li" && released.value == 1)
        #expect(try await rig.store.batchMessages(id: batch.id, limit: 10).map(\.state) == [.pending])
        let audit = try #require(try await rig.store.auditLog(limit: 10, before: nil).first)
        #expect(audit.actor == "li" && audit.action == "batch_approve" && audit.subject == "batch \(batch.id)")
        #expect(audit.detail.contains("1 messages") && audit.detail.contains("1,000.00 元") && audit.detail.contains("project RENT01"), "\(audit.detail)")
        // As if approved by another process: the running scheduler's next tick wakes the dispatcher.
        _ = try await scheduler.tick()
        #expect(rig.enqueued.isPending)
    }

    @Test("a decision and its audit entry are one transaction: when the entry cannot be written, the batch stays open and nothing is released")
    func aDecisionIsNeverTakenWithoutItsAuditEntry() async throws {
        let rig = try Rig()
        defer { rig.fixture.remove() }
        let shown = try await rig.onePayment(by: "zhang")
        // The audit log refuses every row (as a full disk refuses the page it needs).
        try await rig.store.execute(sql: "CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END")
        let released = Counter()
        let service = ApprovalService(store: rig.store, logger: Self.quiet, released: { released.add() })
        await #expect(throws: (any Error).self) { try await service.decide(shown, .approve, by: Self.approver, now: rig.clock.now) }
        #expect(try await rig.store.approvalBatch(id: shown.id)?.state == .open)
        #expect(try await rig.store.batchMessages(id: shown.id, limit: 10).map(\.state) == [.held])
        #expect(released.value == 0)
        try await rig.store.execute(sql: "DROP TRIGGER refuse_audit")
        guard case .success = try await service.decide(shown, .approve, by: Self.approver, now: rig.clock.now) else {
            Issue.record("the same decision was refused once the audit log took rows again")
            return
        }
        #expect(try await rig.store.auditLog(limit: 10, before: nil).map(\.action) == ["batch_approve"])
    }

    @Test("an operator's import and its audit entry are one transaction: when the entry cannot be written, no payment is recorded")
    func anImportIsNeverRecordedWithoutItsAuditEntry() async throws {
        let rig = try Rig()
        defer { rig.fixture.remove() }
        let file = rig.fixture.path("bank.csv")
        try "bank_reference,project_code,payee_id,amount_yuan,date\nB9,RENT01,H1,1000.00,2021-06-19\n".write(toFile: file, atomically: true, encoding: .utf8)
        let service = LedgerService(store: rig.store, logger: Self.quiet)
        try await rig.store.execute(sql: "CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END")
        let refused = await service.importFile(file, configuration: rig.configuration, now: rig.clock.now, recordedBy: "zhang")
        guard case let .rejected(problems) = refused, problems.first?.message.contains("audit refused") == true else {
            Issue.record("recorded without its audit entry, or refused for another reason: \(refused)")
            return
        }
        #expect(try await rig.store.ledger().isEmpty)
        try await rig.store.execute(sql: "DROP TRIGGER refuse_audit")
        guard case let .recorded(result, _) = await service.importFile(file, configuration: rig.configuration, now: rig.clock.now, recordedBy: "zhang") else {
            Issue.record("not recorded once the audit log took rows again")
            return
        }
        #expect(result.inserted.map(\.bankReference) == ["B9"])
        let audit = try await rig.store.auditLog(limit: 10, before: nil)
        #expect(audit.map(\.action) == ["ledger_record"] && audit.first?.detail.contains("recorded 1 payments, 1,000.00 元") == true, "\(audit)")
    }

    @Test func aRejectionIsKeptWithItsReasonMasked() async throws {
        let rig = try Rig()
        defer { rig.fixture.remove() }
        let shown = try await rig.onePayment(by: "zhang")
        let reason = "金额与合同不符，请联系 17000000099"
        let result = try await ApprovalService(store: rig.store, logger: Self.quiet).decide(shown, .reject(reason: reason), by: Self.approver,
                                                                                            now: rig.clock.now)
        guard case let .success(batch) = result else { Issue.record("refused: \(result)"); return }
        #expect(batch.reason == "金额与合同不符，请联系 170****0099")
        let message = try #require(try await rig.store.batchMessages(id: batch.id, limit: 1).first)
        #expect(message.state == .rejected && message.lastError == batch.reason)
        let audit = try #require(try await rig.store.auditLog(limit: 1, before: nil).first)
        #expect(audit.action == "batch_reject" && audit.detail.hasSuffix("reason: \(batch.reason ?? "")") && !audit.detail.contains("17000000099"))
    }

    @Test func aBatchThatGrewAfterItWasShownIsRefused() async throws {
        let rig = try Rig()
        defer { rig.fixture.remove() }
        let scheduler = rig.scheduler()
        try await rig.pay("H1", 1000, ref: "B1", by: "zhang")
        _ = try await scheduler.tick()
        let shown = try await rig.openBatch()
        try await rig.pay("H2", 500, ref: "B2", by: "zhang")
        _ = try await scheduler.tick()
        let result = try await ApprovalService(store: rig.store, logger: Self.quiet).decide(shown, .approve, by: Self.approver, now: rig.clock.now)
        #expect(result == .failure(.changed(seen: 1, now: 2)))
        #expect(try await rig.store.outboxCounts()[.held] == 2)
        #expect(try await rig.store.auditLog(limit: 1, before: nil).isEmpty)
    }

    @Test func theSummaryShowsCostRecordersAndMaskedTexts() async throws {
        let rig = try Rig()
        defer { rig.fixture.remove() }
        let batch = try await rig.twoPayments()
        var samples = try await rig.store.batchMessages(id: batch.id, limit: 1)
        samples[0].item.text += "（回电 17000000011）"
        let lines = BatchSummary.lines(batch, projectName: "租地费（甲村）", samples: samples, zone: rig.configuration.settings.timeZone)
        let text = lines.joined(separator: "\n")
        #expect(text.contains("messages: 2") && text.contains("total: 1,500.00 元") && text.contains("SMS segments: \(batch.segments)"))
        #expect(text.contains("recorded by: zhang") && text.contains("sample (1 of 2)") && text.contains("170****0011"))
        #expect(text.contains("(\(samples[0].item.segments) segments, held)"), "\(text)")
        #expect(!DaemonRunTests.hasFullPhone(text), "\(text)")
        #expect(BatchSummary.line(batch).contains("2 messages  1,500.00 元"))
    }

    @Test func operatorsMustBeKnownAndMayNeedARole() throws {
        let fixture = ConfigFixture()
        defer { fixture.remove() }
        var configuration = try #require(ConfigLoader.load(path: try fixture.write()).configuration)
        configuration.operators = [Self.clerk, OperatorAccount(name: "wang", displayName: "王", role: .viewer, passwordHash: nil)]
        #expect(OperatorCheck.account("zhang", in: configuration, atLeast: .clerk) == .success(Self.clerk))
        #expect(OperatorCheck.account("nobody", in: configuration, atLeast: .viewer) == .failure(.unknown("nobody")))
        #expect(OperatorCheck.account("wang", in: configuration, atLeast: .clerk) == .failure(.role(name: "wang", has: .viewer, needs: .clerk)))
    }
}

/// Counts calls (a hook's), guarded by a Mutex.
final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
