import FafangCore
@testable import FafangStore
import Foundation
import GRDB
import Testing

/// The console's delivery searches and a batch's messages go through an index, never a scan of
/// the whole outbox (a county's holds a million rows).
@Suite("Store: delivery search plans")
struct DeliverySearchPlanTests {
    static let searches: [(String, DeliveryFilter, String)] = [
        ("payee", DeliveryFilter(payeeID: "H1"), "outbox_payee"),
        ("village", DeliveryFilter(village: "甲村"), "outbox_village"),
        ("project", DeliveryFilter(projectCode: "P1"), "outbox_project"),
        ("phone tail", DeliveryFilter(phoneTail: "5678"), "outbox_recipient_tail"),
        ("longer phone tail", DeliveryFilter(phoneTail: "05678"), "outbox_recipient_tail"),
    ]

    static func plan(_ store: SQLiteStore, _ sql: String, _ arguments: StatementArguments) throws -> String {
        try store.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }.joined(separator: "; ")
        }
    }

    @Test("a search uses its index", arguments: searches.indices)
    func searchUsesIndex(_ index: Int) throws {
        let (name, filter, expected) = Self.searches[index]
        let query = DeliveryQuery(filter)
        let plan = try Self.plan(try SQLiteStore.inMemory(), query.sql, query.arguments)
        #expect(plan.contains("USING INDEX \(expected)"), "\(name): \(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(name): newest first without sorting the matches: \(plan)")
    }

    @Test func batchMessagesUseTheBatchIndex() throws {
        let plan = try Self.plan(try SQLiteStore.inMemory(), "SELECT \(OutboxRows.columns) FROM outbox WHERE batch_id = ? ORDER BY id LIMIT ?", [1, 10])
        #expect(plan.contains("USING INDEX outbox_batch") && !plan.contains("TEMP B-TREE"), "\(plan)")
    }
}
