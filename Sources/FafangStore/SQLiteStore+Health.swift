import FafangCore
import Foundation
import GRDB

extension SQLiteStore {
    public func gatewayHealth() async throws -> [GatewayHealth] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM gateway_state ORDER BY name").map { row in
                GatewayHealth(name: row["name"], failingSince: row["failing_since"], failures: row["failures"], lastFailure: row["reason"],
                              pausedAt: row["paused_at"], pauseCause: (row["pause_cause"] as String?).flatMap(GatewayHealth.PauseCause.init),
                              nextProbeAt: row["next_probe_at"])
            }
        }
    }

    public func save(_ health: GatewayHealth, requeueWaitingAt now: Date?) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO gateway_state (name, paused, failing_since, paused_at, reason, failures, pause_cause, next_probe_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, failing_since = excluded.failing_since,
                    paused_at = excluded.paused_at, reason = excluded.reason, failures = excluded.failures,
                    pause_cause = excluded.pause_cause, next_probe_at = excluded.next_probe_at
                """, arguments: [health.name, health.isPaused, health.failingSince.map(StoredDate.init), health.pausedAt.map(StoredDate.init),
                                 health.lastFailure, health.failures, health.pauseCause?.rawValue, health.nextProbeAt.map(StoredDate.init)])
            if let now {
                // MessageLifecycle.gatewayResumed, for every message of the gateway at once.
                try db.execute(sql: """
                    UPDATE outbox SET next_attempt_at = :now, updated_at = :now
                    WHERE gateway = :gateway AND state = 'pending' AND next_attempt_at > :now
                    """, arguments: ["now": StoredDate(now), "gateway": health.name])
            }
        }
    }
}
