import FafangAdmin
import FafangConfig
import FafangCore
import FafangDaemon
import FafangTestSupport
import Foundation
import Logging
import Testing

/// Two daemons as `fafang run` wires them, on one PostgreSQL (issue 12): one of them schedules,
/// both send, each message goes out once; when the scheduling daemon stops, the other takes
/// over and the next payment's SMS still goes out, once.
@Suite("Daemons sharing PostgreSQL", .serialized)
struct SharedStoreDaemonTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Running {
        let daemon: Daemon
        let log: CapturedLog
        let task: Task<Void, any Error>
        let stop: @Sendable () async -> Void
    }

    @Test func oneSchedulesBothSendAndTheOtherTakesOver() async throws {
        let harness = try await PostgresHarness.shared()
        let database = try await harness.freshDatabase("county")
        let sink = try LoopbackServer { _ in .text("{\"code\":\"OK\"}") }
        defer { sink.stop() }
        var fixture = ConfigFixture()
        fixture.useTemplates(at: Self.repository.appendingPathComponent("Templates").path)
        fixture.sendEverything(to: sink.baseURL)
        fixture.holdNothing()
        fixture.usePostgres(url: harness.url(database: database), extra: "leader_retry_seconds = 1\npoll_seconds = 1")
        let root = try fixture.write()
        defer { fixture.remove() }
        let load = Runtime.load(path: root)
        let runtime = try #require(load.runtime, "\(load.diagnostics)")
        let settings = runtime.configuration.settings
        guard case .postgresql = settings.store else {
            Issue.record("[store] was not read as PostgreSQL")
            return
        }
        // 2021-06-20 10:00 Shanghai, outside quiet hours.
        let start = CivilDate(iso: "2021-06-20")!.start(in: settings.timeZone).addingTimeInterval(10 * 3600)

        func launch(_ name: String) async throws -> Running {
            let log = CapturedLog()
            let store = try await StoreOpener.open(settings, logger: log.logger(name))
            let assembled = try DaemonBuilder.build(runtime: runtime, store: store,
                                                    options: Daemon.Options(configPath: root, clock: DaemonClock(start: start, rate: 1), tickSeconds: 3600),
                                                    logger: log.logger(name))
            let group = assembled.serviceGroup(handlingSignals: false)
            let task = Task { try await group.run() }
            return Running(daemon: assembled.daemon, log: log, task: task, stop: {
                await group.triggerGracefulShutdown()
                _ = try? await task.value
                await assembled.daemon.engine.shutdown()
            })
        }
        func leads(_ running: Running) -> Bool { running.log.all.contains { $0.contains("this daemon runs the scheduler") } }

        let first = try await launch("a")
        let second = try await launch("b")
        #expect(await Self.eventually { leads(first) || leads(second) }, "one of them schedules")
        #expect(!(leads(first) && leads(second)), "only one schedules")
        let (leader, other) = leads(first) ? (first, second) : (second, first)

        // A payment recorded through the daemon that does not schedule: the leader hears of it.
        let configuration = runtime.configuration
        _ = try await LedgerService(store: other.daemon.store, logger: other.log.logger("ledger"))
            .record([LedgerEntry(projectCode: "RENT01", payeeID: "H1", amount: .yuan(2160), date: CivilDate(iso: "2021-03-19")!, bankReference: "BANK-1")],
                    source: "test", configuration: configuration, now: start)
        #expect(await Self.eventually { Self.sms(sink, to: "17000000011") == 1 }, "the SMS to H1 goes out")

        await leader.stop()
        #expect(await Self.eventually(seconds: 15) { leads(other) }, "the other daemon takes over the scheduler")
        _ = try await LedgerService(store: other.daemon.store, logger: other.log.logger("ledger"))
            .record([LedgerEntry(projectCode: "RENT01", payeeID: "H2", amount: .yuan(3240), date: CivilDate(iso: "2021-03-19")!, bankReference: "BANK-2")],
                    source: "test", configuration: configuration, now: start)
        #expect(await Self.eventually { Self.sms(sink, to: "17000000012") == 1 }, "the SMS to H2 goes out after the takeover")
        #expect(await Self.eventually {
            let counts = (try? await other.daemon.store.outboxCounts()) ?? [:]
            return (counts[.pending] ?? 0) + (counts[.sending] ?? 0) == 0
        })
        await other.stop()

        // Every message went out once: no key reached the sink twice.
        let keys = sink.requests.compactMap { request in
            request.query?.split(separator: "&").first { $0.hasPrefix("id=") }.map(String.init)
        }
        #expect(Set(keys).count == keys.count, "\(keys)")
        #expect(Self.sms(sink, to: "17000000011") == 1 && Self.sms(sink, to: "17000000012") == 1)
        // Every message ended sent or delivered (the village robot's go as one digest request).
        let counts = try await other.daemon.store.outboxCounts()
        #expect(counts.keys.allSatisfy { $0 == .sent || $0 == .delivered }, "\(counts)")
    }

    static func sms(_ sink: LoopbackServer, to phone: String) -> Int {
        sink.requests.filter { $0.path == "/sms" && $0.query?.contains("to=\(phone)") == true }.count
    }

    /// Polls `condition` until it holds, for at most `seconds`: the daemons run on their own and
    /// offer nothing else to wait on.
    static func eventually(seconds: Double = 10, _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }
}

/// On a shared store the daemon goes by the database's clock: its real clock takes the offset
/// measured by a round trip; a rehearsal's virtual clock takes none.
@Suite("Daemon clock following the database")
struct DaemonClockFollowingTests {
    @Test func theRealClockTakesTheReferencesOffset() {
        let clock = DaemonClock(start: nil, rate: 1)
        #expect(clock.isReal)
        let sent = Date()
        // The database is 90 s ahead; the round trip took 20 ms.
        clock.follow(reference: sent.addingTimeInterval(90.01), sentAt: sent, answeredAt: sent.addingTimeInterval(0.02))
        #expect(abs(clock.offsetSeconds - 90) < 0.001, "\(clock.offsetSeconds)")
        #expect(abs(clock.now.timeIntervalSince(Date()) - 90) < 1)
    }

    @Test func aVirtualClockFollowsNothing() {
        let clock = DaemonClock(start: Date(timeIntervalSince1970: 1_623_300_000), rate: 1)
        #expect(!clock.isReal)
        clock.follow(reference: Date().addingTimeInterval(90), sentAt: Date(), answeredAt: Date())
        #expect(clock.offsetSeconds == 0)
    }
}
