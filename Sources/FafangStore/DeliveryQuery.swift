import FafangCore
import Foundation
import GRDB

/// The outbox query of `Store.deliveries`, newest first: every condition of the filter, each
/// served by an index of its own (payee, village, project, phone tail, batch) so the console's
/// search stays fast on a million rows.
struct DeliveryQuery {
    /// States few messages are in, each with a partial index of its rows by id (migration v5).
    static let fewStates = StoredFields.fewStates

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
        var source = "outbox"
        if let state = filter.state {
            let alone = filter.payeeID == nil && filter.village == nil && filter.projectCode == nil && filter.phoneTail == nil
            if Self.fewStates.contains(state) {
                // The state's own partial index, newest first; written out (a bound value cannot
                // prove the index's condition), the state being one of the enum's own words.
                if alone { source = "outbox INDEXED BY outbox_\(state.rawValue)" }
                add("state = '\(state.rawValue)'")
            } else if state == .sent || state == .delivered {
                // Most rows end so: walking the ids down finds the newest at once, where the
                // state's range of `outbox_due` would sort them all (1.9 s for 935,000).
                add("+state = ?", [state.rawValue])
            } else {
                add("state = ?", [state.rawValue])
            }
        }
        if let since = filter.since { add("updated_at >= ?", [StoredDate(since)]) }
        if let until = filter.until { add("updated_at < ?", [StoredDate(until)]) }
        if let project = filter.projectCode { add("project_code = ?", [project]) }
        if let tail = filter.phoneTail {
            // Through the indexed `recipient_tail` (an SMS's last 4 digits); a longer tail is
            // then checked on the whole number, a shorter one on the stored 4.
            if tail.count >= StoredFields.tailLength {
                add("recipient_tail = ? AND substr(recipient, -?) = ?", [String(tail.suffix(StoredFields.tailLength)), tail.count, tail])
            } else if tail.isEmpty {
                add("recipient_tail IS NOT NULL")
            } else {
                add("substr(recipient_tail, -?) = ?", [tail.count, tail])
            }
        }
        if let before = filter.beforeID { add("id < ?", [before]) }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        sql = "SELECT \(OutboxRows.columns) FROM \(source)\(whereClause) ORDER BY id DESC LIMIT \(max(0, filter.limit))"
        self.arguments = arguments
    }
}
