import ArgumentParser
import FafangConfig
import FafangCore
import FafangStore
import Foundation

/// `fafang deliveries`: every message with its attempts and receipts; phones masked.
struct DeliveriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "List messages with every attempt and receipt (phone numbers masked)."
    )

    @OptionGroup var options: ConfigOptions
    @Option(help: "Only messages about this payee id.") var payee: String?
    @Option(help: "Only messages for this village.") var village: String?
    @Option(help: "Only messages in this state (pending, sending, sent, delivered, failed, dead).") var state: String?
    @Option(help: "Only messages changed since this instant (ISO 8601, e.g. 2021-06-01T00:00:00+08:00).") var since: String?
    @Option(help: "At most this many messages.") var limit = 200

    func run() async throws {
        let configuration = try options.load()
        let store = try await options.openStore(configuration)
        var filter = DeliveryFilter(payeeID: payee, village: village, limit: limit)
        if let state {
            guard let value = MessageState(rawValue: state) else { throw ValidationError("--state: unknown state \(state)") }
            filter.state = value
        }
        if let since {
            guard let date = ISO8601DateFormatter().date(from: since) else { throw ValidationError("--since must be ISO 8601") }
            filter.since = date
        }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = configuration.settings.timeZone
        for record in try await store.deliveries(filter) {
            let row = record.message
            print("#\(row.id) \(row.state.rawValue) \(row.kind.rawValue) \(row.projectCode) → \(row.maskedRecipient) via \(row.gateway) [\(row.idempotencyKey)]")
            for attempt in record.attempts {
                let status = attempt.httpStatus.map { "HTTP \($0)" } ?? "curl \(attempt.curlCode ?? 0)"
                print("    attempt \(attempt.number) \(formatter.string(from: attempt.startedAt)) \(attempt.durationMilliseconds) ms \(status) \(attempt.verdict.rawValue): \(attempt.detail)")
            }
            for receipt in record.receipts {
                print("    receipt \(formatter.string(from: receipt.receivedAt)) \(receipt.status): \(receipt.detail)")
            }
            if let error = row.lastError, row.state != .sent, row.state != .delivered {
                print("    last error: \(error)")
            }
        }
    }
}
