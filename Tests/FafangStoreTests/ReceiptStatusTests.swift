import FafangCore
import FafangStore
import Foundation
import Testing

/// Delivery reports against the outbox: final reports settle a `sent` row once, intermediate
/// ones (Kannel's accepted / queued by the SMSC) are recorded and change nothing.
@Suite("Store: receipt statuses")
struct ReceiptStatusTests {
    let t0 = Date(timeIntervalSince1970: 1_609_459_200)

    /// A database with one row `K1`, sent with gateway reference `R1`.
    func sentRow() throws -> (AppDatabase, Int64) {
        let db = try AppDatabase.inMemory()
        let event = DueEvent(key: "E1", kind: .paymentRecorded, projectCode: "P1", audiences: [.payee("H1")], facts: .init())
        let item = OutboxItem(idempotencyKey: "K1", eventKey: "E1", kind: .paymentRecorded, projectCode: "P1", channel: .sms,
                              gateway: "kannel", recipient: "17000000001", village: nil, payeeID: "H1", text: "您好", title: nil,
                              notBefore: t0)
        try db.enqueue(events: [event], items: [item], now: t0)
        let id = try #require(try db.claim(limit: 1, owner: "a", now: t0, lease: 60).first?.id)
        try db.finish(id: id, owner: "a", attempt: nil, result: .sent(reference: "R1"), now: t0)
        return (db, id)
    }

    @Test("intermediate statuses keep the row sent", arguments: ["accepted", "queued", "enroute"])
    func intermediate(status: String) throws {
        let (db, id) = try sentRow()
        let outcome = try #require(try db.applyReceipt(matching: "K1", delivered: false, status: status, detail: "type 4", now: t0))
        #expect(outcome.previousState == "sent")
        #expect(!outcome.changedState)
        #expect(try db.outbox(id: id)?.outboxState == .sent)
        #expect(try db.receipts(outboxID: id).map(\.status) == [status])
    }

    @Test("a final failure settles the row once; later reports are recorded but change nothing")
    func finalReportsSettleOnce() throws {
        let (db, id) = try sentRow()
        let failed = try #require(try db.applyReceipt(matching: "R1", delivered: false, status: "undelivered", detail: "type 2", now: t0))
        #expect(failed.changedState)
        #expect(failed.row.outboxState == .failed)
        let late = try #require(try db.applyReceipt(matching: "K1", delivered: true, status: "delivered", detail: "type 1", now: t0))
        #expect(!late.changedState)
        #expect(late.previousState == "failed")
        #expect(try db.outbox(id: id)?.outboxState == .failed)
        #expect(try db.receipts(outboxID: id).map(\.status) == ["undelivered", "delivered"])
    }

    @Test func unknownAndEmptyKeysMatchNothing() throws {
        let (db, id) = try sentRow()
        #expect(try db.applyReceipt(matching: "", delivered: true, status: "delivered", detail: "", now: t0) == nil)
        #expect(try db.applyReceipt(matching: "K2", delivered: true, status: "delivered", detail: "", now: t0) == nil)
        #expect(try db.receipts(outboxID: id).isEmpty)
        #expect(AppDatabase.intermediateReceiptStatuses.isSuperset(of: ["accepted", "queued"]))
    }
}
