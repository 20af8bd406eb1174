import FafangCore
import Foundation

/// Told of every delivery attempt's duration and every transition a message's lifecycle made,
/// so that the daemon can export metrics without the dispatcher knowing the metrics backend.
///
/// Labels are the message's channel (`sms`, `webhook`) and gateway name: never a recipient.
public protocol DeliveryMetrics: Sendable {
    /// One request through `gateway` took `duration` (a village digest's messages share one request).
    func observeAttempt(channel: Channel, gateway: String, duration: Duration)
    /// `message` came to `outcome` (the backend chooses which outcomes it counts).
    func count(_ outcome: MessageOutcome, of message: OutboxMessage)
}

/// Records nothing: the dispatcher's default.
public struct NoDeliveryMetrics: DeliveryMetrics {
    public init() {}
    public func observeAttempt(channel: Channel, gateway: String, duration: Duration) {}
    public func count(_ outcome: MessageOutcome, of message: OutboxMessage) {}
}
