import ArgumentParser
import FafangCore
import FafangStore
import Foundation

/// `fafang-bench store`: the outbox's own cost per message, without HTTP: enqueue (with its
/// event), claim under a lease, and finish with an attempt recorded, in batches as the daemon
/// does it, on a file database like the daemon's. Tells how much of the end-to-end budget the
/// durable bookkeeping alone takes.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Messages/s and CPU per message of the outbox alone: enqueue, claim, finish with an attempt.")

    @Option(help: "Messages.") var messages = 20_000
    @Option(help: "Events enqueued per transaction (the scheduler's chunk).") var chunk = 500
    @Option(help: "Rows claimed per round ([dispatch] batch_size).") var batchSize = 500

    func run() async throws {
        let root = NSTemporaryDirectory() + "fafang-store-bench-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try SQLiteStore.open(directory: root)
        let clock = ManualClock(Date())
        let now = clock.now
        let text = "王12户您好：租地费1,000.00元已于2021年6月1日发放至您尾号0012的银行卡，请注意查收。如有疑问请致电0316-1234567。"
        let events = (0..<messages).map { index in
            DueEvent(key: "paid:BENCH:R\(index)", kind: .paymentRecorded, projectCode: "BENCH", audiences: [.payee("B\(index)")], facts: .init())
        }
        let items = events.enumerated().map { index, event in
            OutboxItem(idempotencyKey: String(format: "ff1-%024x", index), eventKey: event.key, kind: .paymentRecorded, projectCode: "BENCH",
                       channel: .sms, gateway: "sink", recipient: "170" + String(format: "%08d", index), village: "甲村",
                       payeeID: "B\(index)", text: text, title: nil, notBefore: now)
        }
        let cpuStart = BenchProcess.cpuSeconds(getpid())
        let start = Date()
        for first in stride(from: 0, to: messages, by: chunk) {
            let range = first..<min(first + chunk, messages)
            try await store.enqueue(EnqueueBatch(events: Array(events[range]), items: Array(items[range])), now: now)
        }
        let enqueued = Date()
        var finished = 0
        while true {
            let messages = try await store.claim(limit: batchSize, owner: "bench", now: now, lease: 60)
            guard !messages.isEmpty else { break }
            // Each result through the lifecycle, as the dispatcher writes it.
            let changes = messages.map { message in
                var lifecycle = MessageLifecycle(message, clock: clock)
                _ = lifecycle.attempted(.delivered(reference: nil), by: "bench", retry: .standard, random: 0.5)
                let attempt = DeliveryAttempt(outboxID: message.id, number: lifecycle.message.attempts, startedAt: now, durationMilliseconds: 1,
                                              httpStatus: 200, curlCode: 0, verdict: .delivered, detail: "accepted")
                return MessageChange(from: message, to: lifecycle.message, attempt: attempt)
            }
            finished += try await store.commit(changes).filter { $0 == nil }.count
        }
        let end = Date()
        let cpu = BenchProcess.cpuSeconds(getpid()) - cpuStart
        guard finished == messages, try await store.attemptCount() == messages else {
            throw BenchError("finished \(finished) of \(messages)")
        }
        let total = end.timeIntervalSince(start)
        print("fafang-bench store: \(messages) messages, chunks of \(chunk), claims of \(batchSize), file database in WAL mode")
        print(String(format: "  enqueue: %.2f s (%.0f messages/s)", enqueued.timeIntervalSince(start), Double(messages) / enqueued.timeIntervalSince(start)))
        print(String(format: "  claim + finish with an attempt: %.2f s (%.0f messages/s)", end.timeIntervalSince(enqueued),
                     Double(messages) / end.timeIntervalSince(enqueued)))
        print(String(format: "  all: %.0f messages/s; CPU %.2f s = %.1f µs per message", Double(messages) / total, cpu, cpu / Double(messages) * 1e6))
    }
}
