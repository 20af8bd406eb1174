import FafangCore
import FafangDaemon
import FafangDelivery
import FafangStore
import FafangTestSupport
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

@Suite("Dispatcher")
struct DispatcherTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    /// 2021-06-01 10:00 in Shanghai.
    static let morning = CivilDate(iso: "2021-06-01")!.start(in: zone).addingTimeInterval(10 * 3600)

    struct Rig {
        let database: SQLiteStore
        let clock: ManualClock
        let transport: FakeTransport
        let dispatcher: Dispatcher<ManualClock>
        let dead: Names
        let paused: Names
    }

    func rig(start: Date = morning, settings: DispatchSettings = DispatchSettings(), quietDays: QuietDays = .none,
             respond: @escaping @Sendable (HTTPRequest) -> Int = { _ in 200 }) throws -> Rig {
        let database = try SQLiteStore.inMemory()
        let clock = ManualClock(start)
        let transport = FakeTransport(respond)
        let dead = Names()
        let paused = Names()
        var runtime = DispatchRuntime(gateways: ["kannel": FakeGateway(name: "kannel"), "village-v1": FakeGateway(name: "village-v1")],
                                      settings: settings, quietHours: QuietHours("21:00-08:00")!, zone: Self.zone, robots: ["village-v1"])
        runtime.quietDays = quietDays
        let fixed = runtime
        let dispatcher = Dispatcher(
            store: database, runtime: { fixed }, transport: transport,
            owner: "test", logger: Logger(label: "test"), clock: clock, random: { 0.5 },
            hooks: .init(dead: { row, _ in dead.append(row.idempotencyKey) }, paused: { health, _ in paused.append(health.name) }))
        return Rig(database: database, clock: clock, transport: transport, dispatcher: dispatcher, dead: dead, paused: paused)
    }

    func enqueue(_ rig: Rig, _ keys: [String], channel: Channel = .sms, kind: DueEvent.Kind = .paymentRecorded, gateway: String? = nil) async throws {
        let items = keys.enumerated().map { index, key in
            OutboxItem(idempotencyKey: key, eventKey: "E-\(key)", kind: kind, projectCode: "P1", channel: channel,
                       gateway: gateway ?? (channel == .sms ? "kannel" : "village-v1"),
                       recipient: channel == .sms ? String(format: "170000%05d", index) : "village-v1",
                       village: "甲村", payeeID: "H\(index)", text: "消息\(key)", title: nil, notBefore: rig.clock.now)
        }
        let events = items.map { DueEvent(key: $0.eventKey, kind: kind, projectCode: "P1", audiences: [], facts: .init()) }
        try await rig.database.enqueue(EnqueueBatch(events: events, items: items), now: rig.clock.now)
    }

    @Test func sendsAndRecordsEveryAttempt() async throws {
        let rig = try rig()
        try await enqueue(rig, ["K1", "K2"])
        #expect(try await rig.dispatcher.runOnce() == 2)
        #expect(try await rig.database.outboxCounts() == [.sent: 2])
        #expect(Set(rig.transport.requests.compactMap { $0.headers.value(for: "Idempotency-Key") }) == ["K1", "K2"])
        let row = try #require(try await rig.database.deliveries(DeliveryFilter()).first)
        #expect(row.attempts.map(\.verdict) == [.delivered])
        #expect(row.message.gatewayReference?.hasPrefix("ref-") == true)
    }

    @Test func retriesOnTheScheduleThenGivesUp() async throws {
        var settings = DispatchSettings()
        settings.health.pauseAfter = 1e9  // never pause here: that has its own test
        let rig = try rig(settings: settings, respond: { _ in 503 })
        // A webhook: the schedule runs past 21:00, where an SMS would also wait for quiet hours.
        try await enqueue(rig, ["K1"], channel: .webhook)
        try await rig.dispatcher.runOnce()
        let first = try #require(try await rig.database.deliveries(DeliveryFilter()).first?.message)
        #expect(first.state == .pending)
        #expect(first.nextAttemptAt == DispatcherTests.morning.addingTimeInterval(5))
        // Walk the whole schedule: 7 retries after the first attempt, then dead.
        for delay in RetryPolicy.standard.delays {
            #expect(try await rig.dispatcher.runOnce() == 0)
            rig.clock.advance(by: delay)
            #expect(try await rig.dispatcher.runOnce() == 1)
        }
        let last = try #require(try await rig.database.deliveries(DeliveryFilter()).first)
        #expect(last.message.state == .dead)
        #expect(last.attempts.count == 8)
        #expect(rig.dead.all == ["K1"])
    }

    @Test func permanentFailureIsDeadAtOnce() async throws {
        let rig = try rig(respond: { _ in 400 })
        try await enqueue(rig, ["K1"])
        try await rig.dispatcher.runOnce()
        #expect(try await rig.database.outboxCounts() == [.dead: 1])
        #expect(rig.dead.all == ["K1"])
    }

    @Test func retryAfterIsHonoured() async throws {
        let rig = try rig(respond: { _ in 429 })
        try await enqueue(rig, ["K1"])
        try await rig.dispatcher.runOnce()
        #expect(try await rig.database.deliveries(DeliveryFilter()).first?.message.nextAttemptAt == DispatcherTests.morning.addingTimeInterval(600))
    }

    @Test("SMS in quiet hours wait until 08:00 with no attempt counted")
    func quietHours() async throws {
        let night = CivilDate(iso: "2021-06-01")!.start(in: Self.zone).addingTimeInterval(22 * 3600)
        let rig = try rig(start: night)
        try await enqueue(rig, ["K1"])
        try await enqueue(rig, ["W1"], channel: .webhook)
        try await rig.dispatcher.runOnce()
        let rows = try await rig.database.deliveries(DeliveryFilter())
        let sms = try #require(rows.first { $0.message.idempotencyKey == "K1" })
        #expect(sms.message.state == .pending)
        #expect(sms.message.nextAttemptAt == CivilDate(iso: "2021-06-02")!.start(in: Self.zone).addingTimeInterval(8 * 3600))
        #expect(sms.attempts.isEmpty)
        // A robot's success is final: delivered, no receipt to wait for.
        #expect(rows.first { $0.message.idempotencyKey == "W1" }?.message.state == .delivered)
    }

    @Test("a robot gets at most 20 a minute")
    func robotRateLimit() async throws {
        let rig = try rig()
        try await enqueue(rig, (1...25).map { "W\($0)" }, channel: .webhook)
        try await rig.dispatcher.runOnce()
        #expect(rig.transport.requests.count == 20)
        #expect(try await rig.database.outboxCounts() == [.delivered: 20, .pending: 5])
        rig.clock.advance(by: 60)
        try await rig.dispatcher.runOnce()
        #expect(rig.transport.requests.count == 25)
    }

    @Test func villageAlertsGoOutAsOneDigest() async throws {
        let rig = try rig()
        try await enqueue(rig, ["A1", "A2", "A3"], channel: .webhook, kind: .milestoneApproaching)
        try await rig.dispatcher.runOnce()
        #expect(rig.transport.requests.count == 1)
        let body = String(decoding: try #require(rig.transport.requests.first).body, as: UTF8.self)
        #expect(body.contains("消息A1") && body.contains("消息A2") && body.contains("消息A3"))
        #expect(try await rig.database.outboxCounts() == [.delivered: 3])
    }

    @Test("a crashed sender's lease expires and the row is sent again with the same key")
    func leaseExpiry() async throws {
        let rig = try rig()
        try await enqueue(rig, ["K1"])
        _ = try await rig.database.claim(limit: 10, owner: "crashed", now: rig.clock.now, lease: 120)
        #expect(try await rig.dispatcher.runOnce() == 0)
        rig.clock.advance(by: 121)
        #expect(try await rig.dispatcher.runOnce() == 1)
        #expect(rig.transport.requests.first?.headers.value(for: "Idempotency-Key") == "K1")
        #expect(try await rig.database.outboxCounts() == [.sent: 1])
    }

    /// On main before the lifecycle, three failures in 35 minutes paused a robot for good.
    @Test("a gateway is paused only after failing for the whole window, probed, and resumed by a success")
    func pauseProbeResume() async throws {
        var settings = DispatchSettings()
        settings.health = HealthRules(pauseAfter: 86_400, minimumFailures: 5, probeEvery: 300)
        settings.retry = RetryPolicy(delays: Array(repeating: 600, count: 400), jitter: 0)
        let failing = Seen<Bool>()
        let rig = try rig(settings: settings, respond: { _ in failing.all.isEmpty ? 503 : 200 })
        try await enqueue(rig, ["W1"], channel: .webhook, gateway: "village-v1")
        // Three failures in 35 minutes: not paused (the window is a day).
        for _ in 0..<3 {
            try await rig.dispatcher.runOnce()
            rig.clock.advance(by: 601)
        }
        #expect(rig.paused.all.isEmpty)
        // Failing all day: paused once the window is full.
        while rig.paused.all.isEmpty, rig.clock.now < DispatcherTests.morning.addingTimeInterval(2 * 86_400) {
            try await rig.dispatcher.runOnce()
            rig.clock.advance(by: 601)
        }
        #expect(rig.paused.all == ["village-v1"])
        #expect(try await rig.database.health(of: "village-v1").pauseCause == .failing)
        // Another message waits while paused, but one probe goes every five minutes.
        try await enqueue(rig, ["W2"], channel: .webhook, gateway: "village-v1")
        let before = rig.transport.requests.count
        rig.clock.advance(by: 300)
        #expect(try await rig.dispatcher.runOnce() == 1)
        #expect(rig.transport.requests.count == before + 1)
        #expect(try await rig.dispatcher.runOnce() == 0)
        // The endpoint recovers: the next probe resumes it, and the rest goes at once.
        failing.append(true)  // from now on: 200
        rig.clock.advance(by: 300)
        try await rig.dispatcher.runOnce()
        #expect(try await rig.database.health(of: "village-v1").isPaused == false)
        try await rig.dispatcher.runOnce()
        #expect(try await rig.database.outboxCounts() == [.delivered: 2])
    }

    @Test("a digest's key follows the set of messages it carries")
    func digestKey() async throws {
        let rig = try rig()
        try await enqueue(rig, ["A1", "A2"], channel: .webhook, kind: .milestoneApproaching)
        try await rig.dispatcher.runOnce()
        let key = try #require(rig.transport.requests.first?.headers.value(for: "Idempotency-Key"))
        #expect(key == IdempotencyKey.digest(of: ["A2", "A1"]))
        #expect(key != IdempotencyKey.digest(of: ["A1", "A3"]))
    }

    @Test("a message whose gateway is not configured is kept, with why, not given up")
    func missingGatewayIsKept() async throws {
        let rig = try rig()
        try await enqueue(rig, ["K1"], gateway: "renamed")
        try await rig.dispatcher.runOnce()
        let message = try #require(try await rig.database.deliveries(DeliveryFilter()).first?.message)
        #expect(message.state == .pending)
        #expect(message.lastError?.contains("no gateway or endpoint named renamed") == true)
        #expect(rig.dead.all.isEmpty)
    }

    @Test("gateways get wall-clock time, whatever the daemon's clock says")
    func transportTimeIsWallClock() async throws {
        let seen = Seen<Date>()
        let runtime = DispatchRuntime(gateways: ["kannel": ClockSpy(name: "kannel", seen: seen)], settings: DispatchSettings(),
                                      quietHours: QuietHours(start: 0, end: 0), zone: Self.zone, robots: [])
        let database = try SQLiteStore.inMemory()
        let clock = ManualClock(Self.morning)  // 2021
        let dispatcher = Dispatcher(store: database, runtime: { runtime }, transport: FakeTransport(), logger: Logger(label: "test"), clock: clock)
        let rig = Rig(database: database, clock: clock, transport: FakeTransport(), dispatcher: dispatcher, dead: Names(), paused: Names())
        try await enqueue(rig, ["K1"])
        let before = Date()
        try await dispatcher.runOnce()
        let stamp = try #require(seen.all.first)
        #expect(stamp >= before && stamp <= Date())
    }

    @Test("cloud SMS gets the message's kind and template parameters")
    func templateParametersReachTheGateway() async throws {
        let seen = Seen<OutboundMessage>()
        let runtime = DispatchRuntime(gateways: ["kannel": ClockSpy(name: "kannel", messages: seen)], settings: DispatchSettings(),
                                      quietHours: QuietHours(start: 0, end: 0), zone: Self.zone, robots: [])
        let database = try SQLiteStore.inMemory()
        let clock = ManualClock(Self.morning)
        let dispatcher = Dispatcher(store: database, runtime: { runtime }, transport: FakeTransport(), logger: Logger(label: "test"), clock: clock)
        let item = OutboxItem(idempotencyKey: "K1", eventKey: "E1", kind: .paymentRecorded, projectCode: "P1", channel: .sms, gateway: "kannel",
                              recipient: "17000000001", village: nil, payeeID: "H1", text: "您好", title: nil,
                              templateParameters: ["payee_name": "王淑兰", "amount": "4,950.00"], notBefore: clock.now)
        try await database.enqueue(EnqueueBatch(events: [DueEvent(key: "E1", kind: .paymentRecorded, projectCode: "P1", audiences: [], facts: .init())],
                                                items: [item]), now: clock.now)
        try await dispatcher.runOnce()
        let message = try #require(seen.all.first)
        #expect(message.kind == .paymentRecorded)
        #expect(message.templateParameters == ["payee_name": "王淑兰", "amount": "4,950.00"])
    }
}

/// Values noted from concurrent code.
final class Seen<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}

/// A gateway that notes the `now` and the messages it is given.
struct ClockSpy: Gateway {
    let name: String
    var seen = Seen<Date>()
    var messages = Seen<OutboundMessage>()

    func request(for message: OutboundMessage, now: Date) throws(GatewayError) -> HTTPRequest {
        seen.append(now)
        messages.append(message)
        return HTTPRequest(method: .post, url: "http://127.0.0.1:9/\(name)")
    }

    func interpret(_ outcome: HTTPOutcome, for message: OutboundMessage, now: Date) -> DeliveryVerdict { .delivered(reference: nil) }
}
