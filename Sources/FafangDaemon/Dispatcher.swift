import FafangCore
import FafangDelivery
import FafangStore
import Foundation
import Logging
import Synchronization

/// Sends what the outbox holds: claims due rows in batches under a lease, holds SMS in quiet
/// hours and anything over a rate limit, groups a village's alerts into one digest, sends through
/// the gateway and the HTTP engine, records every attempt, and retries, gives up or pauses a
/// failing gateway as `DispatchPolicy` decides.
public final class Dispatcher: Sendable {
    /// Told when a message is given up, and when a gateway is paused (the daemon alerts the office).
    public struct Hooks: Sendable {
        public var dead: @Sendable (OutboxRecord, String) async -> Void
        public var paused: @Sendable (String, String) async -> Void

        public init(dead: @escaping @Sendable (OutboxRecord, String) async -> Void = { _, _ in },
                    paused: @escaping @Sendable (String, String) async -> Void = { _, _ in }) {
            self.dead = dead
            self.paused = paused
        }
    }

    let database: AppDatabase
    private let gateways: LiveConfiguration<[String: any Gateway]>
    let transport: any HTTPTransport
    let owner: String
    let logger: Logger
    let clock: @Sendable () -> Date
    let random: @Sendable () -> Double
    let hooks: Hooks
    let settings: DispatchSettings
    let metrics: any DeliveryMetrics
    private let policy: Mutex<DispatchPolicy>
    /// Gateways whose last round failed (their `failing_since` is set in the store).
    private let failing = Mutex<Set<String>>([])

    public init(database: AppDatabase, gateways: [String: any Gateway], transport: any HTTPTransport, policy: DispatchPolicy,
                owner: String = "fafang-\(ProcessInfo.processInfo.processIdentifier)", logger: Logger,
                clock: @escaping @Sendable () -> Date = { Date() }, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                hooks: Hooks = Hooks(), metrics: any DeliveryMetrics = NoDeliveryMetrics()) {
        self.database = database
        self.gateways = LiveConfiguration(gateways)
        self.transport = transport
        self.owner = owner
        self.logger = logger
        self.clock = clock
        self.random = random
        self.hooks = hooks
        self.settings = policy.settings
        self.metrics = metrics
        self.policy = Mutex(policy)
    }

    /// Swaps the gateways (after a configuration reload); sends in flight finish on the old ones.
    public func replaceGateways(_ newGateways: [String: any Gateway]) { gateways.replace(with: newGateways) }

    /// Claims one batch and sends it; returns how many rows were claimed (0: nothing due).
    @discardableResult
    public func runOnce() async throws -> Int {
        let rows = try database.claim(limit: settings.batchSize, owner: owner, now: clock(), lease: settings.leaseSeconds)
        guard !rows.isEmpty else { return 0 }
        let groups = Self.digestGroups(rows)
        let round = Round()
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for rows in groups {
                if running >= settings.concurrency {
                    await group.next()
                    running -= 1
                }
                group.addTask { await self.process(rows, into: round) }
                running += 1
            }
        }
        await flush(round)
        return rows.count
    }

    /// Rows in claim order, a village's alerts to one endpoint gathered into one group.
    static func digestGroups(_ rows: [OutboxRecord]) -> [[OutboxRecord]] {
        var groups: [[OutboxRecord]] = []
        var index: [String: Int] = [:]
        let digest = Set(DispatchPolicy.digestKinds.map(\.rawValue))
        for row in rows {
            guard row.channel == Channel.webhook.rawValue, digest.contains(row.kind) else {
                groups.append([row])
                continue
            }
            let key = row.gateway + "\u{1F}" + row.recipient
            if let at = index[key] { groups[at].append(row) } else {
                index[key] = groups.count
                groups.append([row])
            }
        }
        return groups
    }

    private func metadata(_ row: OutboxRecord) -> Logger.Metadata {
        ["outbox.id": "\(row.id ?? 0)", "delivery.channel": "\(row.channel)", "delivery.gateway": "\(row.gateway)",
         "delivery.recipient": "\(row.maskedRecipient)", "event.kind": "\(row.kind)", "project.code": "\(row.projectCode)"]
    }

    /// A completion's log metadata, built only when a line is logged (the logger takes it as an
    /// autoclosure): at thousands of messages a second, building it for nothing costs.
    private func metadata(_ completion: Completion) -> Logger.Metadata {
        var meta = metadata(completion.row)
        if let attempt = completion.attempt {
            meta["http.status"] = attempt.httpStatus.map { "\($0)" }
            meta["curl.code"] = attempt.curlCode.map { "\($0)" }
            meta["delivery.attempt"] = "\(completion.row.attempts + 1)"
        }
        return meta.merging(completion.extra) { $1 }
    }

    func process(_ claimed: [OutboxRecord], into round: Round) async {
        let row = claimed[0]
        let now = clock()
        let channel = row.outboxChannel ?? .webhook
        let gate = policy.withLock {
            $0.gate(channel: channel, gateway: row.gateway, recipient: row.recipient, firstAttempt: row.attempts == 0, now: now)
        }
        if case let .hold(until, reason) = gate {
            for held in claimed {
                round.add(Completion(row: held, attempt: nil, result: .deferred(until: until), verdict: nil,
                                     extra: ["outbox.until": "\(until)", "reason": "\(reason)"]))
            }
            return
        }
        guard let gateway = gateways.current[row.gateway] else {
            giveUp(claimed, reason: "no gateway or endpoint named \(row.gateway) in the configuration", now: now, into: round)
            return
        }
        var group = claimed
        if channel == .webhook, let kind = DueEvent.Kind(rawValue: row.kind), DispatchPolicy.digestKinds.contains(kind) {
            let companions = (try? database.claimCompanions(of: row, kinds: DispatchPolicy.digestKinds.map(\.rawValue), owner: owner,
                                                             now: now, dueBy: now.addingTimeInterval(settings.digestWindowSeconds),
                                                             lease: settings.leaseSeconds)) ?? []
            group += companions
        }
        let message: OutboundMessage
        do {
            message = try outbound(group, channel: channel)
        } catch {
            giveUp(group, reason: "\(error)", now: now, into: round)
            return
        }
        let request: HTTPRequest
        do {
            request = try gateway.request(for: message, now: now)
        } catch {
            giveUp(group, reason: error.description, now: now, into: round)
            return
        }
        let started = Date()
        let outcome = await transport.send(request)
        let elapsed = Date().timeIntervalSince(started)
        let finished = clock()
        metrics.observeAttempt(channel: row.channel, gateway: row.gateway, duration: .nanoseconds(Int64(max(0, elapsed) * 1e9)))
        let verdict = gateway.interpret(outcome, for: message, now: finished)
        record(group, outcome: outcome, verdict: verdict, started: now, elapsed: elapsed, now: finished, into: round)
    }

    /// The message for a row, or for a village digest of several.
    private func outbound(_ group: [OutboxRecord], channel: Channel) throws -> OutboundMessage {
        let first = group[0]
        let recipient: Recipient
        if channel == .sms {
            guard let phone = PhoneNumber(first.recipient) else {
                throw GatewayError(gateway: first.gateway, message: "not a mobile number: \(Mask.phone(first.recipient))")
            }
            recipient = .phone(phone)
        } else {
            recipient = .endpoint(first.recipient)
        }
        if group.count == 1 {
            return OutboundMessage(idempotencyKey: first.idempotencyKey, recipient: recipient, text: first.text, title: first.title)
        }
        // A digest keeps a stable key: the same rows always make the same key.
        let key = first.idempotencyKey + "+" + String(group.count - 1)
        let text = group.map(\.text).joined(separator: "\n\n———\n\n")
        return OutboundMessage(idempotencyKey: key, recipient: recipient, text: text, title: "\(group.count)条提醒")
    }

    private func record(_ group: [OutboxRecord], outcome: HTTPOutcome, verdict: DeliveryVerdict, started: Date, elapsed: TimeInterval,
                        now: Date, into round: Round) {
        let (status, curlCode, detail) = Self.describe(outcome, verdict)
        let verdictName: String
        switch verdict {
        case .delivered: verdictName = "delivered"
        case .retry: verdictName = "retry"
        case .permanent: verdictName = "permanent"
        }
        for row in group {
            guard let id = row.id else { continue }
            var result = policy.withLock { $0.after(verdict, attempts: row.attempts + 1, now: now, random: random()) }
            // A robot or webhook that answered success has delivered: no receipt will follow.
            if row.channel == Channel.webhook.rawValue, case let .sent(reference) = result { result = .delivered(reference: reference) }
            let attempt = AttemptRecord(outboxID: id, number: 0, startedAt: started, durationMilliseconds: Int(elapsed * 1000),
                                        httpStatus: status, curlCode: curlCode, verdict: verdictName, detail: detail)
            round.add(Completion(row: row, attempt: attempt, result: result, verdict: verdict))
        }
    }

    /// Writes a round's results in one transaction, then logs, counts, tells the office of dead
    /// messages and notes each gateway's health.
    private func flush(_ round: Round) async {
        let completions = round.all
        guard !completions.isEmpty else { return }
        let now = clock()
        let items = completions.compactMap { completion in
            completion.row.id.map { AppDatabase.Finish(id: $0, attempt: completion.attempt, result: completion.result) }
        }
        let kept: [Bool]
        do {
            kept = try database.finish(items, owner: owner, now: now)
        } catch {
            logger.error("could not record a round's results; its rows return when their leases expire", metadata: ["error": "\(error)"])
            return
        }
        var deadRows: [(OutboxRecord, String)] = []
        var health: [String: DeliveryVerdict] = [:]
        for (completion, wasKept) in zip(completions, kept) {
            let row = completion.row
            guard wasKept else {
                logger.warning("lease lost before the result was recorded", metadata: metadata(completion))
                continue
            }
            switch completion.result {
            case .sent:
                logger.info("sent", metadata: metadata(completion))
                metrics.countMessage(channel: row.channel, gateway: row.gateway, outcome: .sent)
            case .delivered:
                logger.info("delivered", metadata: metadata(completion))
                metrics.countMessage(channel: row.channel, gateway: row.gateway, outcome: .delivered)
            case let .retry(at, error):
                logger.notice("will retry", metadata: metadata(completion).merging(["outbox.retry_at": "\(at)", "reason": "\(error)"]) { $1 })
                metrics.countMessage(channel: row.channel, gateway: row.gateway, outcome: .retry)
            case let .dead(error):
                logger.error("given up", metadata: metadata(completion).merging(["reason": "\(error)"]) { $1 })
                metrics.countMessage(channel: row.channel, gateway: row.gateway, outcome: .dead)
                deadRows.append((row, error))
            case .deferred:
                logger.debug("held", metadata: metadata(completion))
            }
            // A gateway's round counts as a success if any of its messages got through.
            if let verdict = completion.verdict {
                if case .retry = health[row.gateway] ?? .retry(reason: "", after: nil) { health[row.gateway] = verdict }
            }
        }
        for (gateway, verdict) in health.sorted(by: { $0.key < $1.key }) { await noteHealth(gateway: gateway, verdict: verdict, now: now) }
        for (row, reason) in deadRows { await hooks.dead(row, reason) }
    }

    /// A gateway that answers with retryable failures only, for longer than the configured
    /// time, is paused and the office told; any success clears it.
    private func noteHealth(gateway: String, verdict: DeliveryVerdict, now: Date) async {
        switch verdict {
        case .delivered, .permanent:
            // Only a gateway known to be failing needs its record cleared.
            if failing.withLock({ $0.remove(gateway) }) != nil { try? database.noteSuccess(gateway: gateway) }
        case .retry:
            failing.withLock { _ = $0.insert(gateway) }
            guard let since = try? database.noteFailure(gateway: gateway, now: now),
                  now.timeIntervalSince(since) >= settings.pauseAfterFailingSeconds
            else { return }
            let reason = "failing since \(since) without a success"
            if (try? database.pause(gateway: gateway, reason: reason, now: now)) == true {
                logger.critical("gateway paused", metadata: ["delivery.gateway": "\(gateway)", "reason": "\(reason)"])
                await hooks.paused(gateway, reason)
            }
        }
    }

    private func giveUp(_ group: [OutboxRecord], reason: String, now: Date, into round: Round) {
        let text = Redaction.text(reason)
        for row in group {
            guard let id = row.id else { continue }
            let attempt = AttemptRecord(outboxID: id, number: 0, startedAt: now, durationMilliseconds: 0, httpStatus: nil, curlCode: nil,
                                        verdict: "permanent", detail: text)
            round.add(Completion(row: row, attempt: attempt, result: .dead(error: text), verdict: nil))
        }
    }

    static func describe(_ outcome: HTTPOutcome, _ verdict: DeliveryVerdict) -> (Int?, Int?, String) {
        let reason: String
        switch verdict {
        case let .delivered(reference): reason = reference.map { "accepted, reference \($0)" } ?? "accepted"
        case let .retry(text, _): reason = text
        case let .permanent(text): reason = text
        }
        switch outcome.result {
        case let .success(response): return (response.status, 0, Redaction.text(reason))
        case let .failure(error): return (nil, Int(error.code), Redaction.text(reason))
        }
    }
}

/// What became of one row in a round, recorded with the others in one transaction.
struct Completion: Sendable {
    var row: OutboxRecord
    var attempt: AttemptRecord?
    var result: AppDatabase.AttemptResult
    /// The gateway's verdict when a request was sent (for its health), nil when held or refused.
    var verdict: DeliveryVerdict?
    /// Log metadata beyond the row's and the attempt's (why a row was held).
    var extra: Logger.Metadata = [:]
}

/// The completions of one round, gathered from its concurrent sends.
final class Round: Sendable {
    private let completions = Mutex<[Completion]>([])

    func add(_ completion: Completion) { completions.withLock { $0.append(completion) } }
    var all: [Completion] { completions.withLock { $0 } }
}
