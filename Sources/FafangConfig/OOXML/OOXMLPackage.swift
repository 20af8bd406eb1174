import Foundation
import ZIPFoundation

/// An Office Open XML package (a .docx or .xlsx file): a zip of XML parts, read part by part.
///
/// Parts are unpacked on demand, never more than `limit` bytes each; the package's
/// relationships (`_rels/*.rels`) say where the main parts are.
struct OOXMLPackage {
    let file: String
    private let archive: Archive
    /// Where the deflated parts' bytes are (see `ZipEntryData`).
    private let entries: ZipEntryData
    private let fileSize: UInt64
    /// The largest part unpacked into memory.
    let limit: UInt64

    /// What the bytes of a file that is not a zip look like, for the error.
    static func hint(for prefix: [UInt8]) -> String {
        if prefix.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            return "an old .doc/.xls file or a password-protected one; save it from Office as .docx/.xlsx without a password"
        }
        if prefix.isEmpty { return "the file is empty" }
        return "the file is not a zip package; save it from Office as .docx/.xlsx"
    }

    /// Opens `file`; `expected` names the format for errors ("a Word document (.docx)").
    init(file: String, expected: String, limit: UInt64 = 256 << 20) throws(OOXMLError) {
        self.file = file
        self.limit = limit
        let url = URL(fileURLWithPath: file)
        guard let handle = FileHandle(forReadingAtPath: file) else {
            let reason = FileManager.default.fileExists(atPath: file) ? "permission denied" : "no such file"
            throw OOXMLError(file: file, problem: .unreadable(reason: reason))
        }
        defer { try? handle.close() }
        let prefix = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        guard prefix.starts(with: [0x50, 0x4B]) else {
            throw OOXMLError(file: file, problem: .notAPackage(expected: expected, hint: Self.hint(for: prefix)))
        }
        fileSize = (try? handle.seekToEnd()) ?? 0
        entries = ZipEntryData(handle: handle, fileSize: fileSize)
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw OOXMLError(file: file, problem: .notAPackage(expected: expected, hint: "the zip is damaged (\(error))"))
        }
    }

    func contains(_ part: String) -> Bool { archive[part] != nil }

    /// The bytes of `part` (a path inside the package, without a leading `/`).
    func data(_ part: String) throws(OOXMLError) -> Data {
        guard let entry = archive[part] else { throw OOXMLError(file: file, problem: .missingPart(part)) }
        guard UInt64(entry.uncompressedSize) <= limit else {
            throw OOXMLError(file: file, problem: .partTooLarge(part: part, bytes: UInt64(entry.uncompressedSize), limit: limit))
        }
        var data = Data()
        data.reserveCapacity(Int(entry.uncompressedSize))
        do {
            try unpack(entry) { chunk in
                data.append(chunk)
                if UInt64(data.count) > limit { throw ArchiveTooLarge() }
            }
        } catch is ArchiveTooLarge {
            throw OOXMLError(file: file, problem: .partTooLarge(part: part, bytes: UInt64(data.count), limit: limit))
        } catch {
            throw OOXMLError(file: file, problem: .notAPackage(expected: "a readable package", hint: "\(part) cannot be unpacked (\(error))"))
        }
        return data
    }

    /// The uncompressed size the zip directory states for `part`.
    func size(_ part: String) -> UInt64? { archive[part].map { UInt64($0.uncompressedSize) } }

    /// Unpacks `part` into a new temporary file (for parts too large to hold), whose URL the
    /// caller removes.
    func extractToTemporaryFile(_ part: String) throws(OOXMLError) -> URL {
        guard let entry = archive[part] else { throw OOXMLError(file: file, problem: .missingPart(part)) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fafang-\(UUID().uuidString).xml")
        do {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
            let output = try FileHandle(forWritingTo: url)
            defer { try? output.close() }
            try unpack(entry) { chunk in try output.write(contentsOf: chunk) }
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw OOXMLError(file: file, problem: .notAPackage(expected: "a readable package", hint: "\(part) cannot be unpacked (\(error))"))
        }
        return url
    }

    /// Passes the bytes of `entry` to `consumer`: deflated ones through `ZipEntryData`, which stops at
    /// the entry's compressed size, stored ones through ZIPFoundation.
    private func unpack(_ entry: Entry, consumer: (Data) throws -> Void) throws {
        guard entry.isCompressed else {
            _ = try archive.extract(entry, skipCRC32: false, consumer: consumer)
            return
        }
        guard let handle = FileHandle(forReadingAtPath: file) else { throw ZipEntryData.Damaged(reason: "cannot open the file again") }
        defer { try? handle.close() }
        try entries.inflate(entry, handle: handle, fileSize: fileSize, consumer: consumer)
    }

    /// The targets of the relationships of `part` (`""` for the package itself) by id, and the
    /// first target of each relationship type's last path component (`officeDocument`,
    /// `sharedStrings`, `styles`), resolved to package paths.
    func relationships(of part: String) throws(OOXMLError) -> (byID: [String: String], byType: [String: String]) {
        let folder = (part as NSString).deletingLastPathComponent
        let relsPart = (folder.isEmpty ? "" : folder + "/") + "_rels/" + (part as NSString).lastPathComponent + ".rels"
        guard contains(relsPart) else { return ([:], [:]) }
        var byID: [String: String] = [:]
        var byType: [String: String] = [:]
        try XMLEvents.parse(data(relsPart), part: relsPart, file: file) { event in
            guard case let .start(name, attributes) = event, name == "Relationship",
                  let target = attributes["Target"], attributes["TargetMode"] != "External" else { return }
            let resolved = Self.resolve(target, from: folder)
            if let id = attributes["Id"] { byID[id] = resolved }
            if let type = attributes["Type"]?.split(separator: "/").last.map(String.init), byType[type] == nil {
                byType[type] = resolved
            }
        }
        return (byID, byType)
    }

    /// `worksheets/sheet1.xml` from `xl` is `xl/worksheets/sheet1.xml`; `/xl/styles.xml` is absolute.
    static func resolve(_ target: String, from folder: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var parts = folder.split(separator: "/").map(String.init)
        for piece in target.split(separator: "/") {
            if piece == ".." { if !parts.isEmpty { parts.removeLast() } } else if piece != "." { parts.append(String(piece)) }
        }
        return parts.joined(separator: "/")
    }

    private struct ArchiveTooLarge: Error {}
}
