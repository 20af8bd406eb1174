import Foundation

/// How every store writes the outbox fields that are not plain columns, so that SQLite and
/// PostgreSQL hold the same text and `fafang migrate` copies it unchanged.
public enum StoredFields {
    /// What `recipient_tail` holds: an SMS recipient's last `tailLength` digits (the console
    /// searches by them), nil for a webhook.
    public static func recipientTail(_ item: OutboxItem) -> String? {
        item.channel == .sms ? String(item.recipient.suffix(tailLength)) : nil
    }

    public static let tailLength = 4

    /// States few messages are in: each has a partial index of its rows by id, for the console's
    /// lists of them, newest first.
    public static let fewStates: [MessageState] = [.dead, .failed, .rejected, .held]

    /// Template parameters as stored: `name US value RS name US value …` (ASCII unit and record
    /// separators, which a masked template value never holds: they are dropped), names sorted;
    /// nil when there are none. Not JSON: Foundation's coders cost more than the rest of a row.
    public static func parametersText(_ parameters: [String: String]) -> String? {
        guard !parameters.isEmpty else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parameters.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 2 })
        for (index, name) in parameters.keys.sorted().enumerated() {
            if index > 0 { bytes.append(recordSeparator) }
            bytes += name.utf8.filter { $0 != unitSeparator && $0 != recordSeparator }
            bytes.append(unitSeparator)
            bytes += (parameters[name] ?? "").utf8.filter { $0 != unitSeparator && $0 != recordSeparator }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func parameters(_ text: String?) -> [String: String] {
        guard let text, !text.isEmpty else { return [:] }
        var parameters: [String: String] = [:]
        for record in text.utf8.split(separator: recordSeparator, omittingEmptySubsequences: false) {
            guard let cut = record.firstIndex(of: unitSeparator) else { continue }
            parameters[String(decoding: record[..<cut], as: UTF8.self)] = String(decoding: record[record.index(after: cut)...], as: UTF8.self)
        }
        return parameters
    }

    static let unitSeparator: UInt8 = 0x1F
    static let recordSeparator: UInt8 = 0x1E

    /// An unrouted event as stored: JSON with sorted keys, so the same event is the same text.
    public static func eventText(_ event: DueEvent) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(event), as: UTF8.self)
    }

    public static func event(_ text: String?) -> DueEvent? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(DueEvent.self, from: Data(text.utf8))
    }
}
