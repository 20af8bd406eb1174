/// The words that make an inbound SMS a query: 查询 and its common variants (CX, 查, 余额), and
/// any `[inquiry] keywords`; compared after `normalized`, so full-width letters (ＣＸ), any case,
/// and blanks anywhere (查 询, an ideographic space) do not matter.
public struct InquiryKeywords: Sendable, Hashable {
    public static let standard = ["查询", "CX", "查", "余额"]

    /// The normalized keywords.
    public let words: Set<String>

    public init(extra: [String] = []) {
        words = Set((Self.standard + extra).map(Self.normalized).filter { !$0.isEmpty })
    }

    /// Whether `text` (the whole SMS) is a query.
    public func matches(_ text: String) -> Bool { words.contains(Self.normalized(text)) }

    /// `text` with every blank and the usual trailing punctuation removed, full-width ASCII
    /// forms (U+FF01–FF5E) made half-width, and letters upper-cased: "ｃｘ " → "CX", "查 询。" → "查询".
    public static func normalized(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.value == 0x3000 { continue }
            var value = scalar
            if (0xFF01...0xFF5E).contains(scalar.value), let half = Unicode.Scalar(scalar.value - 0xFEE0) { value = half }
            if "。.！!？?，,".unicodeScalars.contains(value) { continue }
            scalars.append(value)
        }
        return String(scalars).uppercased()
    }
}
