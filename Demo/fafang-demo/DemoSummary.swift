import FafangCore
import FafangStore
import Foundation

/// What the demo year came to: messages by kind, channel, village and state, checked against
/// what the sink received.
enum DemoSummary {
    static func day(_ date: Date) -> String {
        CivilDate.of(date, in: TimeZone(identifier: "Asia/Shanghai") ?? .gmt).description
    }

    /// Prints the summary, with how the held batches were approved; returns whether every
    /// message was delivered.
    static func print(store: any Store, sink: DemoSink, approval: String) async throws -> Bool {
        let records = try await store.deliveries(DeliveryFilter(limit: 1_000_000))
        let rows = records.map(\.message)
        let ledger = try await store.ledger()
        let counts = sink.counts
        func tally(_ key: (OutboxMessage) -> String) -> String {
            var counts: [String: Int] = [:]
            for row in rows { counts[key(row), default: 0] += 1 }
            let ordered = counts.sorted { a, b in a.value != b.value ? a.value > b.value : a.key < b.key }
            return ordered.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        let states = Dictionary(grouping: rows, by: \.state).mapValues(\.count)
        let attempts = records.reduce(0) { $0 + $1.attempts.count }
        let paused = try await store.gatewayHealth().filter(\.isPaused).map(\.name)
        Swift.print("")
        Swift.print("Summary of the year")
        Swift.print("  payments recorded: \(ledger.count), \(ledger.map(\.amount).sum().yuanString) 元")
        Swift.print("  messages: \(rows.count), attempts: \(attempts); " + MessageState.allCases.map { "\($0.rawValue) \(states[$0] ?? 0)" }.joined(separator: ", "))
        Swift.print("  by kind: " + tally(\.kind.rawValue))
        Swift.print("  by channel: " + tally(\.channel.rawValue) + " (SMS to \(counts.phones.count) phones)")
        Swift.print("  by village: " + tally { $0.item.village ?? "(finance office)" })
        Swift.print("  the sink received: SMS \(counts.sms), robot/webhook requests \(counts.webhook) (a village digest is one request)")
        Swift.print("  requests the sink refused on purpose: \(counts.refused); gateways paused at the end: " + (paused.isEmpty ? "none" : paused.joined(separator: ", ")))
        Swift.print(approval)
        let undelivered = rows.filter { $0.state != .delivered }
        let smsRows = rows.filter { $0.channel == .sms }.count
        let ok = undelivered.isEmpty && counts.sms >= smsRows && !rows.isEmpty && paused.isEmpty
        Swift.print(ok ? "  all delivered: yes (SMS confirmed by Kannel delivery reports, robots by their answers)"
                       : "  all delivered: NO — \(undelivered.count) not delivered (fafang deliveries --state sent|pending|dead shows them)")
        return ok
    }
}
