@testable import FafangConfig
import FafangTestSupport
import Foundation
import Testing

/// The streamed CSV reader against the whole-text reader it replaced (`ReferenceCSV`): the same
/// records with the same lines, or the same syntax error, for every input, however the file is
/// cut into chunks.
@Suite("CSV streamed: the same records and errors as the whole-text reader")
struct StreamedCSVTests {
    /// Pieces that exercise every rule: quotes, doubled quotes, CR, LF, CRLF, notes, blank
    /// lines, spaces and tabs to trim, Unicode spaces Foundation trims, multi-byte text.
    static let pieces = ["a", "王", "一", ",", ",", "\"", "\"\"", "\r", "\n", "\r\n", " ", "\t", "#", "\u{3000}", "\u{A0}", "1", "\u{301}"]

    static func randomText(_ rng: inout SplitMix64, length: Int) -> String {
        (0..<length).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
    }

    /// What a reader made of a text: its records, or its error.
    enum Outcome: Equatable {
        case records([ReferenceCSV.Row])
        case error(line: Int, message: String)
    }

    static func reference(_ text: String) -> Outcome {
        do {
            let table = try ReferenceCSV(parsing: text)
            return .records([ReferenceCSV.Row(line: table.headerLine, fields: table.header)] + table.rows)
        } catch {
            return .error(line: error.line, message: error.message)
        }
    }

    static func table(_ text: String) -> Outcome {
        do {
            let table = try CSVTable(parsing: text)
            return .records([ReferenceCSV.Row(line: table.headerLine, fields: table.header)]
                + table.rows.map { ReferenceCSV.Row(line: $0.line, fields: $0.fields) })
        } catch {
            return .error(line: error.line, message: error.message)
        }
    }

    /// Through a file and `CSVRowSource`, in chunks of `chunkSize` bytes.
    static func streamed(_ text: String, chunkSize: Int) throws -> Outcome {
        let path = NSTemporaryDirectory() + "fafang-csv-\(UUID().uuidString).csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var source = try CSVRowSource(path: path, chunkSize: chunkSize)
        var rows: [ReferenceCSV.Row] = []
        do {
            while let row = try source.next() { rows.append(ReferenceCSV.Row(line: row.line, fields: row.cells)) }
        } catch {
            return .error(line: error.line, message: error.message)
        }
        return rows.isEmpty ? .error(line: 1, message: "no header row") : .records(rows)
    }

    @Test("random texts: CSVTable and the streamed source agree with the reference", arguments: [4, 5, 7, 64])
    func randomTexts(chunkSize: Int) throws {
        var rng = SplitMix64(seed: UInt64(chunkSize))
        for round in 0..<400 {
            let text = Self.randomText(&rng, length: Int(rng.next() % 40))
            let expected = Self.reference(text)
            #expect(Self.table(text) == expected, "round \(round): \(text.debugDescription)")
            #expect(try Self.streamed(text, chunkSize: chunkSize) == expected, "round \(round): \(text.debugDescription)")
        }
    }

    @Test("the documented cases, cut at every byte", arguments: [
        "# note\nid,name\r\n1,\"王, 一\"\n\n2,\"multi\nline \"\"quoted\"\"\"\n3,  spaced\t \n",
        "a,b\n1,\"open\n2,3\n",
        "a,b\n1,ab\"c\n",
        "a,b\r1,2\r\r3,4",
        "id\n\u{3000} 王 \u{A0}\n\t\"q\"  \n",
        "id\n\"x\"y\n",
        "",
        "# only a note\n\n",
        "a,b\n1,2\r",
        "a\n\"\"\"\"\n\"",
    ])
    func documentedCases(text: String) throws {
        let expected = Self.reference(text)
        #expect(Self.table(text) == expected)
        for chunkSize in 4...max(4, text.utf8.count) {
            #expect(try Self.streamed(text, chunkSize: chunkSize) == expected, "chunk size \(chunkSize)")
        }
    }
}
