import FafangCore
import Foundation
import GRDB

/// A row of `outbox`: one message to one recipient on one channel, with its delivery state.
public struct OutboxRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "outbox"

    public var id: Int64?
    public var idempotencyKey: String
    public var eventKey: String
    public var kind: String
    public var projectCode: String
    public var channel: String
    public var gateway: String
    /// Phone digits (SMS) or endpoint name (webhook). Personal data: never log it; use `maskedRecipient`.
    public var recipient: String
    public var village: String?
    public var payeeID: String?
    public var text: String
    public var title: String?
    public var state: String
    public var attempts: Int
    public var nextAttemptAt: Date
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var gatewayReference: String?
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, idempotencyKey = "idempotency_key", eventKey = "event_key", kind, projectCode = "project_code"
        case channel, gateway, recipient, village, payeeID = "payee_id", text, title, state, attempts
        case nextAttemptAt = "next_attempt_at", leaseOwner = "lease_owner", leaseExpiresAt = "lease_expires_at"
        case gatewayReference = "gateway_reference", lastError = "last_error", createdAt = "created_at", updatedAt = "updated_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Decoded column by column: the dispatcher reads thousands of rows a second, and the
    /// Codable path costs several times more.
    public init(row: Row) throws {
        id = row["id"]
        idempotencyKey = row["idempotency_key"]
        eventKey = row["event_key"]
        kind = row["kind"]
        projectCode = row["project_code"]
        channel = row["channel"]
        gateway = row["gateway"]
        recipient = row["recipient"]
        village = row["village"]
        payeeID = row["payee_id"]
        text = row["text"]
        title = row["title"]
        state = row["state"]
        attempts = row["attempts"]
        nextAttemptAt = row["next_attempt_at"]
        leaseOwner = row["lease_owner"]
        leaseExpiresAt = row["lease_expires_at"]
        gatewayReference = row["gateway_reference"]
        lastError = row["last_error"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["idempotency_key"] = idempotencyKey
        container["event_key"] = eventKey
        container["kind"] = kind
        container["project_code"] = projectCode
        container["channel"] = channel
        container["gateway"] = gateway
        container["recipient"] = recipient
        container["village"] = village
        container["payee_id"] = payeeID
        container["text"] = text
        container["title"] = title
        container["state"] = state
        container["attempts"] = attempts
        container["next_attempt_at"] = nextAttemptAt
        container["lease_owner"] = leaseOwner
        container["lease_expires_at"] = leaseExpiresAt
        container["gateway_reference"] = gatewayReference
        container["last_error"] = lastError
        container["created_at"] = createdAt
        container["updated_at"] = updatedAt
    }

    public var outboxState: OutboxState? { OutboxState(rawValue: state) }
    public var outboxChannel: Channel? { Channel(rawValue: channel) }
    /// Safe for logs.
    public var maskedRecipient: String { channel == Channel.sms.rawValue ? Mask.phone(recipient) : recipient }
}

/// A row of `delivery_attempt`: one try at sending one outbox row.
public struct AttemptRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "delivery_attempt"

    public var id: Int64?
    public var outboxID: Int64
    public var number: Int
    public var startedAt: Date
    public var durationMilliseconds: Int
    public var httpStatus: Int?
    public var curlCode: Int?
    /// delivered, retry or permanent.
    public var verdict: String
    /// The gateway's reply or the transport error, redacted.
    public var detail: String

    enum CodingKeys: String, CodingKey {
        case id, outboxID = "outbox_id", number, startedAt = "started_at", durationMilliseconds = "duration_ms"
        case httpStatus = "http_status", curlCode = "curl_code", verdict, detail
    }

    public init(outboxID: Int64, number: Int, startedAt: Date, durationMilliseconds: Int, httpStatus: Int?,
                curlCode: Int?, verdict: String, detail: String) {
        self.outboxID = outboxID
        self.number = number
        self.startedAt = startedAt
        self.durationMilliseconds = durationMilliseconds
        self.httpStatus = httpStatus
        self.curlCode = curlCode
        self.verdict = verdict
        self.detail = detail
    }
}

/// A row of `delivery_receipt`: a gateway's later report on a message (Kannel DLR, status push).
public struct ReceiptRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "delivery_receipt"

    public var id: Int64?
    public var outboxID: Int64
    public var receivedAt: Date
    public var status: String
    public var detail: String

    enum CodingKeys: String, CodingKey {
        case id, outboxID = "outbox_id", receivedAt = "received_at", status, detail
    }
}

extension OutboxRecord {
    /// The row as the item it was enqueued from (nil if its kind or channel is unknown to this version).
    public var item: OutboxItem? {
        guard let kind = DueEvent.Kind(rawValue: kind), let channel = Channel(rawValue: channel) else { return nil }
        return OutboxItem(idempotencyKey: idempotencyKey, eventKey: eventKey, kind: kind, projectCode: projectCode, channel: channel,
                          gateway: gateway, recipient: recipient, village: village, payeeID: payeeID, text: text, title: title,
                          notBefore: nextAttemptAt)
    }
}
