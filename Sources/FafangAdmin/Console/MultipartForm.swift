import Foundation

/// A `multipart/form-data` body (RFC 7578), as a browser posts a form with a file: its parts,
/// each with its field name, file name (for a file) and bytes.
public struct MultipartForm: Sendable {
    public struct Part: Sendable, Hashable {
        public var name: String
        public var filename: String?
        public var data: Data
    }

    public enum Failure: Error, Sendable, Hashable {
        /// No `boundary=` in the content type.
        case noBoundary
        /// The body does not hold parts between the boundary lines.
        case malformed
    }

    public private(set) var parts: [Part]

    /// The first part named `name`.
    public func part(_ name: String) -> Part? { parts.first { $0.name == name } }

    /// The text of the first part named `name` (a plain field).
    public func field(_ name: String) -> String? { part(name).map { String(decoding: $0.data, as: UTF8.self) } }

    /// The boundary of `multipart/form-data; boundary=…`; nil for another content type.
    public static func boundary(contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = piece.dropFirst("boundary=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            return value.isEmpty || value.count > 70 ? nil : String(value)
        }
        return nil
    }

    public init(body: Data, boundary: String) throws(Failure) {
        let bytes = [UInt8](body)
        let delimiter = Array(("--" + boundary).utf8)
        var positions: [Int] = []
        var searchFrom = 0
        while let found = Self.find(delimiter, in: bytes, from: searchFrom) {
            // A delimiter starts the body or follows a line break.
            if found == 0 || (found >= 2 && bytes[found - 2] == 13 && bytes[found - 1] == 10) { positions.append(found) }
            searchFrom = found + delimiter.count
        }
        guard positions.count >= 2 else { throw .malformed }
        var parts: [Part] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var cursor = start + delimiter.count
            // "--" after the delimiter closes the body.
            if cursor + 1 < bytes.count, bytes[cursor] == 45, bytes[cursor + 1] == 45 { break }
            guard let lineEnd = Self.find([13, 10], in: bytes, from: cursor) else { throw .malformed }
            cursor = lineEnd + 2
            guard let headerEnd = Self.find([13, 10, 13, 10], in: bytes, from: cursor), headerEnd < end else { throw .malformed }
            let headers = String(decoding: bytes[cursor..<headerEnd], as: UTF8.self)
            let contentEnd = end - 2
            guard contentEnd >= headerEnd + 4 else { throw .malformed }
            guard let (name, filename) = Self.disposition(headers) else { throw .malformed }
            parts.append(Part(name: name, filename: filename, data: Data(bytes[(headerEnd + 4)..<contentEnd])))
        }
        self.parts = parts
    }

    /// The `name` and `filename` of a part's `Content-Disposition: form-data; …` header.
    private static func disposition(_ headers: String) -> (String, String?)? {
        for line in headers.split(separator: "\r\n") {
            let text = String(line)
            guard text.lowercased().hasPrefix("content-disposition:") else { continue }
            let name = parameter("name", in: text)
            let filename = parameter("filename", in: text)
            return name.map { ($0, filename) }
        }
        return nil
    }

    /// A `key="value"` (or bare `key=value`) parameter of a header line.
    private static func parameter(_ key: String, in line: String) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix(key + "=") else { continue }
            var value = Substring(trimmed.dropFirst(key.count + 1))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            return value.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
