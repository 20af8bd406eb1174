import FafangCore
import FafangPostgres
import FafangTestSupport
import Foundation
import Logging
import Testing

/// What several daemons on one PostgreSQL rely on (issue 12), each with its own store (its own
/// pool) on one database: claims that never overlap, one leader, announcements heard, rate
/// limits counted together.
@Suite("PostgreSQL shared by several daemons")
struct PostgresSharedTests {
    static let logger = Logger(label: "test")
    static let t0 = Date(timeIntervalSince1970: 1_623_300_000)

    static func withStores<T: Sendable>(_ count: Int, database: String, _ body: @Sendable ([PostgresStore]) async throws -> T) async throws -> T {
        let harness = try await PostgresHarness.shared()
        let database = try await harness.freshDatabase(database)
        var stores: [PostgresStore] = []
        for _ in 0..<count {
            stores.append(try await PostgresStore.open(url: harness.url(database: database), settings: PostgresSettings(url: .file(""), tls: .disable),
                                                       logger: logger))
        }
        defer { stores.forEach { $0.close() } }
        return try await body(stores)
    }

    static func items(_ count: Int) -> (EnqueueBatch) {
        let items = (0..<count).map { index in
            OutboxItem(idempotencyKey: "k\(index)", eventKey: "e\(index)", kind: .paymentRecorded, projectCode: "P1", channel: .webhook,
                       gateway: "sink", recipient: "sink", village: nil, payeeID: nil, text: "消息 \(index)", title: nil, notBefore: t0)
        }
        return EnqueueBatch(events: items.map { DueEvent(key: $0.eventKey, kind: .paymentRecorded, projectCode: "P1", audiences: [], facts: .init()) },
                            items: items)
    }

    @Test func concurrentClaimsTakeEachMessageOnce() async throws {
        try await Self.withStores(3, database: "claims") { stores in
            try await stores[0].enqueue(Self.items(600), now: Self.t0)
            let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask {
                        var mine: [Int64] = []
                        while true {
                            let batch = try await store.claim(limit: 25, owner: "daemon-\(index)", now: Self.t0.addingTimeInterval(1), lease: 60)
                            if batch.isEmpty { return mine }
                            #expect(batch.allSatisfy { $0.leaseOwner == "daemon-\(index)" })
                            mine += batch.map(\.id)
                        }
                    }
                }
                var all: [[Int64]] = []
                for try await ids in group { all.append(ids) }
                return all
            }
            let ids = claimed.flatMap { $0 }
            #expect(ids.count == 600 && Set(ids).count == 600, "each message claimed once: \(ids.count) claims, \(Set(ids).count) distinct")
            #expect(claimed.filter { !$0.isEmpty }.count >= 2, "the claims were shared out: \(claimed.map(\.count))")
        }
    }

    @Test func oneLeaderAtATimeAndTheNextOnceItEnds() async throws {
        try await Self.withStores(2, database: "leaders") { stores in
            let (entered, enteredGate) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseGate) = AsyncStream.makeStream(of: Void.self)
            let leading = Task {
                try await stores[0].whileLeading(Leadership.scheduler) {
                    enteredGate.yield()
                    for await _ in release { return }
                }
            }
            for await _ in entered { break }
            let refused = try await stores[1].whileLeading(Leadership.scheduler, {})
            #expect(refused == false, "the second may not lead while the first does")
            releaseGate.yield()
            let first = try await leading.value
            #expect(first == true)
            let next = try await stores[1].whileLeading(Leadership.scheduler, {})
            #expect(next == true, "once the first stopped, the second leads")
        }
    }

    @Test func anEnqueueIsHeardByTheOtherDaemon() async throws {
        try await Self.withStores(2, database: "listen") { stores in
            let (heard, heardGate) = AsyncStream.makeStream(of: StoreAnnouncement.self)
            let listening = Task { try await stores[1].listen { heardGate.yield($0) } }
            defer { listening.cancel() }
            // LISTEN is issued asynchronously: announce until the listener hears one.
            let announcer = Task {
                var index = 0
                while !Task.isCancelled {
                    try await stores[0].enqueue(EnqueueBatch(events: [DueEvent(key: "x\(index)", kind: .paymentRecorded, projectCode: "P1", audiences: [], facts: .init())],
                                                             items: [OutboxItem(idempotencyKey: "x\(index)", eventKey: "x\(index)", kind: .paymentRecorded, projectCode: "P1",
                                                                                channel: .webhook, gateway: "sink", recipient: "sink", village: nil, payeeID: nil,
                                                                                text: "消息", title: nil, notBefore: Self.t0)]), now: Self.t0)
                    index += 1
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { announcer.cancel() }
            var first: StoreAnnouncement?
            for await announcement in heard { first = announcement; break }
            #expect(first == .outbox)
        }
    }

    @Test func rateLimitsAreCountedByEveryDaemonTogether() async throws {
        try await Self.withStores(2, database: "limits") { stores in
            let limit = SharedLimit(name: "sms", key: "17000000011", limit: 3, window: 86_400, reason: "budget")
            let outcomes = try await withThrowingTaskGroup(of: Date?.self) { group in
                for index in 0..<10 {
                    group.addTask { try await stores[index % 2].takeSlot(limit, now: Self.t0.addingTimeInterval(Double(index))) }
                }
                var all: [Date?] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.filter { $0 == nil }.count == 3, "three slots taken in all, by both: \(outcomes)")
            #expect(outcomes.compactMap { $0 }.allSatisfy { $0 > Self.t0.addingTimeInterval(86_000) }, "the others wait for the window")
            #expect(try await stores[1].takeSlot(limit, now: Self.t0.addingTimeInterval(86_400 + 10)) == nil, "a day later there is room again")
            let other = SharedLimit(name: "sms", key: "17000000012", limit: 3, window: 86_400, reason: "budget")
            #expect(try await stores[0].takeSlot(other, now: Self.t0) == nil, "another phone has its own budget")
        }
    }
}

extension PostgresSharedTests {
    @Test func theDatabaseTellsItsTime() async throws {
        try await Self.withStores(1, database: "clock") { stores in
            let before = Date()
            let now = try await stores[0].databaseNow()
            #expect(abs(now.timeIntervalSince(before)) < 5, "the private cluster runs on this machine's clock: \(now) against \(before)")
        }
    }
}
