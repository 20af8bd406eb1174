import FafangCore
import FafangDaemon
import FafangStore
import Foundation
import Logging

/// Applies delivery reports to the outbox, whichever gateway sent them: finds the message by our
/// idempotency key or else the gateway's reference, records the report, counts a delivered or
/// failed message once (a repeated or late report changes nothing), and logs with the recipient
/// masked.
public struct ReceiptRecorder: Sendable {
    public let database: AppDatabase
    public let metrics: any DeliveryMetrics
    public let clock: @Sendable () -> Date

    /// The longest report detail kept.
    static let maximumDetailLength = 300

    public init(database: AppDatabase, metrics: any DeliveryMetrics, clock: @escaping @Sendable () -> Date) {
        self.database = database
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
        /// `queued`: see `AppDatabase.intermediateReceiptStatuses`).
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

    /// Records `report`; returns what it did to its message, or nil when no message matches
    /// (nothing is recorded then). Throws when the store cannot be written.
    @discardableResult
    public func record(_ report: Report, logger: Logger) throws -> ReceiptOutcome? {
        let detail = Self.clean(report.detail)
        var meta: Logger.Metadata = ["receipt.source": "\(report.source)", "receipt.status": "\(report.status)"]
        if let phone = report.phone, !phone.isEmpty { meta["receipt.phone"] = "\(Mask.phone(phone))" }
        for key in report.keys where !key.isEmpty {
            guard let outcome = try database.applyReceipt(matching: key, delivered: report.delivered, status: report.status,
                                                          detail: detail, now: clock())
            else { continue }
            let row = outcome.row
            meta["outbox.id"] = "\(row.id ?? 0)"
            meta["outbox.state"] = "\(row.state)"
            meta["delivery.channel"] = "\(row.channel)"
            meta["delivery.gateway"] = "\(row.gateway)"
            meta["delivery.recipient"] = "\(row.maskedRecipient)"
            if outcome.changedState, let settled = DeliveryOutcome(rawValue: row.state), settled == .delivered || settled == .failed {
                metrics.countMessage(channel: row.channel, gateway: row.gateway, outcome: settled)
            }
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
