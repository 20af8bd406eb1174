import FafangCore
import Foundation
import GRDB

/// The outbox query of `Store.deliveries`, newest first: every condition of the filter, each
/// served by an index of its own (payee, village, project, phone tail, batch) so the console's
/// search stays fast on a million rows.
struct DeliveryQuery {
    private(set) var sql: String
    private(set) var arguments: StatementArguments = []

    init(_ filter: DeliveryFilter) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        func add(_ condition: String, _ values: [(any DatabaseValueConvertible)?] = []) {
            conditions.append(condition)
            _ = arguments.append(contentsOf: StatementArguments(values))
        }
        if let payee = filter.payeeID { add("payee_id = ?", [payee]) }
        if let village = filter.village { add("village = ?", [village]) }
        if let state = filter.state { add("state = ?", [state.rawValue]) }
        if let since = filter.since { add("updated_at >= ?", [StoredDate(since)]) }
        if let until = filter.until { add("updated_at < ?", [StoredDate(until)]) }
        if let project = filter.projectCode { add("project_code = ?", [project]) }
        if let tail = filter.phoneTail {
            // Through the indexed `recipient_tail` (an SMS's last 4 digits); a longer tail is
            // then checked on the whole number, a shorter one on the stored 4.
            if tail.count >= OutboxRows.tailLength {
                add("recipient_tail = ? AND substr(recipient, -?) = ?", [String(tail.suffix(OutboxRows.tailLength)), tail.count, tail])
            } else if tail.isEmpty {
                add("recipient_tail IS NOT NULL")
            } else {
                add("substr(recipient_tail, -?) = ?", [tail.count, tail])
            }
        }
        if let before = filter.beforeID { add("id < ?", [before]) }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        sql = "SELECT \(OutboxRows.columns) FROM outbox\(whereClause) ORDER BY id DESC LIMIT \(max(0, filter.limit))"
        self.arguments = arguments
    }
}
