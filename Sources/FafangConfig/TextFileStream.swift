import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A register file read a chunk at a time as UTF-8, whatever it is saved in: the same rules as
/// `TextFile.read` (UTF-8 with or without BOM, else GB18030), without holding the file or its
/// text whole. A county's register is tens of megabytes.
///
/// Opening reads the file once to tell its encoding (the whole of it must be valid UTF-8 for it
/// to be read as UTF-8; else it is converted once through, to know it is GB18030);
/// `next(into:)` then gives its text in chunks, converted by glibc's iconv for GB18030 (a
/// character cut by a chunk's end is carried over to the next).
final class TextFileStream {
    let path: String
    private(set) var encoding: TextFile.Encoding
    private let descriptor: Int32
    private var converter: iconv_t? = nil
    private var raw: [UInt8]
    /// Raw bytes of a GB18030 character cut by the previous chunk's end.
    private var carried = 0
    private var ended = false
    /// For GB18030 text that turns out not to be: where the file stops being UTF-8.
    private var firstBadUTF8Line: Int

    static let defaultChunkSize = 1 << 20

    /// Opens `path` and decides its encoding. Throws `.unreadable` or `.notText` as `TextFile.read` does.
    init(path: String, chunkSize: Int = TextFileStream.defaultChunkSize) throws(TextFile.Failure) {
        self.path = path
        raw = [UInt8](repeating: 0, count: max(chunkSize, 4))
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TextFile.unreadable(path) }
        encoding = .utf8
        firstBadUTF8Line = 0
        // Fully initialised: deinit closes the descriptor from here on, also when this throws.
        let (found, badLine) = try detect()
        encoding = found
        firstBadUTF8Line = badLine
        if found == .gb18030 {
            let opened = iconv_open("UTF-8", "GB18030")
            guard opened != iconv_t(bitPattern: -1) else { throw .notText(path: path, line: badLine) }
            converter = opened
            // Converted once through to the end first: a file that is not GB18030 either is
            // refused before any of its rows is read, as when it was decoded whole.
            try rewind(skipping: 0)
            var scratch: [UInt8] = []
            while try next(into: &scratch) {}
        }
        try rewind(skipping: found == .utf8BOM ? 3 : 0)
    }

    deinit {
        if let converter { iconv_close(converter) }
        close(descriptor)
    }

    /// Replaces `chunk` with the next piece of text; false at the end of the file.
    func next(into chunk: inout [UInt8]) throws(TextFile.Failure) -> Bool {
        guard !ended else { return false }
        let count = try read(into: carried)
        ended = count < raw.count
        guard count > 0 else { return false }
        guard let converter else {
            chunk.removeAll(keepingCapacity: true)
            chunk.append(contentsOf: raw[0..<count])
            return true
        }
        let room = count * 2 + 16
        if chunk.count < room { chunk.append(contentsOf: repeatElement(0, count: room - chunk.count)) }
        let (produced, left, failed) = raw.withUnsafeMutableBufferPointer { input in
            chunk.withUnsafeMutableBufferPointer { output in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(input.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(output.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = output.count
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                // EINVAL: a character cut by the chunk's end; anything else is not GB18030.
                return (output.count - outLeft, inLeft, result == -1 && errno != EINVAL)
            }
        }
        // A character still cut at the end of the file is not GB18030 either.
        guard !failed, !(ended && left > 0) else { throw .notText(path: path, line: firstBadUTF8Line) }
        if left > 0 {
            raw.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[(count - left)..<count])) }
        }
        carried = left
        chunk.removeSubrange(produced...)
        return true
    }

    /// Reads the whole file once: UTF-8 with a BOM, UTF-8, else (maybe) GB18030. Returns the
    /// line where UTF-8 first fails (the line a refusal names).
    private func detect() throws(TextFile.Failure) -> (TextFile.Encoding, Int) {
        var validator = UTF8Validator()
        var offset = 0
        var bom = false
        while true {
            let count = try read(into: 0)
            if count == 0 { break }
            var start = 0
            if offset == 0, count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF {
                bom = true
                start = 3
            }
            if let bad = raw.withUnsafeBufferPointer({ validator.feed(UnsafeBufferPointer(rebasing: $0[start..<count])) }) {
                let line = try line(at: offset + start + bad)
                if bom { throw .notText(path: path, line: line) }
                return (.gb18030, line)
            }
            offset += count
        }
        if !validator.isComplete {
            let line = try line(at: offset)
            if bom { throw .notText(path: path, line: line) }
            return (.gb18030, line)
        }
        return (bom ? .utf8BOM : .utf8, 0)
    }

    /// The 1-based line of byte `offset` (after a BOM, which has no line breaks).
    private func line(at offset: Int) throws(TextFile.Failure) -> Int {
        try rewind(skipping: 0)
        var line = 1
        var seen = 0
        while seen < offset {
            let count = try read(into: 0)
            if count == 0 { break }
            let used = min(count, offset - seen)
            line += raw[0..<used].count { $0 == 0x0A }
            seen += used
        }
        return line
    }

    private func rewind(skipping bytes: Int) throws(TextFile.Failure) {
        guard lseek(descriptor, off_t(bytes), SEEK_SET) >= 0 else { throw TextFile.unreadable(path) }
        carried = 0
        ended = false
    }

    /// Fills `raw` from `offset` up to its size or the end of the file; the bytes now in it.
    private func read(into offset: Int) throws(TextFile.Failure) -> Int {
        var filled = offset
        while filled < raw.count {
            let result = raw.withUnsafeMutableBytes { readBytes(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if result < 0, errno == EINTR { continue }
            guard result >= 0 else { throw TextFile.unreadable(path) }
            if result == 0 { break }
            filled += result
        }
        return filled
    }
}

/// read(2), by a name the stream's own `read` does not hide.
private func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
