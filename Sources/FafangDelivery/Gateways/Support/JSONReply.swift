import Foundation

/// A JSON value as read from a reply: decoded strictly (a `true` is never the number 1).
public indirect enum JSONValue: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let flag = try? container.decode(Bool.self) { self = .bool(flag); return }
        if let whole = try? container.decode(Int64.self) { self = .integer(whole); return }
        if let number = try? container.decode(Double.self) { self = .number(number); return }
        if let text = try? container.decode(String.self) { self = .string(text); return }
        if let array = try? container.decode([JSONValue].self) { self = .array(array); return }
        self = .object(try container.decode([String: JSONValue].self))
    }

    /// Scalars as text: strings as they are, numbers in plain form, booleans `true`/`false`.
    public var text: String? {
        switch self {
        case let .string(text): return text
        case let .integer(whole): return String(whole)
        case let .number(number): return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case let .bool(flag): return flag ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }
}

/// A reply body read as JSON, with lookups by dotted path. Replies are never trusted to be JSON:
/// a body that is not gives an empty reply, and callers fall back on the HTTP status.
public struct JSONReply: Sendable {
    public let root: JSONValue?

    public init(_ body: [UInt8]) {
        root = body.isEmpty ? nil : try? JSONDecoder().decode(JSONValue.self, from: Data(body))
    }

    public var isObject: Bool {
        if case .object = root { return true }
        return false
    }

    /// The value at `path` (`Response.SendStatusSet.0.Code`: keys and array indexes).
    public func value(at path: String) -> JSONValue? {
        var current = root
        for part in path.split(separator: ".") {
            switch current {
            case let .object(object)?:
                current = object[String(part)]
            case let .array(array)?:
                guard let index = Int(part), array.indices.contains(index) else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }

    /// A scalar at `path` as text.
    public func string(at path: String) -> String? { value(at: path)?.text }

    /// A whole number, or a string holding one (`"errcode": "0"` happens).
    public func int(at path: String) -> Int? {
        switch value(at: path) {
        case let .integer(whole)?: return Int(exactly: whole)
        case let .number(number)?: return Int(exactly: number)
        case let .string(text)?: return Int(text.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    /// The first of `paths` that holds a whole number.
    public func firstInt(_ paths: [String]) -> Int? { paths.lazy.compactMap { int(at: $0) }.first }
    /// The first of `paths` that holds a non-empty scalar.
    public func firstString(_ paths: [String]) -> String? {
        paths.lazy.compactMap { string(at: $0) }.first { !$0.isEmpty }
    }
}

/// Encodes request bodies the same way every time: sorted keys, no escaped slashes, so that a
/// signed body is the body sent and fixtures can compare bytes.
enum JSONBody {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of strings and numbers cannot fail; an empty body would be
        // refused by the receiver rather than crash the daemon.
        return (try? encoder.encode(value)).map { Array($0) } ?? []
    }

    /// `text` as the inside of a JSON string (no surrounding quotes).
    static func escape(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendEscaped(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` as the inside of a JSON string: `"` and `\\` escaped, control characters
    /// (and U+2028, U+2029, which JavaScript reads as line ends) as escapes, the rest as UTF-8.
    static func appendEscaped(_ text: String, to bytes: inout [UInt8]) {
        for scalar in text.unicodeScalars {
            let short: UInt8? = switch scalar {
            case "\"": UInt8(ascii: "\"")
            case "\\": UInt8(ascii: "\\")
            case "\n": UInt8(ascii: "n")
            case "\r": UInt8(ascii: "r")
            case "\t": UInt8(ascii: "t")
            case "\u{08}": UInt8(ascii: "b")
            case "\u{0C}": UInt8(ascii: "f")
            default: nil
            }
            if let short {
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(short)
            } else if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                let hex = String(scalar.value, radix: 16, uppercase: false)
                bytes.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            } else {
                bytes.append(contentsOf: UTF8.encode(scalar)!)
            }
        }
    }
}

/// A JSON object written field by field, for the bodies sent once per message (JSONEncoder cost
/// a webhook's daemon more CPU than the HTTP request itself). Fields come out in the order they
/// are written: callers write them in sorted key order, as `JSONBody.encode` does, so both give
/// the same bytes. A nil string leaves its field out, as an Encodable's optional does.
struct JSONObjectWriter {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var empty = true

    init(_ fields: (inout JSONObjectWriter) -> Void) { fields(&self) }

    private mutating func key(_ name: String) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        bytes.append(UInt8(ascii: "\""))
        JSONBody.appendEscaped(name, to: &bytes)
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    mutating func string(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        bytes.append(UInt8(ascii: "\""))
        JSONBody.appendEscaped(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func object(_ name: String, _ fields: (inout JSONObjectWriter) -> Void) {
        key(name)
        bytes.append(contentsOf: JSONObjectWriter(fields).finished)
    }

    /// The object's bytes, closed.
    var finished: [UInt8] { bytes + [UInt8(ascii: "}")] }
}
