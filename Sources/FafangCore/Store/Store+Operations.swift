import Foundation

/// The operations the receipt routes and the operator's commands share, each a lifecycle
/// transition performed against any store: read the message, let `MessageLifecycle` decide,
/// commit guarded by the state it decided from, and decide again if the message moved meanwhile.
extension Store {
    /// Every payment recorded, in the order recorded.
    public func ledger() async throws -> [LedgerEntry] { try await ledger(after: 0).entries }

    /// `recordLedger` with nothing audited.
    public func recordLedger(_ entries: [LedgerEntry], source: String, now: Date,
                             check: @escaping @Sendable (_ entry: LedgerEntry, _ paidBefore: Money) -> String?) async throws -> LedgerWriteResult {
        try await recordLedger(entries, source: source, now: now, audit: nil, check: check)
    }

    /// How many times a guarded write is tried before giving up on a message that keeps moving.
    static var commitTries: Int { 5 }

    /// Applies a delivery report to the message it is about (by key, or reference and phone):
    /// records it, and settles the message if the lifecycle says so. Nil when no message matches
    /// (nothing is recorded then).
    public func applyReceipt<Clock: InstantClock>(matching keys: [String], phone: String?, status: ReceiptStatus, statusText: String,
                                                  detail: String, clock: Clock) async throws -> ReceiptApplication? {
        for key in keys where !key.isEmpty {
            guard var current = try await message(matching: key, phone: phone) else { continue }
            let previous = current.state
            let receipt = DeliveryReceipt(outboxID: current.id, receivedAt: clock.now, status: statusText, detail: detail)
            for _ in 0..<Self.commitTries {
                var lifecycle = MessageLifecycle(current, clock: clock)
                guard case let .persist(outcome) = lifecycle.receipt(status) else {
                    try await record(receipt)
                    return ReceiptApplication(message: current, previousState: previous, outcome: nil)
                }
                guard let moved = try await commit([MessageChange(from: current, to: lifecycle.message, receipt: receipt)]).first ?? nil else {
                    return ReceiptApplication(message: lifecycle.message, previousState: previous, outcome: outcome)
                }
                current = moved
            }
            throw StoreConflict(messageID: current.id)
        }
        return nil
    }

    /// Sends dead or failed messages again (`MessageLifecycle.operatorRetry`): one by id, or
    /// every one that ended since `since`. Returns how many.
    @discardableResult
    public func retryDead<Clock: InstantClock>(id: Int64? = nil, since: Date? = nil, clock: Clock) async throws -> Int {
        var count = 0
        for message in try await messages(in: [.dead, .failed], id: id, since: since) {
            var lifecycle = MessageLifecycle(message, clock: clock)
            guard case .persist = lifecycle.operatorRetry() else { continue }
            if try await commit([MessageChange(from: message, to: lifecycle.message)]).first ?? nil == nil { count += 1 }
        }
        return count
    }

    /// The health record of one gateway (a fresh one when it has none).
    public func health(of gateway: String) async throws -> GatewayHealth {
        try await gatewayHealth().first { $0.name == gateway } ?? GatewayHealth(name: gateway)
    }

    /// An operator pauses a gateway. Returns false if an operator had paused it already.
    @discardableResult
    public func pause(gateway: String, now: Date) async throws -> Bool {
        var health = try await health(of: gateway)
        guard health.pausedByOperator(now: now) else { return false }
        try await save(health, requeueWaitingAt: nil)
        return true
    }

    /// An operator resumes a gateway, whatever paused it: its waiting messages are due at once.
    /// Returns false if it was not paused.
    @discardableResult
    public func resume(gateway: String, now: Date) async throws -> Bool {
        var health = try await health(of: gateway)
        guard health.resumedByOperator() else { return false }
        try await save(health, requeueWaitingAt: now)
        return true
    }
}

/// What a delivery report did to its message.
public struct ReceiptApplication: Sendable, Hashable {
    /// The message after the report.
    public var message: OutboxMessage
    /// Its state before.
    public var previousState: MessageState
    /// What the lifecycle made of the report; nil when it changed nothing.
    public var outcome: MessageOutcome?

    public init(message: OutboxMessage, previousState: MessageState, outcome: MessageOutcome?) {
        self.message = message
        self.previousState = previousState
        self.outcome = outcome
    }

    /// Whether the report moved the message to another state (an intermediate or late one does not).
    public var changedState: Bool { message.state != previousState }
}

/// A message kept moving while a transition was being written to it.
public struct StoreConflict: Error, Sendable, Hashable, CustomStringConvertible {
    public var messageID: Int64
    public var description: String { "outbox message \(messageID) kept changing; the transition was not written" }
}
