@testable import FafangConfig
import FafangTestSupport
import Foundation
import Testing

/// The streamed text of a register file against `TextFile.read`, which decodes it whole: the
/// same encoding and text, or the same refusal with the same line, however the chunks fall.
@Suite("Register files streamed: the same text and refusals as reading them whole")
struct StreamedTextTests {
    /// Byte pieces: ASCII, line breaks, UTF-8 and GB18030 characters (2 and 4 bytes), stray and
    /// cut sequences.
    static let pieces: [[UInt8]] = [
        [0x41], [0x2C], [0x0A], [0x0D, 0x0A], [0xE7, 0x8E, 0x8B], [0xCD, 0xF5], [0xD2, 0xBB], [0x95, 0x32, 0x82, 0x36],
        [0xFF], [0x80], [0xE7, 0x8E], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF],
    ]

    /// What reading came to: the encoding and text, or the refusal.
    enum Outcome: Equatable {
        case text(TextFile.Encoding, String)
        case refused(String)
    }

    static func whole(_ path: String) -> Outcome {
        do {
            let (text, encoding) = try TextFile.read(path)
            return .text(encoding, text)
        } catch {
            return .refused(error.description)
        }
    }

    static func streamed(_ path: String, chunkSize: Int) -> Outcome {
        do {
            let stream = try TextFileStream(path: path, chunkSize: chunkSize)
            var bytes: [UInt8] = []
            var chunk: [UInt8] = []
            while try stream.next(into: &chunk) { bytes += chunk }
            return .text(stream.encoding, String(decoding: bytes, as: UTF8.self))
        } catch {
            return .refused(error.description)
        }
    }

    static func write(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "fafang-text-\(UUID().uuidString).csv"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("random byte files", arguments: [4, 5, 6, 7, 4096])
    func randomFiles(chunkSize: Int) throws {
        var rng = SplitMix64(seed: UInt64(chunkSize) * 31)
        var seen: Set<String> = []
        for round in 0..<300 {
            var bytes: [UInt8] = rng.next() % 4 == 0 ? [0xEF, 0xBB, 0xBF] : []
            // Mostly one family of pieces, so that valid UTF-8 and valid GB18030 files come up too.
            let family = Int(rng.next() % 3)
            for _ in 0..<Int(rng.next() % 30) {
                let index = Int(rng.next() % UInt64(Self.pieces.count))
                if family == 0, index > 4 { continue }
                if family == 1, (4...4).contains(index) || index > 7 { continue }
                bytes += Self.pieces[index]
            }
            let path = try Self.write(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let expected = Self.whole(path)
            if case let .text(encoding, _) = expected { seen.insert(encoding.rawValue) } else { seen.insert("refused") }
            #expect(Self.streamed(path, chunkSize: chunkSize) == expected, "round \(round): \(bytes)")
        }
        #expect(seen == ["UTF-8", "UTF-8 with BOM", "GB18030", "refused"], "every case came up")
    }

    @Test("a missing file and a folder are refused in the same words")
    func unreadable() throws {
        let missing = NSTemporaryDirectory() + "fafang-none-\(UUID().uuidString).csv"
        #expect(Self.streamed(missing, chunkSize: 64) == Self.whole(missing))
        let folder = NSTemporaryDirectory() + "fafang-folder-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(Self.streamed(folder, chunkSize: 64) == Self.whole(folder))
        guard case .refused = Self.whole(folder) else { Issue.record("a folder should be refused"); return }
    }

    @Test("the bundled fixtures read the same", arguments: [
        "persons-binary.csv", "persons-chinese-headings-gb18030.csv", "persons-gb18030.csv", "persons-utf8-bom.csv",
    ])
    func fixtures(name: String) throws {
        let path = try ConfigFixture.fixtureURL(name).path
        for chunkSize in [4, 5, 7, 13, 4096] {
            #expect(Self.streamed(path, chunkSize: chunkSize) == Self.whole(path), "chunk size \(chunkSize)")
        }
    }

    @Test("the validator takes exactly what String(validating:) takes, however it is fed")
    func validator() {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(rng.next() % 12) { bytes += Self.pieces[Int(rng.next() % UInt64(Self.pieces.count))] }
            if rng.next() % 3 == 0 { bytes.append(UInt8(truncatingIfNeeded: rng.next())) }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            var validator = UTF8Validator()
            var ok = true
            var start = 0
            while start < bytes.count, ok {
                let end = min(bytes.count, start + 1 + Int(rng.next() % 9))
                ok = bytes[start..<end].withUnsafeBufferPointer { validator.feed($0) } == nil
                start = end
            }
            #expect((ok && validator.isComplete) == expected, "\(bytes)")
        }
    }
}
