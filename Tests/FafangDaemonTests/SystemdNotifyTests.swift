import FafangConfig
import FafangAdmin
import FafangDaemon
import FafangTestSupport
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("systemd notify", .serialized)
struct SystemdNotifyTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("READY, STATUS, WATCHDOG at half WATCHDOG_USEC, RELOADING on SIGHUP, STOPPING on shutdown")
    func lifecycle() async throws {
        let socket = try NotifySocket()
        defer { socket.close() }
        var fixture = ConfigFixture()
        fixture.useTemplates(at: Self.repository.appendingPathComponent("Templates").path)
        let root = try fixture.write()
        defer { fixture.remove() }
        let runtime = try #require(Runtime.load(path: root).runtime)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "\(getpid())"])
        #expect(notifier.watchdogInterval == .milliseconds(500))
        let assembled = try DaemonBuilder.build(runtime: runtime, options: Daemon.Options(configPath: root, inboxSeconds: 0.05, notifier: notifier),
                                                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let group = assembled.serviceGroup(handlingSignals: false)
        let running = Task { try await group.run() }

        #expect(await socket.wait { $0.contains { $0.contains("READY=1") && $0.contains("STATUS=") } })
        // Five pings, four gaps: the median still holds if a loaded machine delays one of them.
        #expect(await socket.wait { $0.filter { $0 == "WATCHDOG=1" }.count >= 5 })
        let pings = socket.all.filter { $0.text == "WATCHDOG=1" }.map(\.at)
        let gaps = zip(pings, pings.dropFirst()).map { $1 - $0 }
        // Every 500 ms: never faster than the period, and the shortest gap (a loaded machine only
        // ever delays a sleep, so it is the best reading of the period) well under the 1 s timeout.
        #expect(gaps.allSatisfy { $0 >= .milliseconds(480) }, "\(gaps)")
        #expect((gaps.min() ?? .seconds(1)) < .milliseconds(800), "\(gaps)")

        kill(getpid(), SIGHUP)
        #expect(await socket.wait { messages in
            guard let reloading = messages.firstIndex(where: { $0.contains("RELOADING=1") && $0.contains("MONOTONIC_USEC=") }) else { return false }
            return messages[(reloading + 1)...].contains { $0.contains("READY=1") }
        })

        await group.triggerGracefulShutdown()
        try await running.value
        #expect(await socket.wait { $0.contains { $0.contains("STOPPING=1") } })
        await assembled.daemon.engine.shutdown()
    }

    /// On main before the builder, READY=1 went before the admin server listened: systemd could
    /// call the daemon up while Kannel's reports had nowhere to go.
    @Test("READY=1 goes only once the admin server listens")
    func readyAfterTheAdminServerListens() async throws {
        let socket = try NotifySocket()
        defer { socket.close() }
        var fixture = ConfigFixture()
        fixture.useTemplates(at: Self.repository.appendingPathComponent("Templates").path)
        fixture.files["admin-token"] = "TOKEN-ready-0123456789\n"
        fixture.replace("fafang.toml", "max_segments = 3", with: """
        max_segments = 3

        [admin]
        listen = "127.0.0.1:0"
        token_file = "admin-token"
        """)
        let root = try fixture.write()
        defer { fixture.remove() }
        let runtime = try #require(Runtime.load(path: root).runtime)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path])
        let listening = Mutex<ContinuousClock.Instant?>(nil)
        let assembled = try DaemonBuilder.build(runtime: runtime, options: Daemon.Options(configPath: root, notifier: notifier),
                                                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
                                                onListening: { _ in listening.withLock { $0 = ContinuousClock.now } })
        #expect(assembled.admin != nil)
        let group = assembled.serviceGroup(handlingSignals: false)
        let running = Task { try await group.run() }
        #expect(await socket.wait { $0.contains { $0.contains("READY=1") } })
        let ready = try #require(socket.all.first { $0.text.contains("READY=1") }?.at)
        let listened = try #require(listening.withLock { $0 })
        #expect(listened <= ready)
        await group.triggerGracefulShutdown()
        try await running.value
        await assembled.daemon.engine.shutdown()
    }
}
