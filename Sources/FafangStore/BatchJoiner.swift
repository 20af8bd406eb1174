import FafangCore
import Foundation
import GRDB

/// Held messages joining their approval batches inside one `enqueue` transaction: the open batch
/// of each (project, day) found or opened once, what joined it tallied, and the batch rows
/// brought up to date once at the end rather than once per message.
struct BatchJoiner {
    struct Tally {
        var count = 0
        var amountFen: Int64 = 0
        var segments = 0
        var recorders: Set<String> = []
    }

    let db: Database
    let now: StoredDate
    private var open: [ApprovalHold: Int64] = [:]
    private var opened: Set<Int64> = []
    private var tallies: [Int64: Tally] = [:]

    init(_ db: Database, now: StoredDate) {
        self.db = db
        self.now = now
    }

    /// The id of the open batch of `hold`, opened if there is none.
    mutating func batch(for hold: ApprovalHold) throws -> Int64 {
        if let id = open[hold] { return id }
        let day = hold.day.description
        let id: Int64
        if let found = try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT id FROM approval_batch WHERE project_code = ? AND day = ? AND state = 'open'
            """), arguments: [hold.projectCode, day]) {
            id = found
        } else {
            try db.cachedStatement(sql: "INSERT INTO approval_batch (project_code, day, state, created_at) VALUES (?, ?, 'open', ?)")
                .execute(arguments: [hold.projectCode, day, now])
            id = db.lastInsertedRowID
            opened.insert(id)
        }
        open[hold] = id
        return id
    }

    /// Counts a message that was inserted into batch `id`.
    mutating func joined(_ id: Int64, _ item: OutboxItem) {
        tallies[id, default: Tally()].count += 1
        tallies[id, default: Tally()].amountFen += item.amount?.fen ?? 0
        tallies[id, default: Tally()].segments += item.segments
        if let name = item.recordedBy { tallies[id, default: Tally()].recorders.insert(name) }
    }

    /// Writes the tallies; a batch opened for messages that were all there already is removed.
    func finish() throws {
        let update = try db.cachedStatement(sql: """
            UPDATE approval_batch SET message_count = message_count + ?, amount_fen = amount_fen + ?, segments = segments + ? WHERE id = ?
            """)
        let recorder = try db.cachedStatement(sql: "INSERT OR IGNORE INTO approval_batch_recorder (batch_id, name) VALUES (?, ?)")
        for (id, tally) in tallies {
            try update.execute(arguments: [tally.count, tally.amountFen, tally.segments, id])
            for name in tally.recorders { try recorder.execute(arguments: [id, name]) }
        }
        for id in opened where tallies[id] == nil {
            try db.execute(sql: "DELETE FROM approval_batch WHERE id = ?", arguments: [id])
        }
    }
}
