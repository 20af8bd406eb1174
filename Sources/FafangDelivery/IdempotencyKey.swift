import Crypto
import FafangCore

/// The key a message carries on every attempt, derived from what it is (the event), how it goes
/// (the channel) and to whom: the same message always gets the same key, across restarts, and a
/// receiver can drop a second copy. 24 hex digits of SHA-256, prefixed `ff1-`.
public enum IdempotencyKey {
    public static func make(eventKey: String, channel: Channel, recipient: String) -> String {
        let digest = SHA256.hash(data: Array("\(eventKey)\u{1F}\(channel.rawValue)\u{1F}\(recipient)".utf8))
        let hex = Array("0123456789abcdef".utf8)
        var key = Array("ff1-".utf8)
        for byte in digest.prefix(12) {
            key.append(hex[Int(byte >> 4)])
            key.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: key, as: UTF8.self)
    }
}
