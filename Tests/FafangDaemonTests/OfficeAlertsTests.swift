import FafangConfig
import FafangCore
import FafangDaemon
import FafangStore
import FafangTestSupport
import Foundation
import Logging
import Testing

/// The office is told of a pause through a channel that is not the failing one.
@Suite("Office alerts")
struct OfficeAlertsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func alerts(alertPhone: Bool) throws -> (OfficeAlerts, SQLiteStore, ConfigFixture) {
        var fixture = ConfigFixture()
        fixture.useTemplates(at: Self.repository.appendingPathComponent("Templates").path)
        if alertPhone { fixture.replace("fafang.toml", "hotline = \"0315-0000000\"", with: "hotline = \"0315-0000000\"\nalert_phone = \"17000000099\"") }
        fixture.addSMSGateway(url: "http://127.0.0.1:9/sms", extra: """

        [endpoints.finance-office]
        kind = "webhook"
        url = "http://127.0.0.1:9/office"
        """)
        let load = Runtime.load(path: try fixture.write())
        let runtime = try #require(load.runtime, "\(load.diagnostics)")
        let store = try SQLiteStore.inMemory()
        let alerts = OfficeAlerts(store: store, runtime: LiveConfiguration(runtime), clock: DaemonClock(start: Date(), rate: 1e-6),
                                  logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        return (alerts, store, fixture)
    }

    func paused(_ name: String) -> GatewayHealth {
        GatewayHealth(name: name, failingSince: Date(), failures: 5, lastFailure: "HTTP 503", pausedAt: Date(), pauseCause: .failing,
                      nextProbeAt: Date().addingTimeInterval(300))
    }

    @Test func aVillageEndpointPausedIsToldToTheOfficeEndpoint() async throws {
        let (alerts, store, fixture) = try alerts(alertPhone: true)
        defer { fixture.remove() }
        await alerts.paused(paused("village-v1"), reason: "failing")
        let sent = try await store.deliveries(DeliveryFilter()).map(\.message)
        #expect(sent.map(\.gateway) == ["finance-office"])
        #expect(sent.first?.kind == .endpointPaused)
    }

    @Test func theOfficesOwnEndpointPausedIsToldByItsAlertPhone() async throws {
        let (alerts, store, fixture) = try alerts(alertPhone: true)
        defer { fixture.remove() }
        let office = paused("finance-office")
        try await store.save(office, requeueWaitingAt: nil)
        await alerts.paused(office, reason: "failing")
        let sent = try await store.deliveries(DeliveryFilter()).map(\.message)
        #expect(sent.count == 1)
        #expect(sent.first?.channel == .sms && sent.first?.recipient == "17000000099" && sent.first?.gateway == "sms-sink")
    }

    @Test func withNoOtherWayTheAlertIsOnlyLogged() async throws {
        let (alerts, store, fixture) = try alerts(alertPhone: false)
        defer { fixture.remove() }
        await alerts.paused(paused("finance-office"), reason: "failing")
        #expect(try await store.deliveries(DeliveryFilter()).isEmpty)
    }

    @Test("the disk nearly full is told to the office's endpoint in Chinese, once a day")
    func theDiskNearlyFullIsToldOnceADay() async throws {
        let (alerts, store, fixture) = try alerts(alertPhone: true)
        defer { fixture.remove() }
        let reading = StoreHealth.DiskReading(path: "/var/lib/fafang", space: DiskSpace(available: 300 << 20, total: 20 << 30), threshold: 512 << 20)
        await alerts.diskLow(reading)
        await alerts.diskLow(reading)
        let sent = try await store.deliveries(DeliveryFilter()).map(\.message)
        #expect(sent.map(\.gateway) == ["finance-office"] && sent.first?.kind == .diskLow, "\(sent.map(\.idempotencyKey))")
        let text = try #require(sent.first?.item.text)
        #expect(text.contains("【服务器磁盘空间不足】剩余300 MiB") && text.contains("/var/lib/fafang") && text.contains("低于提醒线512 MiB"), "\(text)")
    }

    @Test("through the daemon: the disk falling below [paths] low_space_mib enqueues the office's alert")
    func theDaemonAlertsWhenItsDiskFallsLow() async throws {
        var fixture = ConfigFixture()
        fixture.useTemplates(at: Self.repository.appendingPathComponent("Templates").path)
        fixture.sendEverything(to: "http://127.0.0.1:9")
        let load = Runtime.load(path: try fixture.write())
        defer { fixture.remove() }
        let runtime = try #require(load.runtime, "\(load.diagnostics)")
        let store = try SQLiteStore.inMemory()
        var options = Daemon.Options(configPath: fixture.root)
        options.measureDisk = { _ in DiskSpace(available: 100 << 20, total: 8 << 30) }
        let daemon = try Daemon(runtime: runtime, store: store, options: options, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let settings = runtime.configuration.settings
        #expect(daemon.storeHealth.checkDisk(path: settings.stateDirectory, threshold: settings.lowSpaceBytes)?.isLow == true)
        let deadline = ContinuousClock.now + .seconds(20)
        var alerts: [OutboxMessage] = []
        while alerts.isEmpty, ContinuousClock.now < deadline {
            alerts = try await store.deliveries(DeliveryFilter()).map(\.message).filter { $0.kind == .diskLow }
            if alerts.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(alerts.count == 1 && alerts.first?.gateway == "finance-office", "\(alerts.map(\.gateway))")
        #expect(alerts.first?.item.text.contains("剩余100 MiB") == true)
        await daemon.engine.shutdown(gracePeriod: .seconds(1))
    }
}
