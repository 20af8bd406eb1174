import Foundation

/// The text of one SMS as carriers count it: 【签名】 + body, its encoding, its length in the
/// encoding's units and the number of segments it is sent in.
///
/// - GSM-7, when every character is in the GSM 03.38 default alphabet (its extension table's
///   `^ { } \ [ ~ ] | €` and form feed count 2): 160 in one segment, 153 per segment when split.
/// - UCS-2 otherwise, counted in UTF-16 code units (an emoji counts 2): 70 in one segment, 67
///   per segment when split.
///
/// When split, an escape sequence or a surrogate pair is never cut: it moves whole to the next
/// segment, as handsets and SMSCs do. 【】 are not GSM-7, so every signed Chinese SMS is UCS-2.
public struct SMSText: Sendable, Hashable, CustomStringConvertible {
    public enum Encoding: String, Sendable, Hashable {
        case gsm7, ucs2

        /// Units in a message of one segment.
        public var singleSegmentUnits: Int { self == .gsm7 ? 160 : 70 }
        /// Units per segment of a split (concatenated) message.
        public var multiSegmentUnits: Int { self == .gsm7 ? 153 : 67 }
    }

    /// The full text as sent.
    public let text: String
    public let encoding: Encoding
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    public let units: Int
    public let segments: Int

    /// Measures `text` as it stands (no signature added).
    public init(_ text: String) {
        self.text = text
        // One pass for the totals; the per-character walk of `segments` only for a long text.
        var septets: Int? = 0
        var utf16 = 0
        for scalar in text.unicodeScalars {
            utf16 += scalar.utf16.count
            if let total = septets { septets = GSM7.cost(scalar).map { total + $0 } }
        }
        if let septets {
            encoding = .gsm7
            units = septets
        } else {
            encoding = .ucs2
            units = utf16
        }
        segments = units <= encoding.singleSegmentUnits ? 1 : Self.segments(text, encoding: encoding)
    }

    /// `【signature】body`; a blank signature adds nothing.
    public init(signature: String, body: String) {
        self.init(signature.isEmpty ? body : "【\(signature)】" + body)
    }

    /// `ucs2, 71 units, 2 segments`: the counts only, never the text (it may name a person).
    public var description: String { "\(encoding.rawValue), \(units) units, \(segments) segment\(segments == 1 ? "" : "s")" }

    /// Segments of a text over one segment's length: a character (escape sequence, surrogate
    /// pair) that does not fit whole in a segment starts the next.
    private static func segments(_ text: String, encoding: Encoding) -> Int {
        var segments = 1
        var used = 0
        for scalar in text.unicodeScalars {
            let cost = encoding == .gsm7 ? GSM7.cost(scalar) ?? 2 : scalar.utf16.count
            if used + cost > encoding.multiSegmentUnits {
                segments += 1
                used = 0
            }
            used += cost
        }
        return segments
    }
}

/// The signature and the length limit every SMS of the office obeys (`[sms]` in fafang.toml).
public struct SMSTextRules: Sendable, Hashable {
    /// 【签名】 text without the brackets; empty for none (a gateway that adds its own).
    public var signature: String
    /// A text longer than this many segments is refused.
    public var maxSegments: Int

    public init(signature: String, maxSegments: Int) {
        self.signature = signature
        self.maxSegments = maxSegments
    }

    /// The full text for `body`, or a `GatewayError` naming its length when it needs more than
    /// `maxSegments` segments (or is empty).
    public func compose(_ body: String, gateway: String) throws(GatewayError) -> SMSText {
        guard body.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw GatewayError(gateway: gateway, message: "empty SMS text")
        }
        let text = SMSText(signature: signature, body: body)
        guard text.segments <= maxSegments else {
            throw GatewayError(gateway: gateway, message: "SMS text too long: \(text), more than max_segments = \(maxSegments)")
        }
        return text
    }
}
