import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file written line by line through a buffer, in UTF-8 or (as Chinese Excel saves CSV) in
/// GB18030: the scale benchmark writes registers of a million rows with it.
final class BufferedFile {
    let path: String
    let gb18030: Bool
    private var buffer: [UInt8] = []
    private var descriptor: Int32 = -1

    init(path: String, gb18030: Bool) {
        self.path = path
        self.gb18030 = gb18030
        buffer.reserveCapacity(1 << 20)
    }

    func open() throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw BenchError("\(path): cannot create (errno \(errno))") }
    }

    /// Appends text; flushed by whole lines once the buffer holds a megabyte.
    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try? flush() }
    }

    func close() throws {
        try flush()
        Glibc.close(descriptor)
        descriptor = -1
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        let bytes = gb18030 ? try Self.toGB18030(buffer) : buffer
        var written = 0
        try bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let result = Glibc.write(descriptor, raw.baseAddress! + written, raw.count - written)
                guard result > 0 else { throw BenchError("\(path): write failed (errno \(errno))") }
                written += result
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// UTF-8 → GB18030 with glibc's iconv (the buffer always ends on a whole character).
    static func toGB18030(_ utf8: [UInt8]) throws -> [UInt8] {
        let converter = iconv_open("GB18030", "UTF-8")
        guard converter != iconv_t(bitPattern: -1) else { throw BenchError("iconv has no GB18030") }
        defer { iconv_close(converter) }
        var input = utf8
        var output = [UInt8](repeating: 0, count: utf8.count * 2 + 16)
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return -1 }
                return outBuffer.count - outLeft
            }
        }
        guard produced >= 0 else { throw BenchError("text not convertible to GB18030") }
        return Array(output[0..<produced])
    }
}
