import FafangCore
import FafangDelivery
import Foundation
import Logging
import Synchronization

/// Sends what the outbox holds: claims due messages in batches under a lease, holds SMS in quiet
/// hours and anything over a rate limit, groups a village's alerts into one digest and a cloud
/// SMS gateway's messages into batches, sends through the gateway and the HTTP engine, and
/// writes what `MessageLifecycle` makes of each result, with every attempt. A gateway that keeps
/// failing is paused as `GatewayHealth` decides, probed while paused and resumed on success.
///
/// Generic over the clock that schedules (the daemon's, virtual in rehearsals); transport
/// timestamps given to gateways are always wall-clock time.
public final class Dispatcher<Clock: InstantClock>: Sendable {
    /// Told when a message is given up, and when a gateway is paused or resumed (the daemon
    /// alerts the office).
    public struct Hooks: Sendable {
        public var dead: @Sendable (OutboxMessage, String) async -> Void
        public var paused: @Sendable (GatewayHealth, String) async -> Void
        public var resumed: @Sendable (String) async -> Void

        public init(dead: @escaping @Sendable (OutboxMessage, String) async -> Void = { _, _ in },
                    paused: @escaping @Sendable (GatewayHealth, String) async -> Void = { _, _ in },
                    resumed: @escaping @Sendable (String) async -> Void = { _ in }) {
            self.dead = dead
            self.paused = paused
            self.resumed = resumed
        }
    }

    public let store: any Store
    let runtime: @Sendable () -> DispatchRuntime
    let transport: any HTTPTransport
    /// This instance's lease owner: random, so two processes (or a restarted one) never share it.
    public let owner: String
    let logger: Logger
    let clock: Clock
    let random: @Sendable () -> Double
    let hooks: Hooks
    let metrics: any DeliveryMetrics
    /// Out of space: told when a write fails for lack of it, and when held results are written.
    public let storeHealth: StoreHealth
    private let policy: Mutex<DispatchPolicy?>
    /// Gateways' health, read from the store at the first round and written through.
    private let health = Mutex<[String: GatewayHealth]?>(nil)

    public init(store: any Store, runtime: @escaping @Sendable () -> DispatchRuntime, transport: any HTTPTransport,
                owner: String = InstanceID.make(), logger: Logger, clock: Clock,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, hooks: Hooks = Hooks(),
                metrics: any DeliveryMetrics = NoDeliveryMetrics(), storeHealth: StoreHealth? = nil) {
        self.store = store
        self.runtime = runtime
        self.transport = transport
        self.owner = owner
        self.logger = logger
        self.clock = clock
        self.random = random
        self.hooks = hooks
        self.metrics = metrics
        self.storeHealth = storeHealth ?? StoreHealth(logger: logger, now: { clock.now })
        self.policy = Mutex(nil)
    }

    /// Claims one batch (and any probe due), sends it and writes every result; returns how many
    /// messages were claimed (0: nothing due). `drain` with one claim.
    @discardableResult
    public func runOnce() async throws -> Int {
        try await drain(claims: 1)
    }

    /// Claims, sends and writes until nothing is due and nothing is in flight; returns how many
    /// messages were claimed (0: nothing due).
    ///
    /// A pipeline, not rounds: `concurrency` senders each take the next claimed group as soon as
    /// their previous send is done, while this task writes what has finished since its last write
    /// (one transaction, once half of `concurrency` or everything outstanding is done) and claims
    /// more when fewer than half of `batch_size` are in flight. The network never waits for the
    /// database, nor the database for the slowest send.
    ///
    /// When a write fails for lack of space (`StoreHealth`), nothing of it was written: its
    /// results are kept here, nothing more is claimed, the sends in flight finish and join them,
    /// and the write is tried again every `StoreHealth.retryInterval` until it succeeds (each
    /// write is fenced by the state and lease holder it started from, so a lease that ran out
    /// meanwhile does not matter unless another daemon took the message). Then claiming
    /// resumes. While the store is out of space for another writer, nothing is claimed and
    /// `drain` returns once what is in flight is written.
    ///
    /// - Parameters:
    ///   - claims: at most this many claims (tests: one batch at a time).
    ///   - stopClaiming: checked before each claim (shutdown): what was claimed is still sent and written.
    @discardableResult
    public func drain(claims: Int = .max, stopClaiming: @escaping @Sendable () -> Bool = { false }) async throws -> Int {
        let first = runtime()
        try await prepare(first)
        let feed = SendFeed<Dispatch>()
        let round = Round()
        let bell = WakeSignal()
        var claimError: Error?
        var claimedTotal = 0
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, first.settings.concurrency) {
                group.addTask {
                    while let next = await feed.next() {
                        await self.process(next.messages, runtime: next.runtime, into: round)
                        round.finished(next.messages.map(\.id))
                        bell.signal()
                    }
                }
            }
            var claimsLeft = claims
            // Claimed and not yet written; of those, finished (their completions in `unwritten`).
            var outstanding = 0
            var unwritten: [Completion] = []
            var unwrittenFinished = 0
            // The ids of the claimed messages not yet written. A claim that hands one of them
            // back (its lease ran out while it was being sent: a lease shorter than the send, or
            // the clock stepped forward) does not send it twice: the send in flight finishes it.
            var unwrittenIDs: Set<Int64> = []
            var finishedIDs: [Int64] = []
            var exhausted = false
            // Set while results could not be written for lack of space: when to try again.
            var writeAgainAt: ContinuousClock.Instant?
            // A transaction per finished send would rewrite the same pages again and again: write
            // once half the senders' worth is done, or everything outstanding is.
            let writeAtLeast = max(1, first.settings.concurrency / 2)
            while true {
                let done = round.take()
                unwritten += done.completions
                unwrittenFinished += done.finished.count
                finishedIDs += done.finished
                var wrote = false
                let writeDue = writeAgainAt.map { ContinuousClock.now >= $0 } ?? true
                let writeNow = writeAgainAt == nil
                    ? unwrittenFinished > 0 && (unwrittenFinished == outstanding || unwritten.count >= writeAtLeast)
                    : writeDue && (!unwritten.isEmpty || unwrittenFinished > 0)
                if writeNow {
                    let kept = unwritten.isEmpty ? [] : await flush(unwritten, runtime: runtime())
                    outstanding -= unwrittenFinished
                    unwrittenIDs.subtract(finishedIDs)
                    unwritten = kept
                    unwrittenFinished = 0
                    finishedIDs = []
                    // Not written: theirs still, and never sent again while they wait.
                    unwrittenIDs.formUnion(kept.map(\.before.id))
                    if kept.isEmpty {
                        if writeAgainAt != nil { storeHealth.recovered(by: "the results held") }
                        writeAgainAt = nil
                    } else {
                        writeAgainAt = ContinuousClock.now + storeHealth.retryInterval
                    }
                    storeHealth.holding(kept.count)
                    wrote = true
                }
                let current = runtime()
                let batch = max(1, current.settings.batchSize)
                let inFlight = outstanding - unwrittenFinished
                var claimed = 0
                // Out of space (for this writer or another): claim nothing more.
                if writeAgainAt != nil || storeHealth.isOutOfSpace { exhausted = true }
                if !exhausted, claimsLeft > 0, inFlight <= batch / 2, !stopClaiming() {
                    do {
                        try await prepare(current)
                        let now = clock.now
                        var messages = try await store.claim(limit: batch - inFlight, owner: owner, now: now,
                                                             lease: current.settings.leaseSeconds)
                        messages += try await claimProbes(current, now: now)
                        let again = messages.filter { unwrittenIDs.contains($0.id) }
                        if !again.isEmpty {
                            logger.warning("claimed again while still being sent: not sent twice (its lease ran out early; did the clock jump?)",
                                           metadata: ["outbox.ids": "\(again.map(\.id).sorted().prefix(20).map(String.init).joined(separator: ","))",
                                                      "outbox.count": "\(again.count)"])
                            messages.removeAll { unwrittenIDs.contains($0.id) }
                        }
                        unwrittenIDs.formUnion(messages.map(\.id))
                        claimsLeft -= 1
                        claimed = messages.count
                        claimedTotal += claimed
                        outstanding += claimed
                        // Nothing more is due now; what is in flight still finishes.
                        if messages.isEmpty { exhausted = true }
                        feed.push(Self.groups(messages, gateways: current.gateways).map { Dispatch(messages: $0, runtime: current) })
                    } catch {
                        if !storeHealth.failed(error, during: "claiming") { claimError = error }
                        exhausted = true
                    }
                }
                if outstanding == 0, unwritten.isEmpty, exhausted || claimsLeft == 0 || stopClaiming() { break }
                if outstanding == 0, !unwritten.isEmpty, Task.isCancelled {
                    // Shutdown did not wait for space: these were sent and are not recorded. Their
                    // leases run out and they are sent again, with the same idempotency keys.
                    logger.critical("stopping with results not recorded for lack of space: these messages will be sent again",
                                    metadata: ["outbox.count": "\(unwritten.count)",
                                               "outbox.ids": "\(unwritten.map(\.before.id).sorted().prefix(20).map(String.init).joined(separator: ","))"])
                    break
                }
                if claimed == 0, !wrote {
                    if let writeAgainAt {
                        await bell.wait(timeout: max(.milliseconds(1), writeAgainAt - ContinuousClock.now))
                    } else {
                        await bell.wait()
                    }
                }
            }
            feed.finish()
        }
        if let claimError { throw claimError }
        return claimedTotal
    }

    /// Reads the rate-limit windows and the gateways' health from the store the first time, and
    /// takes the runtime's settings every time (a reload may have changed them).
    private func prepare(_ current: DispatchRuntime) async throws {
        if policy.withLock({ $0 == nil }) {
            var fresh = DispatchPolicy(settings: current.settings, quietHours: current.quietHours, quietDays: current.quietDays, zone: current.zone, robots: current.robots)
            fresh.seed(try await store.recentAttempts(since: clock.now.addingTimeInterval(-86_400)))
            policy.withLock { if $0 == nil { $0 = fresh } }
        }
        policy.withLock { $0?.adopt(settings: current.settings, quietHours: current.quietHours, quietDays: current.quietDays, zone: current.zone, robots: current.robots) }
        // Read once; on a store several daemons share, before every claim (another daemon may
        // have paused, resumed or counted failures of a gateway).
        if health.withLock({ $0 == nil }) || store is any SharedStore {
            let known = try await store.gatewayHealth()
            let shared = store is any SharedStore
            health.withLock { if $0 == nil || shared { $0 = Dictionary(known.map { ($0.name, $0) }) { $1 } } }
        }
    }

    /// One due message of each gateway that is paused for failing and whose probe time came.
    private func claimProbes(_ current: DispatchRuntime, now: Date) async throws -> [OutboxMessage] {
        let due = health.withLock { ($0 ?? [:]).values.filter { $0.probeDue(now: now) } }
        var probes: [OutboxMessage] = []
        for var gateway in due.sorted(by: { $0.name < $1.name }) {
            guard let probe = try await store.claimProbe(gateway: gateway.name, owner: owner, now: now, lease: current.settings.leaseSeconds)
            else { continue }
            gateway.probing(now: now, rules: current.settings.health)
            try await store.save(gateway, requeueWaitingAt: nil)
            health.withLock { $0?[gateway.name] = gateway }
            logger.notice("probing a paused gateway", metadata: ["delivery.gateway": "\(gateway.name)", "outbox.id": "\(probe.id)"])
            probes.append(probe)
        }
        return probes
    }

    /// Messages in claim order, gathered into what goes in one request: a village's alerts to
    /// one endpoint (a digest), and a cloud SMS gateway's messages as its `batches` rule allows
    /// (same template, and for Tencent the same parameters, each phone once, up to its limit);
    /// every other message alone.
    static func groups(_ messages: [OutboxMessage], gateways: [String: any Gateway]) -> [[OutboxMessage]] {
        var groups: [[OutboxMessage]] = []
        var digests: [String: Int] = [:]
        var batched: [String: [OutboxMessage]] = [:]
        var batchOrder: [String] = []
        for message in messages {
            if message.channel == .webhook, DispatchPolicy.digestKinds.contains(message.kind) {
                let key = message.gateway + "\u{1F}" + message.recipient
                if let at = digests[key] { groups[at].append(message) } else {
                    digests[key] = groups.count
                    groups.append([message])
                }
            } else if message.channel == .sms, let gateway = gateways[message.gateway], gateway.batchLimit > 1 {
                if batched[message.gateway] == nil { batchOrder.append(message.gateway) }
                batched[message.gateway, default: []].append(message)
            } else {
                groups.append([message])
            }
        }
        for name in batchOrder {
            guard let gateway = gateways[name], let members = batched[name] else { continue }
            let byKey = Dictionary(members.map { ($0.idempotencyKey, $0) }) { first, _ in first }
            guard let outbound = try? members.map({ try Self.outbound([$0], digest: false)[0] }) else {
                groups += members.map { [$0] }
                continue
            }
            groups += gateway.batches(outbound).map { batch in batch.compactMap { byKey[$0.idempotencyKey] } }
        }
        return groups
    }

    func process(_ claimed: [OutboxMessage], runtime current: DispatchRuntime, into round: Round) async {
        let first = claimed[0]
        let now = clock.now
        if storeHealth.isOutOfSpace {
            // Claimed and not yet sent: not sent now, whose result could not be recorded either.
            // Handed back due at once, written with the results held.
            for message in claimed { round.add(hold(message, until: now, reason: "not sent: the database has no space left")) }
            return
        }
        guard let gateway = current.gateways[first.gateway] else {
            // Kept, not given up: a reload that brings the gateway back sends it.
            let reason = "no gateway or endpoint named \(first.gateway) in the configuration"
            for message in claimed { round.add(hold(message, until: now.addingTimeInterval(current.missingGatewayRetrySeconds), reason: reason)) }
            return
        }
        // Gate each message; a digest is one request to its robot, so it is gated once.
        var sending: [OutboxMessage] = []
        let isDigest = first.channel == .webhook && DispatchPolicy.digestKinds.contains(first.kind)
        // On a store several daemons share, the rate limits are counted in it, by all of them.
        let shared = store as? any SharedStore
        for message in isDigest ? [first] : claimed {
            var gate = policy.withLock {
                $0?.gate(channel: message.channel, gateway: message.gateway, recipient: message.recipient,
                         firstAttempt: message.attempts == 0, now: now, counting: shared == nil) ?? .send
            }
            if let shared, gate == .send,
               let limit = policy.withLock({ $0?.limit(channel: message.channel, gateway: message.gateway, recipient: message.recipient,
                                                       firstAttempt: message.attempts == 0) }) {
                do {
                    if let until = try await shared.takeSlot(limit, now: now) { gate = .hold(until: until, reason: limit.reason) }
                } catch {
                    gate = .hold(until: now.addingTimeInterval(60), reason: "the shared rate limit could not be checked: \(Redaction.text("\(error)"))")
                }
            }
            switch gate {
            case .send: sending.append(message)
            case let .hold(until, reason):
                for held in isDigest ? claimed : [message] { round.add(hold(held, until: until, reason: reason)) }
            }
        }
        guard !sending.isEmpty else { return }
        if isDigest {
            sending = claimed
            let companions = (try? await store.claimCompanions(
                of: first, kinds: DispatchPolicy.digestKinds, owner: owner, now: now,
                dueBy: now.addingTimeInterval(current.settings.digestWindowSeconds), lease: current.settings.leaseSeconds,
                limit: 20)) ?? []
            sending += companions.filter { companion in !sending.contains { $0.id == companion.id } }
        }
        await send(sending, through: gateway, digest: isDigest, retry: current.settings.retry, into: round)
    }

    private func send(_ messages: [OutboxMessage], through gateway: any Gateway, digest: Bool, retry: RetryPolicy,
                      into round: Round) async {
        // When it started on the daemon's clock (recorded), and on the wall clock (signatures, duration).
        let started = clock.now
        let wallStart = Date()
        let outbound: [OutboundMessage]
        let request: HTTPRequest
        do {
            outbound = try Self.outbound(messages, digest: digest)
            request = try gateway.request(for: outbound, now: wallStart)
        } catch {
            let reason = Redaction.text("\(error)")
            for message in messages {
                round.add(attempted(message, verdict: .permanent(reason: reason), started: started, elapsed: 0, status: nil, curlCode: nil,
                                    retry: retry))
            }
            return
        }
        let outcome = await transport.send(request)
        let elapsed = Date().timeIntervalSince(wallStart)
        metrics.observeAttempt(channel: messages[0].channel, gateway: gateway.name,
                               duration: .nanoseconds(Int64(max(0, elapsed) * 1e9)))
        var verdicts = gateway.interpret(outcome, for: outbound, now: Date())
        if digest, let verdict = verdicts.first { verdicts = Array(repeating: verdict, count: messages.count) }
        let (status, curlCode) = Self.transport(outcome)
        for (message, verdict) in zip(messages, verdicts) {
            round.add(attempted(message, verdict: verdict, started: started, elapsed: elapsed, status: status, curlCode: curlCode, retry: retry))
        }
    }

    /// What goes to the gateway: each message as it is, or a village digest as one.
    static func outbound(_ messages: [OutboxMessage], digest: Bool) throws -> [OutboundMessage] {
        let converted = try messages.map { message -> OutboundMessage in
            let recipient: Recipient
            if message.channel == .sms {
                guard let phone = PhoneNumber(message.recipient) else {
                    throw GatewayError(gateway: message.gateway, message: "not a mobile number: \(Mask.phone(message.recipient))")
                }
                recipient = .phone(phone)
            } else {
                recipient = .endpoint(message.recipient)
            }
            return OutboundMessage(idempotencyKey: message.idempotencyKey, recipient: recipient, text: message.item.text,
                                   title: message.item.title, kind: message.kind, templateParameters: message.item.templateParameters)
        }
        guard digest, converted.count > 1, var first = converted.first else { return converted }
        // A digest's key follows the set of messages it carries: stable when regrouped, new when its content differs.
        first.idempotencyKey = IdempotencyKey.digest(of: messages.map(\.idempotencyKey))
        first.text = converted.map(\.text).joined(separator: "\n\n———\n\n")
        first.title = "\(converted.count)条提醒"
        return [first]
    }

    private func hold(_ message: OutboxMessage, until: Date, reason: String) -> Completion {
        var lifecycle = MessageLifecycle(message, clock: clock)
        let action = lifecycle.deferred(until: until, reason: reason, by: owner)
        return Completion(before: message, after: lifecycle.message, action: action, event: .deferred(until: until, reason: reason),
                          attempt: nil, verdict: nil)
    }

    private func attempted(_ message: OutboxMessage, verdict: DeliveryVerdict, started: Date, elapsed: TimeInterval, status: Int?,
                           curlCode: Int?, retry: RetryPolicy) -> Completion {
        var lifecycle = MessageLifecycle(message, clock: clock)
        let action = lifecycle.attempted(verdict, by: owner, retry: retry, random: random())
        let attempt = DeliveryAttempt(outboxID: message.id, number: lifecycle.message.attempts, startedAt: started,
                                      durationMilliseconds: Int(elapsed * 1000), httpStatus: status, curlCode: curlCode,
                                      verdict: verdict.name, detail: Redaction.text(verdict.reason))
        return Completion(before: message, after: lifecycle.message, action: action, event: .attempted(verdict), attempt: attempt,
                          verdict: verdict)
    }

    /// The HTTP status, or curl's code when no response came.
    static func transport(_ outcome: HTTPOutcome) -> (Int?, Int?) {
        switch outcome.result {
        case let .success(response): return (response.status, 0)
        case let .failure(error): return (nil, Int(error.code))
        }
    }

    /// Writes a round's transitions in one transaction (a message that moved meanwhile, e.g. a
    /// report overtook its result, has its event applied again to what it now is), then logs,
    /// counts, tells the office of dead messages and notes each gateway's health. Returns what
    /// could not be written for lack of space (nothing of it was), to be written again.
    private func flush(_ completions: [Completion], runtime current: DispatchRuntime) async -> [Completion] {
        var pending = completions.filter { if case .persist = $0.action { true } else { false } }
        var written: [Completion] = []
        var kept: [Completion] = []
        for _ in 0..<3 where !pending.isEmpty {
            let changes = pending.map { MessageChange(from: $0.before, to: $0.after, attempt: $0.attempt) }
            let results: [OutboxMessage?]
            do {
                results = try await store.commit(changes)
            } catch {
                if storeHealth.failed(error, during: "recording results") {
                    kept = pending
                } else {
                    logger.error("could not record a round's results; its messages return when their leases expire", metadata: ["error": "\(error)"])
                }
                break
            }
            var again: [Completion] = []
            for (completion, moved) in zip(pending, results) {
                guard let moved else {
                    written.append(completion)
                    continue
                }
                if let retried = reapply(completion, to: moved, retry: current.settings.retry) { again.append(retried) } else {
                    logger.warning("lease lost before the result was recorded", metadata: metadata(completion))
                }
            }
            pending = again
        }
        var deadMessages: [(OutboxMessage, String)] = []
        var verdicts: [String: [DeliveryVerdict]] = [:]
        for completion in written {
            log(completion)
            if case let .persist(.dead(reason)) = completion.action { deadMessages.append((completion.after, reason)) }
        }
        // A gateway's health is noted once, when its results are first tried: not again with each
        // retry of a write that waits for space.
        for completion in completions where !completion.healthNoted {
            if let verdict = completion.verdict { verdicts[completion.before.gateway, default: []].append(verdict) }
        }
        for (gateway, list) in verdicts.sorted(by: { $0.key < $1.key }) { await noteHealth(gateway: gateway, verdicts: list, rules: current.settings.health) }
        for (message, reason) in deadMessages { await hooks.dead(message, reason) }
        return kept.map { completion in
            var held = completion
            held.healthNoted = true
            return held
        }
    }

    /// The same event applied to the message as it now is; nil when there is nothing to write.
    private func reapply(_ completion: Completion, to moved: OutboxMessage, retry: RetryPolicy) -> Completion? {
        var lifecycle = MessageLifecycle(moved, clock: clock)
        let action: MessageAction
        switch completion.event {
        case let .deferred(until, reason): action = lifecycle.deferred(until: until, reason: reason, by: owner)
        case let .attempted(verdict): action = lifecycle.attempted(verdict, by: owner, retry: retry, random: random())
        }
        guard case .persist = action else { return nil }
        var attempt = completion.attempt
        attempt?.number = lifecycle.message.attempts
        return Completion(before: moved, after: lifecycle.message, action: action, event: completion.event, attempt: attempt,
                          verdict: completion.verdict)
    }

    private func log(_ completion: Completion) {
        guard case let .persist(outcome) = completion.action else { return }
        metrics.count(outcome, of: completion.after)
        switch outcome {
        case .sent:
            logger.info("sent", metadata: metadata(completion))
        case .delivered:
            logger.info("delivered", metadata: metadata(completion))
        case let .retry(at, reason):
            logger.notice("will retry", metadata: metadata(completion).merging(["outbox.retry_at": "\(at)", "reason": "\(reason)"]) { $1 })
        case let .dead(reason):
            logger.error("given up", metadata: metadata(completion).merging(["reason": "\(reason)"]) { $1 })
        case let .held(until, reason):
            logger.debug("held", metadata: metadata(completion).merging(["outbox.until": "\(until)", "reason": "\(reason)"]) { $1 })
        case .kept:
            logger.info("attempt recorded; a delivery report had settled it", metadata: metadata(completion))
        case .failed, .requeued, .released, .rejected:
            break
        }
    }

    /// A round through a gateway succeeded if any of its messages got through or was refused for
    /// itself (the gateway answered); it failed if every one was a retryable failure.
    private func noteHealth(gateway: String, verdicts: [DeliveryVerdict], rules: HealthRules) async {
        let now = clock.now
        // Read, decided and kept under one lock: the pipeline and an operator may act on one gateway at once.
        let (record, changed, action) = health.withLock { known -> (GatewayHealth, Bool, GatewayHealth.Action) in
            var record = known?[gateway] ?? GatewayHealth(name: gateway)
            let before = record
            let action: GatewayHealth.Action
            if let failure = verdicts.first(where: \.isRetryable), verdicts.allSatisfy(\.isRetryable) {
                action = record.failed(reason: failure.reason, now: now, rules: rules)
            } else {
                action = record.succeeded()
            }
            if record != before { known?[gateway] = record }
            return (record, record != before, action)
        }
        guard changed else { return }
        do {
            try await store.save(record, requeueWaitingAt: action == .resumed ? now : nil)
        } catch {
            storeHealth.failed(error, during: "recording a gateway's health")
            logger.error("could not record a gateway's health", metadata: ["delivery.gateway": "\(gateway)", "error": "\(error)"])
        }
        switch action {
        case .none: break
        case let .paused(reason):
            logger.critical("gateway paused", metadata: ["delivery.gateway": "\(gateway)", "reason": "\(reason)"])
            await hooks.paused(record, reason)
        case .resumed:
            logger.notice("gateway resumed: a probe got through", metadata: ["delivery.gateway": "\(gateway)"])
            await hooks.resumed(gateway)
        }
    }

    /// Takes a gateway's health as an operator left it in the store (resumed from the console),
    /// so this dispatcher stops treating it as paused at once.
    public func adopt(_ record: GatewayHealth) {
        health.withLock { known in
            if known != nil { known?[record.name] = record }
        }
    }

    /// Gateways paused now (for systemd's STATUS and the metrics).
    public var pausedGateways: [GatewayHealth] {
        health.withLock { ($0 ?? [:]).values.filter(\.isPaused).sorted { $0.name < $1.name } }
    }

    private func metadata(_ completion: Completion) -> Logger.Metadata {
        let message = completion.after
        var meta: Logger.Metadata = [
            "outbox.id": "\(message.id)", "delivery.channel": "\(message.channel.rawValue)", "delivery.gateway": "\(message.gateway)",
            "delivery.recipient": "\(message.maskedRecipient)", "event.kind": "\(message.kind.rawValue)",
            "project.code": "\(message.projectCode)",
        ]
        if let attempt = completion.attempt {
            meta["http.status"] = attempt.httpStatus.map { "\($0)" }
            meta["curl.code"] = attempt.curlCode.map { "\($0)" }
            meta["delivery.attempt"] = "\(attempt.number)"
        }
        return meta
    }
}

/// What the dispatcher works with, taken whole from the running `Runtime` each round.
public struct DispatchRuntime: Sendable {
    public var gateways: [String: any Gateway]
    public var settings: DispatchSettings
    public var quietHours: QuietHours
    /// Holidays (and where configured weekends) that hold SMS.
    public var quietDays: QuietDays = .none
    public var zone: TimeZone
    /// Group robots (DingTalk, WeCom, Feishu): the per-minute limit applies to these.
    public var robots: Set<String>
    /// How long a message whose gateway is not configured waits before it is looked at again.
    public var missingGatewayRetrySeconds: TimeInterval

    public init(gateways: [String: any Gateway], settings: DispatchSettings, quietHours: QuietHours, zone: TimeZone, robots: Set<String>,
                missingGatewayRetrySeconds: TimeInterval = 600) {
        self.gateways = gateways
        self.settings = settings
        self.quietHours = quietHours
        self.zone = zone
        self.robots = robots
        self.missingGatewayRetrySeconds = missingGatewayRetrySeconds
    }
}

/// What became of one message in a round, written with the others in one transaction.
struct Completion: Sendable {
    /// The event the lifecycle was given, to apply again if the message moved meanwhile.
    enum Event: Sendable {
        case deferred(until: Date, reason: String)
        case attempted(DeliveryVerdict)
    }

    var before: OutboxMessage
    var after: OutboxMessage
    var action: MessageAction
    var event: Event
    var attempt: DeliveryAttempt?
    /// The gateway's verdict when a request was sent (for its health), nil when held.
    var verdict: DeliveryVerdict?
    /// Its verdict was counted in its gateway's health already (a write held for lack of space).
    var healthNoted = false
}

/// Claimed messages that go in one request, with the runtime they were claimed under.
struct Dispatch: Sendable {
    var messages: [OutboxMessage]
    var runtime: DispatchRuntime
}

/// Completions gathered from the concurrent sends until the writer takes them.
final class Round: Sendable {
    private let state = Mutex<(completions: [Completion], finished: [Int64])>(([], []))

    func add(_ completion: Completion) { state.withLock { $0.completions.append(completion) } }

    /// A claimed group of messages (these ids) is done (its completions added).
    func finished(_ ids: [Int64]) { state.withLock { $0.finished += ids } }

    /// What was added, and which claimed messages finished, since the last take.
    func take() -> (completions: [Completion], finished: [Int64]) {
        state.withLock { state in
            defer { state = ([], []) }
            return state
        }
    }
}
