import Foundation

/// Every transition of an outbox message, in one place: a value holding the message, whose
/// mutating methods move it on and return what the I/O shell must do. The dispatcher, the
/// receipt routes, the operator's commands and the store only perform its actions; none of them
/// decides a state.
///
/// Generic over the clock, so a test drives it with a `ManualClock` and the daemon with its own
/// (virtual when rehearsing a year).
///
/// ```
/// held ──approved──► pending · held ──rejected──► rejected      ([approval]: a batch decided)
/// pending ──claim──► sending ──attempted(delivered)──► sent (SMS) ──receipt──► delivered | failed
///    ▲                  │                          └─► delivered (webhook: no receipt follows)
///    │                  ├──attempted(retry)──► pending (at the schedule's next time) or dead
///    │                  ├──attempted(permanent)──► dead
///    │                  └──deferred (quiet hours, rate limit)──► pending, no attempt counted
///    └──── operatorRetry (dead, failed) · gatewayResumed (pending: due now) · lease expired
/// ```
public struct MessageLifecycle<Clock: InstantClock>: Sendable {
    public private(set) var message: OutboxMessage
    public let clock: Clock

    public init(_ message: OutboxMessage, clock: Clock) {
        self.message = message
        self.clock = clock
    }

    public typealias Action = MessageAction
    public typealias Outcome = MessageOutcome

    /// Whether a sender may claim the message now: pending and due, or leased by a sender whose
    /// lease expired (it crashed). Stores select claimable rows by exactly this rule.
    public static func isClaimable(_ message: OutboxMessage, now: Date) -> Bool {
        switch message.state {
        case .pending: return message.nextAttemptAt <= now
        case .sending: return (message.leaseExpiresAt ?? .distantPast) <= now
        default: return false
        }
    }

    /// Leases the message to `owner` for `lease` seconds.
    public mutating func claim(owner: String, lease: TimeInterval) -> Action {
        let now = clock.now
        guard Self.isClaimable(message, now: now) else { return .none }
        message.state = .sending
        message.leaseOwner = owner
        message.leaseExpiresAt = now.addingTimeInterval(lease)
        message.updatedAt = now
        return .send
    }

    /// Not sent now (quiet hours, a rate limit, a gateway missing from the configuration):
    /// pending again until `until`, no attempt counted, the reason shown as its last error.
    public mutating func deferred(until: Date, reason: String, by owner: String) -> Action {
        guard message.state == .sending, message.leaseOwner == owner else { return .none }
        message.state = .pending
        message.nextAttemptAt = until
        message.lastError = reason
        releaseLease()
        return .persist(.held(until: until, reason: reason))
    }

    /// An attempt by `owner` came to `verdict`. A webhook's success is final; an SMS's waits
    /// for the report. A retryable failure follows `retry` (a server's Retry-After honoured when
    /// longer) until its delays are used up. A report that overtook the sender keeps its state.
    /// - Parameter random: in 0..<1, for the retry delay's jitter.
    public mutating func attempted(_ verdict: DeliveryVerdict, by owner: String, retry: RetryPolicy, random: Double) -> Action {
        guard message.leaseOwner == owner else { return .none }
        let now = clock.now
        switch message.state {
        case .sending:
            message.attempts += 1
            releaseLease()
            switch verdict {
            case let .delivered(reference):
                message.gatewayReference = reference ?? message.gatewayReference
                message.lastError = nil
                message.state = message.channel == .webhook ? .delivered : .sent
                return .persist(message.state == .delivered ? .delivered : .sent)
            case let .permanent(reason):
                return giveUp(reason)
            case let .retry(reason, after):
                let serverWait = after.map { TimeInterval($0.components.seconds) + TimeInterval($0.components.attoseconds) / 1e18 }
                switch retry.decide(afterAttempts: message.attempts, now: now, retryAfter: serverWait, random: random) {
                case let .retry(at):
                    message.state = .pending
                    message.nextAttemptAt = at
                    message.lastError = reason
                    return .persist(.retry(at: at, reason: reason))
                case .giveUp:
                    return giveUp("retries exhausted after \(message.attempts) attempts; last: \(reason)")
                }
            }
        case .delivered, .failed:
            // A report came before the sender's result was written: it stands.
            message.attempts += 1
            if case let .delivered(reference) = verdict, message.gatewayReference == nil { message.gatewayReference = reference }
            releaseLease()
            return .persist(.kept)
        case .held, .pending, .sent, .dead, .rejected:
            return .none
        }
    }

    /// A delivery report. It settles a message not yet settled; an intermediate report, or one
    /// about a message already delivered, failed or dead, changes nothing.
    public mutating func receipt(_ status: ReceiptStatus) -> Action {
        guard !message.state.isSettled else { return .none }
        switch status {
        case .intermediate:
            return .none
        case .delivered:
            message.state = .delivered
            message.lastError = nil
            message.updatedAt = clock.now
            return .persist(.delivered)
        case .failed:
            message.state = .failed
            message.updatedAt = clock.now
            return .persist(.failed)
        }
    }

    /// An operator sends a dead or failed message again: due now, with a fresh retry schedule
    /// (its attempts so far stay recorded).
    public mutating func operatorRetry() -> Action {
        guard message.state == .dead || message.state == .failed else { return .none }
        message.state = .pending
        message.attempts = 0
        message.nextAttemptAt = clock.now
        message.updatedAt = clock.now
        return .persist(.requeued)
    }

    /// Its gateway works again (a probe succeeded, or an operator resumed it): a message waiting
    /// out a retry delay is due now.
    public mutating func gatewayResumed() -> Action {
        let now = clock.now
        guard message.state == .pending, message.nextAttemptAt > now else { return .none }
        message.nextAttemptAt = now
        message.updatedAt = now
        return .persist(.requeued)
    }

    /// Its batch was approved: due at once, or at its own later time (quiet hours still apply
    /// at dispatch). Stores apply this to a whole batch in one write (`Store.decide`).
    public mutating func approved() -> Action {
        guard message.state == .held else { return .none }
        let now = clock.now
        message.state = .pending
        message.nextAttemptAt = max(message.nextAttemptAt, now)
        message.updatedAt = now
        return .persist(.released)
    }

    /// Its batch was rejected: kept, never sent, the reason as its last error.
    public mutating func rejected(reason: String) -> Action {
        guard message.state == .held else { return .none }
        message.state = .rejected
        message.lastError = reason
        message.updatedAt = clock.now
        return .persist(.rejected(reason: reason))
    }

    private mutating func giveUp(_ reason: String) -> Action {
        message.state = .dead
        message.lastError = reason
        return .persist(.dead(reason: reason))
    }

    private mutating func releaseLease() {
        message.leaseOwner = nil
        message.leaseExpiresAt = nil
        message.updatedAt = clock.now
    }
}

/// What the shell must do after a `MessageLifecycle` transition.
public enum MessageAction: Sendable, Hashable {
    /// Nothing changed: write nothing (the event itself, an attempt or a report, may still be recorded).
    case none
    /// Claimed: build the request and send it.
    case send
    /// Write the message as it now is; the outcome is for logs, metrics and alerts.
    case persist(MessageOutcome)
}

/// What a persisted `MessageLifecycle` transition came to.
public enum MessageOutcome: Sendable, Hashable {
    /// Back to pending without an attempt (quiet hours, a rate limit).
    case held(until: Date, reason: String)
    /// Accepted by the gateway; a report may follow.
    case sent
    /// Final success.
    case delivered
    /// A report said it did not arrive.
    case failed
    /// Failed, tried again at `at`.
    case retry(at: Date, reason: String)
    /// Given up: the office must be told.
    case dead(reason: String)
    /// Due again now (an operator's retry, a resumed gateway).
    case requeued
    /// The attempt is recorded but the state a report already settled stands.
    case kept
    /// Approved: pending, to be sent.
    case released
    /// Its batch was rejected: never sent.
    case rejected(reason: String)

    /// Its name, as logs and the metrics' `status` label give it.
    public var name: String {
        switch self {
        case .held: return "held"
        case .sent: return "sent"
        case .delivered: return "delivered"
        case .failed: return "failed"
        case .retry: return "retry"
        case .dead: return "dead"
        case .requeued: return "requeued"
        case .kept: return "kept"
        case .released: return "released"
        case .rejected: return "rejected"
        }
    }
}
