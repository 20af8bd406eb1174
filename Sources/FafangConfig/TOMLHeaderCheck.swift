/// Finds a TOML table header whose name starts with neither a key character nor a quote
/// (`[,plan]`, `[[[1]]]`, `[=`), before TOMLKit sees the text.
///
/// toml++ 3.4.0 (inside TOMLKit 0.6.0) asserts on such a header: an abort with assertions on, and
/// undefined behaviour with NDEBUG (marzer/tomlplusplus#301, fixed after 3.4.0). Found here, it is
/// reported as the syntax error it is. Only the statement level is looked at: brackets inside
/// values (arrays, inline tables), strings and comments are skipped.
enum TOMLHeaderCheck {
    /// The 1-based line of the first such header, or nil.
    static func firstBadHeader(in text: String) -> Int? {
        let bytes = Array(text.utf8)
        var index = 0
        var line = 1
        var depth = 0
        var statementStart = true
        var inHeader = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                inHeader = false
                if depth == 0 { statementStart = true }
                index += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                statementStart = false
                index = skipString(bytes, from: index, line: &line)
            case UInt8(ascii: "[") where statementStart && depth == 0:
                statementStart = false
                inHeader = true
                var next = index + 1
                if next < bytes.count, bytes[next] == UInt8(ascii: "[") { next += 1 }
                while next < bytes.count, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") { next += 1 }
                guard next < bytes.count, startsKey(bytes[next]) else { return line }
                index = next
            default:
                statementStart = false
                if !inHeader {
                    if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") { depth += 1 }
                    if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") { depth = max(0, depth - 1) }
                }
                index += 1
            }
        }
        return nil
    }

    /// What toml++ takes after a header's `[`: a bare key character, a quote, or the `]` it reports itself.
    private static func startsKey(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "]"):
            return true
        default:
            // Anything else, `[甲村]` included (bare keys are ASCII), would reach the assertion.
            return false
        }
    }

    /// The index after the string starting at `start` (basic or literal, one line or three quotes).
    private static func skipString(_ bytes: [UInt8], from start: Int, line: inout Int) -> Int {
        let quote = bytes[start]
        let triple = start + 2 < bytes.count && bytes[start + 1] == quote && bytes[start + 2] == quote
        var index = start + (triple ? 3 : 1)
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { line += 1 }
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\n") {
                // A one-line string ends at the line's end (toml++ reports it); the newline is the caller's.
                guard triple else { return index }
                line += 1
            }
            if byte == quote {
                if !triple { return index + 1 }
                if index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote {
                    // Up to two more quotes may close a multi-line string (`""""" ` is `""` then the end).
                    var end = index + 3
                    while end < bytes.count, end < index + 5, bytes[end] == quote { end += 1 }
                    return end
                }
            }
            index += 1
        }
        return index
    }
}
