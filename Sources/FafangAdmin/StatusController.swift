import FafangConfig
import FafangCore
import FafangDaemon
import Foundation
import Hummingbird
import Logging

/// `GET /healthz` and `GET /metrics`: open to anyone who can reach the admin address, and
/// telling nothing personal.
///
/// - `/healthz`: 200 `{"status": "ok", "database": "ok", "outbox_pending": N}` when the database
///   can be read; 200 `{"status": "degraded", "database": "out_of_space", …}` while it can be
///   read but not written for lack of space (the daemon is alive and waits for space: restarting
///   it would not help); 503 `{"status": "unavailable", "database": "error"}` when it cannot be read.
/// - `/metrics`: the Prometheus text exposition of `AdminMetrics`, its outbox and project gauges
///   refreshed from the store and the running configuration first, its disk gauges from a look
///   at the state directory's filesystem.
public struct StatusController: Sendable {
    let store: any Store
    let runtime: LiveConfiguration<Runtime>
    let metrics: AdminMetrics
    let clock: DaemonClock
    let storeHealth: StoreHealth

    public init(store: any Store, runtime: LiveConfiguration<Runtime>, metrics: AdminMetrics, clock: DaemonClock, storeHealth: StoreHealth) {
        self.storeHealth = storeHealth
        self.store = store
        self.runtime = runtime
        self.metrics = metrics
        self.clock = clock
    }

    struct Health: Encodable {
        var status: String
        var database: String
        var outboxPending: Int?

        enum CodingKeys: String, CodingKey {
            case status, database, outboxPending = "outbox_pending"
        }
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("healthz") { _, context in await self.health(logger: context.logger) }
        router.get("metrics") { _, context in await self.scrape(logger: context.logger) }
    }

    func health(logger: Logger) async -> Response {
        do {
            let counts = try await store.outboxCounts()
            let full = storeHealth.isOutOfSpace
            return AdminJSON.response(.ok, Health(status: full ? "degraded" : "ok", database: full ? "out_of_space" : "ok",
                                                  outboxPending: counts[.pending] ?? 0))
        } catch {
            logger.error("health check failed: the database cannot be read", metadata: ["error": "\(error)"])
            return AdminJSON.response(.serviceUnavailable, Health(status: "unavailable", database: "error"))
        }
    }

    func scrape(logger: Logger) async -> Response {
        await refresh(logger: logger)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render())))
    }

    /// Sets the scrape-time gauges; a store that cannot be read leaves them as they were.
    func refresh(logger: Logger) async {
        let config = runtime.current.configuration
        metrics.setStoreSpace(outOfSpace: storeHealth.isOutOfSpace, heldResults: storeHealth.heldResults)
        if let disk = storeHealth.checkDisk() { metrics.setDisk(disk) }
        do {
            metrics.setOutboxDepth(try await store.outboxCounts())
            metrics.setGatewayHealth(try await store.gatewayHealth())
            metrics.setUnroutedEvents(try await store.unroutedEvents().count)
            let today = CivilDate.of(clock.now, in: config.settings.timeZone)
            let grades = ProjectProgress.grades(configuration: config, totals: try await store.ledgerTotals(), today: today)
            metrics.setProjectsBehind(Array(grades.values))
        } catch {
            logger.warning("metrics not refreshed: the database cannot be read", metadata: ["error": "\(error)"])
        }
    }
}
