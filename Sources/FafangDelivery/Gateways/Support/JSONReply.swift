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
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16, uppercase: false)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
