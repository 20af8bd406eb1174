import FafangCore
@testable import FafangStore
import Foundation
import Testing

@Suite("Store: ledger and outbox")
struct StoreTests {
    let t0 = Date(timeIntervalSince1970: 1_609_459_200)  // 2021-01-01T00:00Z

    func entry(_ ref: String, _ amount: Int64, payee: String = "H1", date: String = "2021-02-01") -> LedgerEntry {
        LedgerEntry(projectCode: "P1", payeeID: payee, amount: .yuan(amount), date: CivilDate(iso: date)!, bankReference: ref)
    }

    func item(_ key: String, event: String = "E1", recipient: String = "17000000001", notBefore: Date? = nil) -> OutboxItem {
        OutboxItem(idempotencyKey: key, eventKey: event, kind: .paymentRecorded, projectCode: "P1", channel: .sms,
                   gateway: "kannel", recipient: recipient, village: "甲村", payeeID: "H1", text: "您好", title: nil,
                   notBefore: notBefore ?? t0)
    }

    func event(_ key: String = "E1") -> DueEvent {
        DueEvent(key: key, kind: .paymentRecorded, projectCode: "P1", audiences: [.payee("H1")], facts: .init())
    }

    @Test func ledgerIsIdempotentOnBankReference() throws {
        let db = try AppDatabase.inMemory()
        let first = try db.recordLedger([entry("B1", 100), entry("B2", 50)], source: "cli", now: t0) { _, _ in nil }
        #expect(first.inserted.count == 2)
        let again = try db.recordLedger([entry("B1", 100)], source: "cli", now: t0) { _, _ in nil }
        #expect(again.inserted.isEmpty)
        #expect(again.duplicates == 1)
        #expect(try db.ledger().map(\.bankReference) == ["B1", "B2"])
    }

    @Test func aConflictingOrOverpaidEntryRejectsTheWholeBatch() throws {
        let db = try AppDatabase.inMemory()
        _ = try db.recordLedger([entry("B1", 100)], source: "cli", now: t0) { _, _ in nil }
        let owed = Money.yuan(150)
        let check: @Sendable (LedgerEntry, Money) -> String? = { entry, before in
            before + entry.amount > owed ? "overpays \(entry.payeeID)" : nil
        }
        #expect(throws: LedgerRejection.self) {
            try db.recordLedger([entry("B2", 10), entry("B1", 99), entry("B3", 60)], source: "cli", now: t0, check: check)
        }
        do {
            _ = try db.recordLedger([entry("B2", 10), entry("B1", 99), entry("B3", 60)], source: "cli", now: t0, check: check)
        } catch let rejection as LedgerRejection {
            // B1 conflicts with what was recorded; B3 would bring H1 to 170 > 150 (100 + 10 + 60).
            #expect(rejection.problems.map(\.index) == [1, 2])
            #expect(rejection.problems[1].message == "overpays H1")
        }
        // Nothing of the rejected batch was recorded.
        #expect(try db.ledger().map(\.bankReference) == ["B1"])
    }

    @Test func enqueueIsAtomicAndIdempotent() throws {
        let db = try AppDatabase.inMemory()
        #expect(try db.enqueue(events: [event()], items: [item("K1"), item("K2", recipient: "17000000002")], now: t0) == 2)
        #expect(try db.enqueue(events: [event()], items: [item("K1")], now: t0) == 0)
        #expect(try db.emittedKeys() == ["E1"])
        #expect(try db.outboxCounts() == [.pending: 2])
    }

    @Test func claimLeasesDueRowsAndExpiredLeasesComeBack() throws {
        let db = try AppDatabase.inMemory()
        try db.enqueue(events: [event()], items: [item("K1"), item("K2", notBefore: t0.addingTimeInterval(3600))], now: t0)
        let claimed = try db.claim(limit: 10, owner: "a", now: t0, lease: 60)
        #expect(claimed.map(\.idempotencyKey) == ["K1"])
        #expect(try db.claim(limit: 10, owner: "b", now: t0.addingTimeInterval(30), lease: 60).isEmpty)
        // Owner "a" crashed: after its lease expires, "b" gets the row, with the same key.
        let retaken = try db.claim(limit: 10, owner: "b", now: t0.addingTimeInterval(61), lease: 60)
        #expect(retaken.map(\.idempotencyKey) == ["K1"])
        // "a" comes back late: its result is refused.
        let id = try #require(claimed.first?.id)
        #expect(try db.finish(id: id, owner: "a", attempt: nil, result: .sent(reference: nil), now: t0.addingTimeInterval(62)) == false)
        #expect(try db.finish(id: id, owner: "b", attempt: AttemptRecord(outboxID: id, number: 0, startedAt: t0, durationMilliseconds: 5,
                                                                          httpStatus: 202, curlCode: 0, verdict: "delivered", detail: "0: Accepted"),
                              result: .sent(reference: "R1"), now: t0.addingTimeInterval(62)))
        let row = try #require(try db.outbox(id: id))
        #expect(row.outboxState == .sent)
        #expect(row.attempts == 1)
        #expect(try db.attempts(outboxID: id).map(\.number) == [1])
    }

    @Test func retriesAndReceipts() throws {
        let db = try AppDatabase.inMemory()
        try db.enqueue(events: [event()], items: [item("K1")], now: t0)
        let id = try #require(try db.claim(limit: 1, owner: "a", now: t0, lease: 60).first?.id)
        try db.finish(id: id, owner: "a", attempt: AttemptRecord(outboxID: id, number: 0, startedAt: t0, durationMilliseconds: 1, httpStatus: 503,
                                                                 curlCode: 0, verdict: "retry", detail: "503"),
                      result: .retry(at: t0.addingTimeInterval(5), error: "503"), now: t0)
        #expect(try db.claim(limit: 1, owner: "a", now: t0.addingTimeInterval(4), lease: 60).isEmpty)
        #expect(try db.claim(limit: 1, owner: "a", now: t0.addingTimeInterval(5), lease: 60).count == 1)
        try db.finish(id: id, owner: "a", attempt: nil, result: .sent(reference: "R9"), now: t0)
        #expect(try db.recordReceipt(matching: "nope", delivered: true, status: "delivered", detail: "", now: t0) == nil)
        try db.recordReceipt(matching: "K1", delivered: false, status: "accepted", detail: "type 8", now: t0)
        #expect(try db.outbox(id: id)?.outboxState == .sent)
        try db.recordReceipt(matching: "R9", delivered: true, status: "delivered", detail: "type 1", now: t0)
        #expect(try db.outbox(id: id)?.outboxState == .delivered)
        #expect(try db.receipts(outboxID: id).map(\.status) == ["accepted", "delivered"])
    }

    @Test func fileDatabaseUsesWAL() throws {
        let directory = NSTemporaryDirectory() + "fafang-store-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let db = try AppDatabase.open(directory: directory)
        let mode = try db.writer.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }
}

@Suite("Store: a receipt that overtakes the sender")
struct ReceiptRaceTests {
    @Test func theAttemptIsRecordedAndTheReportStands() throws {
        let t0 = Date(timeIntervalSince1970: 1_609_459_200)
        let db = try AppDatabase.inMemory()
        let item = OutboxItem(idempotencyKey: "K1", eventKey: "E1", kind: .paymentRecorded, projectCode: "P1", channel: .sms,
                              gateway: "kannel", recipient: "17000000001", village: nil, payeeID: "H1", text: "您好", title: nil, notBefore: t0)
        try db.enqueue(events: [DueEvent(key: "E1", kind: .paymentRecorded, projectCode: "P1", audiences: [], facts: .init())], items: [item], now: t0)
        let id = try #require(try db.claim(limit: 1, owner: "a", now: t0, lease: 60).first?.id)
        // The delivery report arrives while the sender still holds the lease.
        try db.recordReceipt(matching: "K1", delivered: true, status: "delivered", detail: "type 1", now: t0)
        let attempt = AttemptRecord(outboxID: id, number: 0, startedAt: t0, durationMilliseconds: 3, httpStatus: 202, curlCode: 0,
                                    verdict: "delivered", detail: "0: Accepted")
        #expect(try db.finish(id: id, owner: "a", attempt: attempt, result: .sent(reference: nil), now: t0))
        let row = try #require(try db.outbox(id: id))
        #expect(row.outboxState == .delivered)
        #expect(row.leaseOwner == nil)
        #expect(try db.attempts(outboxID: id).count == 1)
    }
}
