import Crypto
import FafangCore
import FafangStore
import Foundation

extension StoreMigration {
    /// The canonical text of a row, the same on both sides of a migration (`checksumSQL` is the
    /// PostgreSQL half): each column in the table's order, NULL as `-`, any other value as its
    /// length in UTF-8 bytes, `:`, and its text: integers and money (fen) in decimal, instants as
    /// integer microseconds since 1970 (SQLite keeps milliseconds, PostgreSQL microseconds: both
    /// exact in it), dates `YYYY-MM-DD`, booleans `0`/`1`, JSON as PostgreSQL prints a jsonb. A
    /// table's checksum is the MD5 of the concatenated lowercase-hex MD5s of its rows in key
    /// order (a fixed 32 bytes a row, so neither side holds the table's text at once).
    enum Canonical {
        /// Why a SQLite value cannot be copied as its column's kind.
        struct Problem: Error, CustomStringConvertible {
            let description: String
        }

        /// Appends a cell of a column of `kind`: as copied (a JSON value for `jsonb_to_recordset`)
        /// to `json`, and as its canonical field to `row`. Bytes, not strings: a year's database
        /// is a million cells.
        static func append(_ value: SQLiteValue, _ kind: StoreMigration.Kind, json: inout [UInt8], row: inout [UInt8]) throws {
            switch (kind, value) {
            case (_, .null):
                json += "null".utf8
                row.append(UInt8(ascii: "-"))
            case let (.text, .text(text)):
                appendJSONString(text, to: &json)
                appendField(text, to: &row)
            case let (.text, .integer(number)):
                // A number in a text column (SQLite's affinity keeps the text it was given: only by hand).
                appendJSONString(String(number), to: &json)
                appendField(String(number), to: &row)
            case let (.integer, .integer(number)):
                let text = String(number)
                json += text.utf8
                appendField(text, to: &row)
            case let (.instant, .text(text)):
                appendJSONString(text, to: &json)
                appendField(String(try microseconds(text)), to: &row)
            case let (.date, .text(text)):
                guard let date = CivilDate(iso: text) else { throw Problem(description: "\(describe(value)) is not a date YYYY-MM-DD") }
                appendJSONString(text, to: &json)
                appendField(date.description, to: &row)
            case let (.boolean, .integer(number)):
                json += (number != 0 ? "true" : "false").utf8
                appendField(number != 0 ? "1" : "0", to: &row)
            case let (.json, .text(text)):
                appendJSONString(text, to: &json)
                appendField(try jsonbText(text), to: &row)
            default:
                throw Problem(description: "\(describe(value)) is not \(kind)")
            }
        }

        /// A field of a row's canonical text: its length in UTF-8 bytes, `:`, its text.
        static func appendField(_ text: String, to row: inout [UInt8]) {
            row += String(text.utf8.count).utf8
            row.append(UInt8(ascii: ":"))
            row += text.utf8
        }

        /// A value for a message: its storage class and, for numbers and short texts, itself.
        static func describe(_ value: SQLiteValue) -> String {
            switch value {
            case .null: return "NULL"
            case let .integer(number): return String(number)
            case let .real(number): return "the real \(number)"
            case let .text(text): return text.count > 40 ? "a text of \(text.count) characters" : "'\(text)'"
            case let .blob(bytes): return "a blob of \(bytes.count) bytes"
            }
        }

        /// `yyyy-MM-dd HH:mm[:ss[.f…]]` (or with `T`; up to six decimals), UTC, as integer
        /// microseconds since 1970.
        static func microseconds(_ text: String) throws -> Int64 {
            let bytes = Array(text.utf8)
            /// The decimal number of `count` digits at `start`.
            func number(_ start: Int, _ count: Int) -> Int? {
                guard count > 0, start + count <= bytes.count else { return nil }
                var value = 0
                for index in start..<start + count {
                    let digit = Int(bytes[index]) - 48
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            let problem = Problem(description: "'\(text)' is not an instant yyyy-MM-dd HH:mm:ss.SSS")
            guard bytes.count >= 16, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                  bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
                  let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2), let minute = number(14, 2),
                  let date = CivilDate(year: year, month: month, day: day), hour < 24, minute < 60
            else { throw problem }
            var second = 0
            var fraction = 0
            if bytes.count > 16 {
                guard bytes.count >= 19, bytes[16] == UInt8(ascii: ":"), let value = number(17, 2), value < 60 else { throw problem }
                second = value
                if bytes.count > 19 {
                    let digits = bytes.count - 20
                    guard bytes[19] == UInt8(ascii: "."), digits <= 6, let value = number(20, digits) else { throw problem }
                    fraction = value
                    for _ in digits..<6 { fraction *= 10 }
                }
            }
            let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
            return seconds * 1_000_000 + Int64(fraction)
        }

        /// Appends a JSON string literal of `text` (quotes, backslashes and control characters escaped).
        static func appendJSONString(_ text: String, to json: inout [UInt8]) {
            json.append(UInt8(ascii: "\""))
            if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                json += text.utf8
            } else {
                for byte in text.utf8 {
                    switch byte {
                    case UInt8(ascii: "\""): json += "\\\"".utf8
                    case UInt8(ascii: "\\"): json += "\\\\".utf8
                    case 0..<0x20: json += ("\\u" + hex4(UInt32(byte))).utf8
                    default: json.append(byte)
                    }
                }
            }
            json.append(UInt8(ascii: "\""))
        }

        static func hex4(_ value: UInt32) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }

        /// The MD5 of a table's rows, as `checksumSQL` computes it in PostgreSQL.
        struct TableChecksum {
            private var digest = Insecure.MD5()
            private(set) var rows = 0

            /// Adds a row, its canonical text.
            mutating func add(_ row: [UInt8]) {
                digest.update(data: StoreMigration.Canonical.hex(Insecure.MD5.hash(data: row)))
                rows += 1
            }

            var tally: Tally { Tally(rows: rows, md5: String(decoding: StoreMigration.Canonical.hex(digest.finalize()), as: UTF8.self)) }
        }

        static let hexDigits = Array("0123456789abcdef".utf8)

        /// Lowercase hex, as PostgreSQL's `md5` returns it.
        static func hex(_ digest: Insecure.MD5Digest) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(32)
            digest.withUnsafeBytes { bytes in
                for byte in bytes {
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0x0F)])
                }
            }
            return out
        }
    }
}
