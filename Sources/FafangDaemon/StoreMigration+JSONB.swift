import Foundation

extension StoreMigration.Canonical {
    /// `text` (JSON) as PostgreSQL prints it once stored as `jsonb`, so that the checksum of a
    /// JSON column can be computed on the SQLite side: object keys sorted shorter first, then
    /// bytewise, the last of duplicate keys kept; `", "` and `": "` between items; strings with
    /// `"`, `\`, `\b`, `\f`, `\n`, `\r`, `\t` and other control characters (`\u00XX`) escaped and
    /// the rest as is; numbers as `numeric` prints them (exponents applied, the scale kept).
    static func jsonbText(_ text: String) throws -> String {
        var parser = JSONBParser(bytes: Array(text.utf8))
        parser.skipWhitespace()
        let rendered = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.problem("text after the value") }
        return String(decoding: rendered, as: UTF8.self)
    }
}

private struct JSONBParser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func problem(_ what: String) -> StoreMigration.Canonical.Problem {
        StoreMigration.Canonical.Problem(description: "not JSON PostgreSQL reads (\(what) at byte \(index))")
    }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func expect(_ byte: UInt8) throws {
        guard index < bytes.count, bytes[index] == byte else { throw problem("expected '\(Character(Unicode.Scalar(byte)))'") }
        index += 1
    }

    /// One value, rendered.
    mutating func value(depth: Int) throws -> [UInt8] {
        guard depth < 200 else { throw problem("nested too deep") }
        guard index < bytes.count else { throw problem("a value missing") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return Self.rendered(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default:
            for literal in ["true", "false", "null"] where bytes[index...].starts(with: literal.utf8) {
                index += literal.utf8.count
                return Array(literal.utf8)
            }
            throw problem("an unexpected character")
        }
    }

    mutating func object(depth: Int) throws -> [UInt8] {
        try expect(UInt8(ascii: "{"))
        var members: [[UInt8]: [UInt8]] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipWhitespace()
                let key = try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                members[key] = try value(depth: depth + 1)
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
        let keys = members.keys.sorted { $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1) }
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (position, key) in keys.enumerated() {
            if position > 0 { out += Array(", ".utf8) }
            out += Self.rendered(key)
            out += Array(": ".utf8)
            out += members[key] ?? []
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    mutating func array(depth: Int) throws -> [UInt8] {
        try expect(UInt8(ascii: "["))
        var out: [UInt8] = [UInt8(ascii: "[")]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
        } else {
            var first = true
            while true {
                skipWhitespace()
                if !first { out += Array(", ".utf8) }
                first = false
                out += try value(depth: depth + 1)
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "]"))
                break
            }
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// A string literal, decoded to its UTF-8 bytes.
    mutating func string() throws -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw problem("an unterminated string") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return out
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw problem("an unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard bytes[index...].starts(with: "\\u".utf8) else { throw problem("a lone surrogate") }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw problem("a lone surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    // PostgreSQL refuses \u0000 in jsonb.
                    guard scalar != 0, let unicode = Unicode.Scalar(scalar) else { throw problem("an escape PostgreSQL refuses") }
                    out += Array(String(unicode).utf8)
                default:
                    throw problem("an unknown escape")
                }
            case 0..<0x20:
                throw problem("a control character in a string")
            default:
                out.append(byte)
            }
        }
    }

    mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
            throw problem("a bad \\u escape")
        }
        index += 4
        return value
    }

    /// A number, as `numeric` prints it: `1.50` stays, `1.5e3` is `1500`, `15e-1` is `1.5`, `-0` is `0`.
    mutating func number() throws -> [UInt8] {
        func digits() -> [UInt8] {
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return Array(bytes[start..<index])
        }
        var negative = false
        if bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        let whole = digits()
        guard !whole.isEmpty, whole.count == 1 || whole[0] != UInt8(ascii: "0") else { throw problem("a malformed number") }
        var fraction: [UInt8] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            fraction = digits()
            guard !fraction.isEmpty else { throw problem("a malformed number") }
        }
        var exponent = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var sign = 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                if bytes[index] == UInt8(ascii: "-") { sign = -1 }
                index += 1
            }
            let power = digits()
            guard !power.isEmpty, power.count <= 4, let value = Int(String(decoding: power, as: UTF8.self)) else {
                throw problem("a malformed or huge exponent")
            }
            exponent = sign * value
        }
        // The digits with the point `scale` places from the right (numeric's display scale).
        var all = whole + fraction
        let scale = fraction.count - exponent
        if scale < 0 { all += Array(repeating: UInt8(ascii: "0"), count: -scale) }
        let shown = max(0, scale)
        if all.count <= shown { all = Array(repeating: UInt8(ascii: "0"), count: shown + 1 - all.count) + all }
        var integer = Array(all[..<(all.count - shown)])
        while integer.count > 1, integer[0] == UInt8(ascii: "0") { integer.removeFirst() }
        let decimals = Array(all[(all.count - shown)...])
        let zero = (integer + decimals).allSatisfy { $0 == UInt8(ascii: "0") }
        var out: [UInt8] = negative && !zero ? [UInt8(ascii: "-")] : []
        out += integer
        if shown > 0 { out += [UInt8(ascii: ".")] + decimals }
        return out
    }

    /// A string as jsonb prints it.
    static func rendered(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in bytes {
            switch byte {
            case 0x08: out += Array("\\b".utf8)
            case 0x0C: out += Array("\\f".utf8)
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case UInt8(ascii: "\""): out += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case 0..<0x20: out += Array("\\u".utf8) + Array(StoreMigration.Canonical.hex4(UInt32(byte)).utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }
}
