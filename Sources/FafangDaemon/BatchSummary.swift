import FafangCore
import Foundation

/// A held batch as an approver reads it before deciding (`fafang batches list|show`): its
/// counts, its total in 元, what it costs in SMS segments, who recorded its payments, and a
/// sample of its texts. Phones are masked, and so is every long digit run in a text.
public enum BatchSummary {
    /// One line of a list: id, state, project, day, messages, total, segments, recorders.
    public static func line(_ batch: ApprovalBatch) -> String {
        "\(batch.id)  \(batch.state.rawValue)  \(batch.projectCode)  \(batch.day)  \(batch.messageCount) messages  "
            + "\(batch.totalAmount.yuanString) 元  \(batch.segments) SMS segments  recorded by \(recorders(batch))"
    }

    /// The batch in full, with `samples` of its messages (in the order enqueued) as their texts.
    public static func lines(_ batch: ApprovalBatch, projectName: String?, samples: [OutboxMessage], zone: TimeZone) -> [String] {
        var lines = [
            "Batch \(batch.id): \(projectName.map { "\($0) [\(batch.projectCode)]" } ?? batch.projectCode), \(batch.day), \(batch.state.rawValue)",
            "  messages: \(batch.messageCount)",
            "  total: \(batch.totalAmount.yuanString) 元",
            "  SMS segments: \(batch.segments) (what sending it costs)",
            "  recorded by: \(recorders(batch))",
            "  opened: \(time(batch.createdAt, zone))",
        ]
        if let decidedBy = batch.decidedBy {
            lines.append("  \(batch.state.rawValue) by \(decidedBy) at \(batch.decidedAt.map { time($0, zone) } ?? "?")"
                         + (batch.reason.map { ": \($0)" } ?? ""))
        }
        if !samples.isEmpty {
            lines.append("  sample (\(samples.count) of \(batch.messageCount)):")
            for message in samples {
                let segments = "\(message.item.segments) segment\(message.item.segments == 1 ? "" : "s")"
                lines.append("    #\(message.id) \(message.maskedRecipient) (\(segments), \(message.state.rawValue)): \(Mask.digitRuns(in: message.item.text))")
            }
        }
        return lines
    }

    static func recorders(_ batch: ApprovalBatch) -> String {
        batch.recordedBy.isEmpty ? "no operator (bank file, API or CLI)" : batch.recordedBy.sorted().joined(separator: ", ")
    }

    static func time(_ date: Date, _ zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        return formatter.string(from: date)
    }
}
