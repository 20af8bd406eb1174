import FafangCore
import Foundation
import GRDB

/// Reading and writing outbox, attempt and receipt rows as Core values, column by column: the
/// dispatcher reads thousands of rows a second, and the Codable path costs several times more.
enum OutboxRows {
    /// Every column of `outbox`, in the order `message(_:)` reads them.
    static let columns = """
        id, idempotency_key, event_key, kind, project_code, channel, gateway, recipient, village, payee_id, text, title, \
        template_parameters, state, attempts, next_attempt_at, lease_owner, lease_expires_at, gateway_reference, last_error, \
        created_at, updated_at, batch_id, amount_fen, segments, recorded_by
        """

    /// A row of `outbox` (its columns in `columns` order) as a message; a row of a kind, channel
    /// or state this version does not know is an error naming it. Read by position: by name,
    /// each of the 26 columns is a search of the row's names.
    static func message(_ row: Row) throws -> OutboxMessage {
        let kindText: String = row[3]
        let channelText: String = row[5]
        let stateText: String = row[13]
        guard let kind = DueEvent.Kind(rawValue: kindText), let channel = Channel(rawValue: channelText),
              let state = MessageState(rawValue: stateText)
        else {
            throw StoreError(message: "outbox row \(row[0] as Int64? ?? 0) has an unknown kind, channel or state (\(kindText), \(channelText), \(stateText))")
        }
        let nextAttemptAt: Date = row[15]
        let item = OutboxItem(idempotencyKey: row[1], eventKey: row[2], kind: kind, projectCode: row[4],
                              channel: channel, gateway: row[6], recipient: row[7], village: row[8],
                              payeeID: row[9], text: row[10], title: row[11],
                              templateParameters: StoredFields.parameters(row[12]), notBefore: nextAttemptAt,
                              amount: (row[23] as Int64?).map(Money.init(fen:)), segments: row[24], recordedBy: row[25])
        return OutboxMessage(id: row[0], item: item, state: state, attempts: row[14], nextAttemptAt: nextAttemptAt,
                             leaseOwner: row[16], leaseExpiresAt: row[17], gatewayReference: row[18], lastError: row[19],
                             createdAt: row[20], updatedAt: row[21], batchID: row[22])
    }

    static func messages(_ statement: Statement, arguments: StatementArguments) throws -> [OutboxMessage] {
        var result: [OutboxMessage] = []
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        while let row = try rows.next() { result.append(try message(row)) }
        return result
    }

    static func messages(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [OutboxMessage] {
        try messages(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func attempt(_ row: Row) -> DeliveryAttempt {
        DeliveryAttempt(outboxID: row["outbox_id"], number: row["number"], startedAt: row["started_at"], durationMilliseconds: row["duration_ms"],
                        httpStatus: row["http_status"], curlCode: row["curl_code"],
                        verdict: AttemptVerdict(rawValue: row["verdict"]) ?? .permanent, detail: row["detail"])
    }

    static func receipt(_ row: Row) -> DeliveryReceipt {
        DeliveryReceipt(outboxID: row["outbox_id"], receivedAt: row["received_at"], status: row["status"], detail: row["detail"])
    }

    static func insert(_ attempt: DeliveryAttempt, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO delivery_attempt (outbox_id, number, started_at, duration_ms, http_status, curl_code, verdict, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [attempt.outboxID, attempt.number, StoredDate(attempt.startedAt), attempt.durationMilliseconds,
                                     attempt.httpStatus, attempt.curlCode, attempt.verdict.rawValue, attempt.detail])
    }

    static func insert(_ receipt: DeliveryReceipt, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO delivery_receipt (outbox_id, received_at, status, detail) VALUES (?, ?, ?, ?)")
            .execute(arguments: [receipt.outboxID, StoredDate(receipt.receivedAt), receipt.status, receipt.detail])
    }
}

/// A store that cannot make sense of what it holds.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
