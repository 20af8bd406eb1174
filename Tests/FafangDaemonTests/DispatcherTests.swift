import FafangCore
import FafangDaemon
import FafangDelivery
import FafangStore
import Foundation
import Logging
import Synchronization
import Testing

/// A gateway for tests: POSTs the text to a fake URL and reads the status.
struct FakeGateway: Gateway {
    let name: String

    func request(for message: OutboundMessage, now: Date) throws(GatewayError) -> HTTPRequest {
        HTTPRequest(method: .post, url: "http://127.0.0.1:9/\(name)", headers: [HTTPHeader("Idempotency-Key", message.idempotencyKey)],
                    body: Array(message.text.utf8))
    }

    func interpret(_ outcome: HTTPOutcome, for message: OutboundMessage, now: Date) -> DeliveryVerdict {
        guard let response = outcome.response else { return .retry(reason: "transport", after: nil) }
        switch response.status {
        case 200..<300: return .delivered(reference: "ref-\(message.idempotencyKey)")
        case 429: return .retry(reason: "429", after: .seconds(600))
        case 500...: return .retry(reason: "\(response.status)", after: nil)
        default: return .permanent(reason: "\(response.status)")
        }
    }
}

/// Answers every request with the status `respond` gives, and remembers what it was sent.
final class FakeTransport: HTTPTransport {
    let respond: @Sendable (HTTPRequest) -> Int
    let sent = Mutex<[HTTPRequest]>([])

    init(_ respond: @escaping @Sendable (HTTPRequest) -> Int = { _ in 200 }) { self.respond = respond }

    func send(_ request: HTTPRequest) async -> HTTPOutcome {
        sent.withLock { $0.append(request) }
        return HTTPOutcome(result: .success(HTTPResponse(status: respond(request))))
    }

    var requests: [HTTPRequest] { sent.withLock { $0 } }
}

/// Names recorded by hooks.
final class Names: Sendable {
    private let value = Mutex<[String]>([])
    func append(_ name: String) { value.withLock { $0.append(name) } }
    var all: [String] { value.withLock { $0 } }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    let value: Mutex<Date>
    init(_ start: Date) { value = Mutex(start) }
    var now: Date { value.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

@Suite("Dispatcher")
struct DispatcherTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    /// 2021-06-01 10:00 in Shanghai.
    static let morning = CivilDate(iso: "2021-06-01")!.start(in: zone).addingTimeInterval(10 * 3600)

    struct Rig {
        let database: AppDatabase
        let clock: ManualClock
        let transport: FakeTransport
        let dispatcher: Dispatcher
        let dead: Names
        let paused: Names
    }

    func rig(start: Date = morning, settings: DispatchSettings = DispatchSettings(), respond: @escaping @Sendable (HTTPRequest) -> Int = { _ in 200 }) throws -> Rig {
        let database = try AppDatabase.inMemory()
        let clock = ManualClock(start)
        let transport = FakeTransport(respond)
        let dead = Names()
        let paused = Names()
        let dispatcher = Dispatcher(
            database: database, gateways: ["kannel": FakeGateway(name: "kannel"), "village-v1": FakeGateway(name: "village-v1")],
            transport: transport,
            policy: DispatchPolicy(settings: settings, quietHours: QuietHours("21:00-08:00")!, zone: Self.zone, robots: ["village-v1"]),
            owner: "test", logger: Logger(label: "test"), clock: { clock.now }, random: { 0.5 },
            hooks: .init(dead: { row, _ in dead.append(row.idempotencyKey) }, paused: { name, _ in paused.append(name) }))
        return Rig(database: database, clock: clock, transport: transport, dispatcher: dispatcher, dead: dead, paused: paused)
    }

    func enqueue(_ rig: Rig, _ keys: [String], channel: Channel = .sms, kind: DueEvent.Kind = .paymentRecorded, gateway: String? = nil) throws {
        let items = keys.enumerated().map { index, key in
            OutboxItem(idempotencyKey: key, eventKey: "E-\(key)", kind: kind, projectCode: "P1", channel: channel,
                       gateway: gateway ?? (channel == .sms ? "kannel" : "village-v1"),
                       recipient: channel == .sms ? String(format: "170000%05d", index) : "village-v1",
                       village: "甲村", payeeID: "H\(index)", text: "消息\(key)", title: nil, notBefore: rig.clock.now)
        }
        let events = items.map { DueEvent(key: $0.eventKey, kind: kind, projectCode: "P1", audiences: [], facts: .init()) }
        try rig.database.enqueue(events: events, items: items, now: rig.clock.now)
    }

    @Test func sendsAndRecordsEveryAttempt() async throws {
        let rig = try rig()
        try enqueue(rig, ["K1", "K2"])
        #expect(try await rig.dispatcher.runOnce() == 2)
        #expect(try rig.database.outboxCounts() == [.sent: 2])
        #expect(Set(rig.transport.requests.compactMap { $0.headers.value(for: "Idempotency-Key") }) == ["K1", "K2"])
        let row = try #require(try rig.database.deliveries(.init()).first)
        #expect(row.attempts.map(\.verdict) == ["delivered"])
        #expect(row.row.gatewayReference?.hasPrefix("ref-") == true)
    }

    @Test func retriesOnTheScheduleThenGivesUp() async throws {
        var settings = DispatchSettings()
        settings.pauseAfterFailingSeconds = 1e9  // never pause here: that has its own test
        let rig = try rig(settings: settings, respond: { _ in 503 })
        // A webhook: the schedule runs past 21:00, where an SMS would also wait for quiet hours.
        try enqueue(rig, ["K1"], channel: .webhook)
        try await rig.dispatcher.runOnce()
        let first = try #require(try rig.database.deliveries(.init()).first?.row)
        #expect(first.outboxState == .pending)
        #expect(first.nextAttemptAt == DispatcherTests.morning.addingTimeInterval(5))
        // Walk the whole schedule: 7 retries after the first attempt, then dead.
        for delay in RetryPolicy.standard.delays {
            #expect(try await rig.dispatcher.runOnce() == 0)
            rig.clock.advance(delay)
            #expect(try await rig.dispatcher.runOnce() == 1)
        }
        let last = try #require(try rig.database.deliveries(.init()).first)
        #expect(last.row.outboxState == .dead)
        #expect(last.attempts.count == 8)
        #expect(rig.dead.all == ["K1"])
    }

    @Test func permanentFailureIsDeadAtOnce() async throws {
        let rig = try rig(respond: { _ in 400 })
        try enqueue(rig, ["K1"])
        try await rig.dispatcher.runOnce()
        #expect(try rig.database.outboxCounts() == [.dead: 1])
        #expect(rig.dead.all == ["K1"])
    }

    @Test func retryAfterIsHonoured() async throws {
        let rig = try rig(respond: { _ in 429 })
        try enqueue(rig, ["K1"])
        try await rig.dispatcher.runOnce()
        #expect(try rig.database.deliveries(.init()).first?.row.nextAttemptAt == DispatcherTests.morning.addingTimeInterval(600))
    }

    @Test("SMS in quiet hours wait until 08:00 with no attempt counted")
    func quietHours() async throws {
        let night = CivilDate(iso: "2021-06-01")!.start(in: Self.zone).addingTimeInterval(22 * 3600)
        let rig = try rig(start: night)
        try enqueue(rig, ["K1"])
        try enqueue(rig, ["W1"], channel: .webhook)
        try await rig.dispatcher.runOnce()
        let rows = try rig.database.deliveries(.init())
        let sms = try #require(rows.first { $0.row.idempotencyKey == "K1" })
        #expect(sms.row.outboxState == .pending)
        #expect(sms.row.nextAttemptAt == CivilDate(iso: "2021-06-02")!.start(in: Self.zone).addingTimeInterval(8 * 3600))
        #expect(sms.attempts.isEmpty)
        // A robot's success is final: delivered, no receipt to wait for.
        #expect(rows.first { $0.row.idempotencyKey == "W1" }?.row.outboxState == .delivered)
    }

    @Test("a robot gets at most 20 a minute")
    func robotRateLimit() async throws {
        let rig = try rig()
        try enqueue(rig, (1...25).map { "W\($0)" }, channel: .webhook)
        try await rig.dispatcher.runOnce()
        #expect(rig.transport.requests.count == 20)
        #expect(try rig.database.outboxCounts() == [.delivered: 20, .pending: 5])
        rig.clock.advance(60)
        try await rig.dispatcher.runOnce()
        #expect(rig.transport.requests.count == 25)
    }

    @Test func villageAlertsGoOutAsOneDigest() async throws {
        let rig = try rig()
        try enqueue(rig, ["A1", "A2", "A3"], channel: .webhook, kind: .milestoneApproaching)
        try await rig.dispatcher.runOnce()
        #expect(rig.transport.requests.count == 1)
        let body = String(decoding: try #require(rig.transport.requests.first).body, as: UTF8.self)
        #expect(body.contains("消息A1") && body.contains("消息A2") && body.contains("消息A3"))
        #expect(try rig.database.outboxCounts() == [.delivered: 3])
    }

    @Test("a crashed sender's lease expires and the row is sent again with the same key")
    func leaseExpiry() async throws {
        let rig = try rig()
        try enqueue(rig, ["K1"])
        _ = try rig.database.claim(limit: 10, owner: "crashed", now: rig.clock.now, lease: 120)
        #expect(try await rig.dispatcher.runOnce() == 0)
        rig.clock.advance(121)
        #expect(try await rig.dispatcher.runOnce() == 1)
        #expect(rig.transport.requests.first?.headers.value(for: "Idempotency-Key") == "K1")
        #expect(try rig.database.outboxCounts() == [.sent: 1])
    }

    @Test func aGatewayFailingTooLongIsPausedUntilResumed() async throws {
        var settings = DispatchSettings()
        settings.pauseAfterFailingSeconds = 300
        let rig = try rig(settings: settings, respond: { _ in 503 })
        try enqueue(rig, ["K1", "K2"])
        try await rig.dispatcher.runOnce()
        #expect(rig.paused.all.isEmpty)
        rig.clock.advance(400)
        try await rig.dispatcher.runOnce()
        #expect(rig.paused.all == ["kannel"])
        rig.clock.advance(100_000)
        #expect(try await rig.dispatcher.runOnce() == 0)
        try rig.database.resume(gateway: "kannel", now: rig.clock.now)
        #expect(try await rig.dispatcher.runOnce() == 2)
    }
}
