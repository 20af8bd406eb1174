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
}
