import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the registers and documents the finance office gives us: UTF-8 with or without a BOM,
/// or GB18030 (what Chinese Excel writes when it saves CSV).
public enum TextFile {
    /// The encoding a text was found in.
    public enum Encoding: String, Sendable {
        case utf8 = "UTF-8"
        case utf8BOM = "UTF-8 with BOM"
        case gb18030 = "GB18030"
    }

    /// Why a file could not be read as text.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case notText(path: String, line: Int)

        /// What went wrong, without the path.
        public var reason: String {
            switch self {
            case let .unreadable(_, reason): return "cannot read: \(reason)"
            case .notText: return "neither UTF-8 nor GB18030 text (save the file as CSV UTF-8 or CSV GB18030)"
            }
        }

        public var description: String {
            switch self {
            case let .unreadable(path, reason): return "\(path): cannot read: \(reason)"
            case let .notText(path, line):
                return "\(path):\(line): neither UTF-8 nor GB18030 text (save the file as CSV UTF-8 or CSV GB18030)"
            }
        }
    }

    public static func read(_ path: String) throws(Failure) -> (text: String, encoding: Encoding) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw unreadable(path, error)
        }
        return try decode(data, path: path)
    }

    /// Why `path` cannot be read, in Foundation's words (as `read` reports it). For a file that
    /// failed another way (opening or reading it streamed), Foundation is asked to read it.
    static func unreadable(_ path: String, _ error: (any Error)? = nil) -> Failure {
        var failure = error
        if failure == nil {
            do { _ = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch { failure = error }
        }
        let reason = failure.flatMap { ($0 as NSError).localizedFailureReason }
            ?? (FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        return .unreadable(path: path, reason: reason)
    }

    public static func decode(_ data: Data, path: String) throws(Failure) -> (text: String, encoding: Encoding) {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            guard let text = String(validating: bytes.dropFirst(3), as: UTF8.self) else {
                throw .notText(path: path, line: lineOfFirstInvalidUTF8(Array(bytes.dropFirst(3))))
            }
            return (text, .utf8BOM)
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            return (text, .utf8)
        }
        if let text = gb18030(bytes) {
            return (text, .gb18030)
        }
        throw .notText(path: path, line: lineOfFirstInvalidUTF8(bytes))
    }

    /// Converts GB18030 bytes to a String with glibc's iconv; nil if they are not GB18030.
    static func gb18030(_ bytes: [UInt8]) -> String? {
        let converter = iconv_open("UTF-8", "GB18030")
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)
        let converted: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                guard result != -1, inLeft == 0 else { return nil }
                return outBuffer.count - outLeft
            }
        }
        guard let converted else { return nil }
        return String(validating: output[0..<converted], as: UTF8.self)
    }

    private static func lineOfFirstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var line = 1
        var lineStart = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            if String(validating: bytes[lineStart..<index], as: UTF8.self) == nil { return line }
            line += 1
            lineStart = index + 1
        }
        return line
    }
}
