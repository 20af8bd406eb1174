import FafangCore
import FafangDaemon
import Foundation
import Logging

/// Applies delivery reports to the outbox, whichever gateway sent them: finds the message by our
/// idempotency key or else the gateway's reference, records the report, counts a delivered or
/// failed message once (a repeated or late report changes nothing), and logs with the recipient
/// masked.
public struct ReceiptRecorder: Sendable {
    public let store: any Store
    public let metrics: any DeliveryMetrics
    public let clock: DaemonClock

    /// The longest report detail kept.
    static let maximumDetailLength = 300

    public init(store: any Store, metrics: any DeliveryMetrics, clock: DaemonClock) {
        self.store = store
        self.metrics = metrics
        self.clock = clock
    }

    /// One report, as a gateway's format reads.
    public struct Report: Sendable, Hashable {
        /// `kannel`, `aliyun`, `tencent`.
        public var source: String
        /// Candidate keys in order: our idempotency key first (when the gateway echoes it), then
        /// the gateway's own reference. Empty ones are skipped.
        public var keys: [String]
        /// Whether it says the message reached the phone.
        public var delivered: Bool
        /// `delivered`, `failed`, `undelivered`, `rejected`, or an intermediate status (`accepted`,
        /// `queued`: see `ReceiptRecorder.intermediateStatuses`).
        public var status: String
        /// The gateway's words (error code, SMSC reply), stored with the receipt.
        public var detail: String
        /// The phone the gateway names, if any: logged masked only.
        public var phone: String?

        public init(source: String, keys: [String], delivered: Bool, status: String, detail: String, phone: String? = nil) {
            self.source = source
            self.keys = keys
            self.delivered = delivered
            self.status = status
            self.detail = detail
            self.phone = phone
        }
    }

    /// Report statuses that say a message is on its way, not where it ended: recorded, the
    /// message's state kept (Kannel's "accepted by SMSC" and "queued on SMSC", an SMPP `ENROUTE`).
    public static let intermediateStatuses: Set<String> = ["accepted", "queued", "enroute"]

    /// What the report says, in the lifecycle's words.
    static func status(of report: Report) -> ReceiptStatus {
        if report.delivered { return .delivered }
        return intermediateStatuses.contains(report.status) ? .intermediate : .failed
    }

    /// Records `report`; returns what it did to its message, or nil when no message matches
    /// (nothing is recorded then). Throws when the store cannot be written.
    @discardableResult
    public func record(_ report: Report, logger: Logger) async throws -> ReceiptApplication? {
        let detail = Self.clean(report.detail)
        var meta: Logger.Metadata = ["receipt.source": "\(report.source)", "receipt.status": "\(report.status)"]
        if let phone = report.phone, !phone.isEmpty { meta["receipt.phone"] = "\(Mask.phone(phone))" }
        let phone = report.phone.flatMap { PhoneNumber($0)?.digits ?? $0 }
        if let outcome = try await store.applyReceipt(matching: report.keys, phone: phone, status: Self.status(of: report),
                                                      statusText: report.status, detail: detail, clock: clock) {
            let message = outcome.message
            meta["outbox.id"] = "\(message.id)"
            meta["outbox.state"] = "\(message.state.rawValue)"
            meta["delivery.channel"] = "\(message.channel.rawValue)"
            meta["delivery.gateway"] = "\(message.gateway)"
            meta["delivery.recipient"] = "\(message.maskedRecipient)"
            if let settled = outcome.outcome { metrics.count(settled, of: message) }
            logger.info("receipt recorded", metadata: meta)
            return outcome
        }
        meta["receipt.key"] = "\(Mask.digitRuns(in: report.keys.filter { !$0.isEmpty }.joined(separator: ", ")))"
        logger.warning("receipt for an unknown message", metadata: meta)
        return nil
    }

    /// The detail as stored: one line, long digit runs masked, at most `maximumDetailLength`.
    static func clean(_ text: String) -> String {
        let line = String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 }).trimmingCharacters(in: .whitespaces)
        let masked = Mask.digitRuns(in: line)
        return masked.count > maximumDetailLength ? String(masked.prefix(maximumDetailLength - 1)) + "…" : masked
    }
}
