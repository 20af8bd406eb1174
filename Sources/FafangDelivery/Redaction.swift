import FafangCore

/// Removes what must never reach a log line, an alert or an error message: tokens in URLs,
/// secrets, and full phone, card and ID numbers.
public enum Redaction {
    /// `https://oapi.dingtalk.com/robot/send?access_token=abc` → `https://oapi.dingtalk.com/robot/send?…`.
    public static func url(_ url: String) -> String {
        var base = Substring(url)
        var cut = false
        if let index = base.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            base = base[..<index]
            cut = true
        }
        // WeCom and Feishu put the token in the path's last segment or in `key=`; user:pass@ too.
        if let scheme = base.range(of: "://"), let at = base[scheme.upperBound...].firstIndex(of: "@") {
            base = base[..<scheme.upperBound] + "…@" + base[base.index(after: at)...]
        }
        var text = String(base)
        if let hook = text.range(of: "/open-apis/bot/v2/hook/") {
            text = String(text[..<hook.upperBound]) + "…"
        }
        return cut ? text + "?…" : text
    }

    /// Whether the bytes hold "://", by a plain scan (the generic substring search was most of
    /// what redacting an attempt's detail cost).
    static func hasScheme<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
        var last: (UInt8, UInt8) = (0, 0)
        for byte in bytes {
            if last == (UInt8(ascii: ":"), UInt8(ascii: "/")), byte == UInt8(ascii: "/") { return true }
            last = (last.1, byte)
        }
        return false
    }

    /// Masks digit runs (phones, cards, IDs) and any URL query in free text.
    public static func text(_ text: String) -> String {
        // Most text (every attempt's detail) holds no URL: spare it the split and join.
        guard hasScheme(text.utf8) else { return Mask.digitRuns(in: text) }
        var words: [String] = []
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if hasScheme(word.utf8) { words.append(url(String(word))) } else { words.append(String(word)) }
        }
        return Mask.digitRuns(in: words.joined(separator: " "))
    }
}

/// A secret read from a file or a systemd credential. It prints as `<secret>` so it cannot leak
/// through string interpolation; `reveal` is for signing alone.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    public init(_ value: String) { self.value = value }

    public var reveal: String { value }
    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
}
