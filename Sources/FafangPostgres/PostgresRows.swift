import FafangCore
import Foundation
import PostgresNIO

/// Reading outbox, attempt, receipt and batch rows of PostgreSQL as Core values, column by
/// column, and writing sets of rows in one statement, not one per message: a claim's commit as
/// one binary array per column (`unnest`), an enqueue as one JSON parameter (`jsonb_to_recordset`).
enum PostgresRows {
    /// Every column of `outbox`, in the order `message(_:)` reads them (SQLite's order).
    static let columns = """
        id, idempotency_key, event_key, kind, project_code, channel, gateway, recipient, village, payee_id, text, title, \
        template_parameters, state, attempts, next_attempt_at, lease_owner, lease_expires_at, gateway_reference, last_error, \
        created_at, updated_at, batch_id, amount_fen, segments, recorded_by
        """

    /// `columns`, each qualified by `alias` (for statements joining another table).
    static func columns(_ alias: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
    }

    static func message(_ row: PostgresRow) throws -> OutboxMessage {
        let cells = row.makeRandomAccess()
        let kindText = try cells[3].decode(String.self)
        let channelText = try cells[5].decode(String.self)
        let stateText = try cells[13].decode(String.self)
        let id = try cells[0].decode(Int64.self)
        guard let kind = DueEvent.Kind(rawValue: kindText), let channel = Channel(rawValue: channelText),
              let state = MessageState(rawValue: stateText)
        else {
            throw PostgresStoreError(message: "outbox row \(id) has an unknown kind, channel or state (\(kindText), \(channelText), \(stateText))")
        }
        let nextAttemptAt = try cells[15].decode(Date.self)
        let item = OutboxItem(idempotencyKey: try cells[1].decode(String.self), eventKey: try cells[2].decode(String.self), kind: kind,
                              projectCode: try cells[4].decode(String.self), channel: channel, gateway: try cells[6].decode(String.self),
                              recipient: try cells[7].decode(String.self), village: try cells[8].decode(String?.self),
                              payeeID: try cells[9].decode(String?.self), text: try cells[10].decode(String.self),
                              title: try cells[11].decode(String?.self),
                              templateParameters: StoredFields.parameters(try cells[12].decode(String?.self)), notBefore: nextAttemptAt,
                              amount: try cells[23].decode(Int64?.self).map(Money.init(fen:)), segments: try cells[24].decode(Int.self),
                              recordedBy: try cells[25].decode(String?.self))
        return OutboxMessage(id: id, item: item, state: state, attempts: try cells[14].decode(Int.self), nextAttemptAt: nextAttemptAt,
                             leaseOwner: try cells[16].decode(String?.self), leaseExpiresAt: try cells[17].decode(Date?.self),
                             gatewayReference: try cells[18].decode(String?.self), lastError: try cells[19].decode(String?.self),
                             createdAt: try cells[20].decode(Date.self), updatedAt: try cells[21].decode(Date.self),
                             batchID: try cells[22].decode(Int64?.self))
    }

    static func messages(_ rows: PostgresRowSequence) async throws -> [OutboxMessage] {
        var messages: [OutboxMessage] = []
        for try await row in rows { messages.append(try message(row)) }
        return messages
    }

    static let attemptColumns = "outbox_id, number, started_at, duration_ms, http_status, curl_code, verdict, detail"

    static func attempt(_ row: PostgresRow) throws -> DeliveryAttempt {
        let cells = row.makeRandomAccess()
        return DeliveryAttempt(outboxID: try cells[0].decode(Int64.self), number: try cells[1].decode(Int.self),
                               startedAt: try cells[2].decode(Date.self), durationMilliseconds: try cells[3].decode(Int.self),
                               httpStatus: try cells[4].decode(Int?.self), curlCode: try cells[5].decode(Int?.self),
                               verdict: AttemptVerdict(rawValue: try cells[6].decode(String.self)) ?? .permanent,
                               detail: try cells[7].decode(String.self))
    }

    static let receiptColumns = "outbox_id, received_at, status, detail"

    static func receipt(_ row: PostgresRow) throws -> DeliveryReceipt {
        let cells = row.makeRandomAccess()
        return DeliveryReceipt(outboxID: try cells[0].decode(Int64.self), receivedAt: try cells[1].decode(Date.self),
                               status: try cells[2].decode(String.self), detail: try cells[3].decode(String.self))
    }

    static let batchColumns = "id, project_code, day::text, state, message_count, total_fen, segments, created_at, decided_by, decided_at, reason"

    static func batch(_ row: PostgresRow) throws -> ApprovalBatch {
        let cells = row.makeRandomAccess()
        let id = try cells[0].decode(Int64.self)
        let stateText = try cells[3].decode(String.self)
        let dayText = try cells[2].decode(String.self)
        guard let state = ApprovalBatch.State(rawValue: stateText), let day = CivilDate(iso: dayText) else {
            throw PostgresStoreError(message: "approval batch \(id) has an unknown state or day (\(stateText), \(dayText))")
        }
        return ApprovalBatch(id: id, projectCode: try cells[1].decode(String.self), day: day, state: state,
                             messageCount: try cells[4].decode(Int.self), totalAmount: Money(fen: try cells[5].decode(Int64.self)),
                             segments: try cells[6].decode(Int.self), recordedBy: [], createdAt: try cells[7].decode(Date.self),
                             decidedBy: try cells[8].decode(String?.self), decidedAt: try cells[9].decode(Date?.self),
                             reason: try cells[10].decode(String?.self))
    }

    /// Rows as a JSON array for `jsonb_to_recordset`. Instants travel as seconds since 1970
    /// (`to_timestamp`), to the microsecond PostgreSQL keeps.
    static func json<Row: Encodable>(_ rows: [Row]) throws -> String {
        String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
    }
}

extension Date {
    /// Seconds since 1970, for a JSON row (`to_timestamp` on the way in).
    var epoch: Double { timeIntervalSince1970 }
}

/// A one-dimensional array parameter whose elements may be NULL, in PostgreSQL's binary array
/// format (postgres-nio encodes arrays of non-optional elements only), so that a column holding
/// NULLs travels to `unnest` as typed binary values too.
struct PostgresNullableArray<Element: PostgresArrayEncodable>: PostgresEncodable {
    var elements: [Element?]

    init(_ elements: [Element?]) { self.elements = elements }

    static var psqlType: PostgresDataType { Element.psqlArrayType }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) throws {
        // Dimensions, whether any element is NULL, the element type; then, unless empty, the
        // length and lower bound of the one dimension, and each element as length and value
        // (length -1: NULL).
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: Int32.self)
        buffer.writeInteger(elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)
        buffer.writeInteger(Element.psqlType.rawValue)
        guard !elements.isEmpty else { return }
        buffer.writeInteger(Int32(elements.count))
        buffer.writeInteger(1, as: Int32.self)
        for element in elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            let start = buffer.writerIndex
            try element.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - start), at: lengthIndex)
        }
    }
}
