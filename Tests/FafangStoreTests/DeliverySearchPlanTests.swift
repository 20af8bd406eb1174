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
        ("dead", DeliveryFilter(state: .dead), "outbox_dead"),
        ("held", DeliveryFilter(state: .held), "outbox_held"),
        ("rejected", DeliveryFilter(state: .rejected), "outbox_rejected"),
        ("failed, next page", DeliveryFilter(state: .failed, beforeID: 900), "outbox_failed"),
    ]

    /// Most messages end delivered: those are found walking the ids down, not by sorting the
    /// state's whole range of `outbox_due`.
    @Test(arguments: [MessageState.delivered, .sent])
    func aCommonStateIsFoundNewestFirstWithoutSorting(_ state: MessageState) throws {
        let query = DeliveryQuery(DeliveryFilter(state: state))
        let plan = try Self.plan(try SQLiteStore.inMemory(), query.sql, query.arguments)
        #expect(!plan.contains("TEMP B-TREE") && !plan.contains("outbox_due"), "\(plan)")
    }

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
