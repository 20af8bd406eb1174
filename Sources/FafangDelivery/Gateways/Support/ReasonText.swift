import FafangCore

/// Builds the reasons of verdicts and the messages of errors: redacted (URL queries, long digit
/// runs), with the gateway's own secrets replaced, on one line, and short.
public enum ReasonText {
    /// The longest reason kept, in characters.
    public static let maximumLength = 300

    /// Redacts `text`, removes each of `secrets` (and its percent-encoded form), and shortens it.
    public static func clean(_ text: String, removing secrets: [Secret] = []) -> String {
        var result = Redaction.text(oneLine(scrub(text, secrets)))
        if result.count > maximumLength { result = String(result.prefix(maximumLength - 1)) + "…" }
        return result
    }

    /// The start of a reply body, on one line, for quoting in a reason (still to be cleaned).
    /// Secrets go first, so a cut never leaves a fragment of one.
    public static func excerpt(_ body: String, length: Int, removing secrets: [Secret] = []) -> String {
        let line = oneLine(scrub(body, secrets)).trimmingCharacters(in: .whitespaces)
        return line.count > length ? String(line.prefix(length)) + "…" : line
    }

    /// `text` with every secret, plain or percent-encoded, replaced by `<secret>`.
    static func scrub(_ text: String, _ secrets: [Secret]) -> String {
        var result = text
        for secret in secrets {
            let value = secret.reveal
            guard value.count >= 4 else { continue }  // too short to search for without mangling text
            result = result.replacingOccurrences(of: value, with: "<secret>")
            let encoded = PercentEncoding.encode(value)
            if encoded != value { result = result.replacingOccurrences(of: encoded, with: "<secret>") }
        }
        return result
    }

    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }
}

extension Character {
    /// 0–9 only (not other scripts' digits).
    var isASCIIDecimalDigit: Bool { ("0"..."9").contains(self) }
}
