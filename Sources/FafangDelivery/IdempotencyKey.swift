import Crypto
import FafangCore

/// The key a message carries on every attempt, derived from what it is (the event), how it goes
/// (the channel) and to whom: the same message always gets the same key, across restarts, and a
/// receiver can drop a second copy. 24 hex digits of SHA-256, prefixed `ff1-`.
public enum IdempotencyKey {
    public static func make(eventKey: String, channel: Channel, recipient: String) -> String {
        hashed("\(eventKey)\u{1F}\(channel.rawValue)\u{1F}\(recipient)", prefix: "ff1-")
    }

    /// The key of a digest: derived from the set of messages it carries, so the same messages
    /// regrouped after a crash make the same key, and other content another key. `ff1d-` and 24
    /// hex digits of SHA-256 over the sorted keys.
    public static func digest(of keys: [String]) -> String {
        hashed(keys.sorted().joined(separator: "\u{1F}"), prefix: "ff1d-")
    }

    private static func hashed(_ text: String, prefix: String) -> String {
        let digest = SHA256.hash(data: Array(text.utf8))
        let hex = Array("0123456789abcdef".utf8)
        var key = Array(prefix.utf8)
        for byte in digest.prefix(12) {
            key.append(hex[Int(byte >> 4)])
            key.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: key, as: UTF8.self)
    }
}
