import Foundation

/// Where a message's delivery stands after an attempt or a receipt, as metrics count it.
public enum DeliveryOutcome: String, Sendable, Hashable, CaseIterable {
    /// Accepted by the gateway; a delivery report may follow.
    case sent
    /// Not accepted; it will be tried again.
    case retry
    /// Given up: a permanent failure or retries exhausted.
    case dead
    /// A delivery report said it reached the phone.
    case delivered
    /// A delivery report said it did not.
    case failed
}

/// Told of every delivery attempt's duration and every message's outcome, so that the daemon can
/// export metrics without the dispatcher knowing the metrics backend.
///
/// Labels are the row's channel (`sms`, `webhook`) and gateway name: never a recipient.
public protocol DeliveryMetrics: Sendable {
    /// One request through `gateway` took `duration` (a village digest's rows share one request).
    func observeAttempt(channel: String, gateway: String, duration: Duration)
    /// One message came to `outcome`.
    func countMessage(channel: String, gateway: String, outcome: DeliveryOutcome)
}

/// Records nothing: the dispatcher's default.
public struct NoDeliveryMetrics: DeliveryMetrics {
    public init() {}
    public func observeAttempt(channel: String, gateway: String, duration: Duration) {}
    public func countMessage(channel: String, gateway: String, outcome: DeliveryOutcome) {}
}
