import Foundation

/// A zip archive of stored (uncompressed) entries, written in memory: wraps fuzzed XML parts
/// into a valid package so that the XML readers are reached.
enum StoredZip {
    static func archive(_ entries: [(name: String, data: Data)]) -> Data {
        var out = Data()
        var directory = Data()
        for (name, data) in entries {
            let crc = crc32(data)
            let offset = UInt32(truncatingIfNeeded: out.count)
            let nameBytes = Data(name.utf8)
            // Local file header: version 2.0, no flags, stored, 1980-01-01 00:00.
            out.append(le32: 0x0403_4B50); out.append(le16: 20); out.append(le16: 0); out.append(le16: 0)
            out.append(le16: 0); out.append(le16: 0x21)
            out.append(le32: crc); out.append(le32: UInt32(data.count)); out.append(le32: UInt32(data.count))
            out.append(le16: UInt16(nameBytes.count)); out.append(le16: 0)
            out.append(nameBytes); out.append(data)
            // Its central directory record.
            directory.append(le32: 0x0201_4B50); directory.append(le16: 20); directory.append(le16: 20)
            directory.append(le16: 0); directory.append(le16: 0); directory.append(le16: 0); directory.append(le16: 0x21)
            directory.append(le32: crc); directory.append(le32: UInt32(data.count)); directory.append(le32: UInt32(data.count))
            directory.append(le16: UInt16(nameBytes.count)); directory.append(le16: 0); directory.append(le16: 0)
            directory.append(le16: 0); directory.append(le16: 0); directory.append(le32: 0); directory.append(le32: offset)
            directory.append(nameBytes)
        }
        let directoryOffset = UInt32(out.count)
        out.append(directory)
        out.append(le32: 0x0605_4B50); out.append(le16: 0); out.append(le16: 0)
        out.append(le16: UInt16(entries.count)); out.append(le16: UInt16(entries.count))
        out.append(le32: UInt32(directory.count)); out.append(le32: directoryOffset); out.append(le16: 0)
        return out
    }

    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

extension Data {
    mutating func append(le16 value: UInt16) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
    mutating func append(le32 value: UInt32) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
}
