import Foundation
import ZIPFoundation

/// Where an entry's compressed bytes lie in a zip file, read from its central directory, so that a
/// deflated part is unpacked from those bytes only.
///
/// ZIPFoundation 0.9.20 inflates from the archive file up to its end and, when the deflate stream
/// has not ended there (a truncated or damaged file), asks for more forever: `Data.decode` loops on
/// empty chunks (and tells zlib each chunk is a whole buffer long, so a short one at the end is
/// read past). Unpacking through `Data.decompress` from exactly the entry's `compressedSize` bytes,
/// in one chunk that is the buffer's size, reports such a part as damaged instead.
struct ZipEntryData {
    /// Local header offsets by entry name; empty when the directory cannot be read (ZIPFoundation then reports it).
    let offsets: [String: UInt64]

    init(handle: FileHandle, fileSize: UInt64) {
        offsets = Self.readDirectory(handle, fileSize: fileSize) ?? [:]
    }

    /// Unpacks the deflated `entry` (at most `compressedSize` bytes of it), passing each chunk to `consumer`.
    func inflate(_ entry: Entry, handle: FileHandle, fileSize: UInt64, consumer: (Data) throws -> Void) throws {
        guard let offset = offsets[entry.path] else { throw Damaged(reason: "not in the central directory") }
        guard let header = Self.read(handle, at: offset, count: 30), header.count == 30, Self.le32(header, 0) == 0x0403_4B50 else {
            throw Damaged(reason: "no local header")
        }
        let start = offset + 30 + UInt64(Self.le16(header, 26)) + UInt64(Self.le16(header, 28))
        guard start <= fileSize, entry.compressedSize <= fileSize - start else { throw Damaged(reason: "compressed data past the end of the file") }
        guard entry.compressedSize > 0, entry.compressedSize <= 1 << 31 else { throw Damaged(reason: "compressed size \(entry.compressedSize)") }
        // One chunk of exactly the buffer's size: `Data.decode` tells zlib the chunk has `bufferSize`
        // bytes whatever its length, so a shorter one would be read past its end.
        let size = Int(entry.compressedSize)
        var given = false
        let checksum = try Data.decompress(size: Int64(size), bufferSize: size, skipCRC32: false, provider: { _, _ in
            guard !given else { throw Damaged(reason: "the deflate stream does not end") }
            given = true
            guard let chunk = Self.read(handle, at: start, count: size), chunk.count == size else {
                throw Damaged(reason: "unreadable compressed data")
            }
            return chunk
        }, consumer: consumer)
        guard checksum == entry.checksum else { throw Damaged(reason: "CRC mismatch") }
    }

    struct Damaged: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    private static func readDirectory(_ handle: FileHandle, fileSize: UInt64) -> [String: UInt64]? {
        // The end of central directory record: 22 bytes, then a comment of up to 65535.
        let tailStart = fileSize > 65_557 ? fileSize - 65_557 : 0
        guard let tail = read(handle, at: tailStart, count: Int(fileSize - tailStart)), tail.count >= 22 else { return nil }
        var eocd: Int?
        var index = tail.count - 22
        while index >= 0 {
            if le32(tail, index) == 0x0605_4B50 { eocd = index; break }
            index -= 1
        }
        guard let eocd else { return nil }
        var count = UInt64(le16(tail, eocd + 10))
        var directory = UInt64(le32(tail, eocd + 16))
        if directory == 0xFFFF_FFFF || count == 0xFFFF, eocd >= 20, le32(tail, eocd - 20) == 0x0706_4B50 {
            // Zip64: the locator points at the zip64 end of central directory record.
            let record = le64(tail, eocd - 20 + 8)
            guard let zip64 = read(handle, at: record, count: 56), zip64.count == 56, le32(zip64, 0) == 0x0606_4B50 else { return nil }
            count = le64(zip64, 32)
            directory = le64(zip64, 48)
        }
        guard directory < fileSize, let bytes = read(handle, at: directory, count: Int(min(fileSize - directory, 64 << 20))) else { return nil }
        var offsets: [String: UInt64] = [:]
        var at = 0
        for _ in 0..<min(count, 1 << 20) {
            guard at + 46 <= bytes.count, le32(bytes, at) == 0x0201_4B50 else { break }
            let nameLength = Int(le16(bytes, at + 28)), extraLength = Int(le16(bytes, at + 30)), commentLength = Int(le16(bytes, at + 32))
            guard at + 46 + nameLength + extraLength <= bytes.count else { break }
            let name = String(decoding: bytes[(bytes.startIndex + at + 46)..<(bytes.startIndex + at + 46 + nameLength)], as: UTF8.self)
            var offset = UInt64(le32(bytes, at + 42))
            if offset == 0xFFFF_FFFF {
                offset = zip64Offset(bytes, extra: at + 46 + nameLength, length: extraLength,
                                     skipping: (le32(bytes, at + 24) == 0xFFFF_FFFF ? 8 : 0) + (le32(bytes, at + 20) == 0xFFFF_FFFF ? 8 : 0)) ?? offset
            }
            if offsets[name] == nil { offsets[name] = offset }
            at += 46 + nameLength + extraLength + commentLength
        }
        return offsets
    }

    /// The local header offset in a zip64 extra field (id 1), after the sizes that are there.
    private static func zip64Offset(_ bytes: Data, extra start: Int, length: Int, skipping: Int) -> UInt64? {
        var at = start
        while at + 4 <= start + length {
            let id = le16(bytes, at), size = Int(le16(bytes, at + 2))
            if id == 1, skipping + 8 <= size, at + 4 + skipping + 8 <= start + length { return le64(bytes, at + 4 + skipping) }
            at += 4 + size
        }
        return nil
    }

    private static func read(_ handle: FileHandle, at offset: UInt64, count: Int) -> Data? {
        do {
            try handle.seek(toOffset: offset)
            return try handle.read(upToCount: count) ?? Data()
        } catch {
            return nil
        }
    }

    private static func le16(_ data: Data, _ at: Int) -> UInt16 {
        let base = data.startIndex + at
        return UInt16(data[base]) | UInt16(data[base + 1]) << 8
    }

    private static func le32(_ data: Data, _ at: Int) -> UInt32 {
        UInt32(le16(data, at)) | UInt32(le16(data, at + 2)) << 16
    }

    private static func le64(_ data: Data, _ at: Int) -> UInt64 {
        UInt64(le32(data, at)) | UInt64(le32(data, at + 4)) << 32
    }
}
