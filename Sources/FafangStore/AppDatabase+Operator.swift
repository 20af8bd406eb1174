import FafangCore
import Foundation
import GRDB

/// A gateway's pause state (`gateway_state`).
public struct GatewayStateRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "gateway_state"

    public var name: String
    public var paused: Bool
    public var failingSince: Date?
    public var pausedAt: Date?
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case name, paused, failingSince = "failing_since", pausedAt = "paused_at", reason
    }
}

extension AppDatabase {
    /// Other pending rows for the same webhook recipient whose kinds are in `kinds`, due by
    /// `dueBy`, leased to `owner` with `row` so that they go out as one digest message.
    public func claimCompanions(of row: OutboxRecord, kinds: [String], owner: String, now: Date, dueBy: Date,
                                lease: TimeInterval, limit: Int = 20) throws -> [OutboxRecord] {
        guard let id = row.id, !kinds.isEmpty else { return [] }
        return try writer.write { db in
            let companions = try OutboxRecord
                .filter(Column("state") == OutboxState.pending.rawValue && Column("gateway") == row.gateway
                    && Column("recipient") == row.recipient && kinds.contains(Column("kind"))
                    && Column("next_attempt_at") <= dueBy && Column("id") != id)
                .order(Column("id")).limit(limit).fetchAll(db)
            for var companion in companions {
                companion.state = OutboxState.sending.rawValue
                companion.leaseOwner = owner
                companion.leaseExpiresAt = now.addingTimeInterval(lease)
                companion.updatedAt = now
                try companion.update(db)
            }
            return try OutboxRecord.filter(companions.compactMap(\.id).contains(Column("id"))).order(Column("id")).fetchAll(db)
        }
    }

    /// Notes a failed attempt through `gateway`; returns since when it has been failing.
    public func noteFailure(gateway: String, now: Date) throws -> Date {
        try writer.write { db in
            var state = try GatewayStateRecord.fetchOne(db, key: gateway) ?? GatewayStateRecord(name: gateway, paused: false)
            if state.failingSince == nil { state.failingSince = now }
            try state.save(db)
            return state.failingSince ?? now
        }
    }

    /// Notes a success through `gateway`: it is no longer failing.
    public func noteSuccess(gateway: String) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE gateway_state SET failing_since = NULL WHERE name = ?", arguments: [gateway])
        }
    }

    /// Pauses a gateway: its rows wait until it is resumed. Returns false if it was paused already.
    @discardableResult
    public func pause(gateway: String, reason: String, now: Date) throws -> Bool {
        try writer.write { db in
            var state = try GatewayStateRecord.fetchOne(db, key: gateway) ?? GatewayStateRecord(name: gateway, paused: false)
            guard !state.paused else { return false }
            state.paused = true
            state.pausedAt = now
            state.reason = reason
            try state.save(db)
            return true
        }
    }

    /// Resumes a paused gateway; its waiting rows become due now. Returns false if it was not paused.
    @discardableResult
    public func resume(gateway: String, now: Date) throws -> Bool {
        try writer.write { db in
            guard var state = try GatewayStateRecord.fetchOne(db, key: gateway), state.paused else { return false }
            state.paused = false
            state.failingSince = nil
            state.reason = nil
            try state.save(db)
            try db.execute(sql: "UPDATE outbox SET next_attempt_at = ? WHERE gateway = ? AND state = 'pending' AND next_attempt_at > ?",
                           arguments: [now, gateway, now])
            return true
        }
    }

    public func gatewayStates() throws -> [GatewayStateRecord] {
        try writer.read { db in try GatewayStateRecord.order(Column("name")).fetchAll(db) }
    }

    /// Puts dead rows back to pending, due now, with their attempts kept: one by id, or every row
    /// that died since `since`. Returns how many.
    @discardableResult
    public func retryDead(id: Int64? = nil, since: Date? = nil, now: Date) throws -> Int {
        try writer.write { db in
            var request = OutboxRecord.filter(Column("state") == OutboxState.dead.rawValue)
            if let id { request = request.filter(Column("id") == id) }
            if let since { request = request.filter(Column("updated_at") >= since) }
            return try request.updateAll(db, Column("state").set(to: OutboxState.pending.rawValue),
                                         Column("next_attempt_at").set(to: now), Column("updated_at").set(to: now),
                                         Column("attempts").set(to: 0))
        }
    }

    /// A filter for `deliveries`.
    public struct DeliveryFilter: Sendable {
        public var payeeID: String?
        public var village: String?
        public var state: OutboxState?
        public var since: Date?
        public var limit: Int

        public init(payeeID: String? = nil, village: String? = nil, state: OutboxState? = nil, since: Date? = nil, limit: Int = 500) {
            self.payeeID = payeeID
            self.village = village
            self.state = state
            self.since = since
            self.limit = limit
        }
    }

    /// Outbox rows with their attempts and receipts, newest first.
    public func deliveries(_ filter: DeliveryFilter) throws -> [(row: OutboxRecord, attempts: [AttemptRecord], receipts: [ReceiptRecord])] {
        try writer.read { db in
            var request = OutboxRecord.all()
            if let payee = filter.payeeID { request = request.filter(Column("payee_id") == payee) }
            if let village = filter.village { request = request.filter(Column("village") == village) }
            if let state = filter.state { request = request.filter(Column("state") == state.rawValue) }
            if let since = filter.since { request = request.filter(Column("updated_at") >= since) }
            let rows = try request.order(Column("id").desc).limit(filter.limit).fetchAll(db)
            return try rows.map { row in
                (row,
                 try AttemptRecord.filter(Column("outbox_id") == row.id).order(Column("number")).fetchAll(db),
                 try ReceiptRecord.filter(Column("outbox_id") == row.id).order(Column("id")).fetchAll(db))
            }
        }
    }
}
