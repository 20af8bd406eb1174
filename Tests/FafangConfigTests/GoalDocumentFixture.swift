import Foundation
import Testing
@testable import FafangConfig

/// The seed goal document (Fixtures/seed-2021.txt) and helpers to damage copies of it.
enum GoalDocumentFixture {
    static let fileName = "seed-2021.txt"

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The seed's text, read from the test bundle.
    static func seed() throws -> String {
        guard let url = Bundle.module.url(forResource: "Fixtures/seed-2021.txt", withExtension: nil) else {
            throw Missing(description: "Fixtures/seed-2021.txt is not in the test bundle")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The seed, parsed with no --year.
    static func document() throws -> GoalDocument {
        try GoalDocumentImporter.parse(seed(), file: fileName, year: nil)
    }

    /// The text's lines as an editor numbers them (LF only).
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The 1-based number of the first line equal to `line` at or after line `from`.
    static func lineNumber(of line: String, in text: String, from: Int = 1) throws -> Int {
        let all = lines(text)
        guard let index = all.indices.first(where: { $0 >= from - 1 && all[$0] == line }) else {
            throw Missing(description: "no line \(line.debugDescription) from line \(from)")
        }
        return index + 1
    }

    /// The text with line `number` (1-based) replaced by `replacement` lines.
    static func replacing(line number: Int, in text: String, with replacement: [String]) -> String {
        var all = lines(text)
        all.replaceSubrange((number - 1)...(number - 1), with: replacement)
        return all.joined(separator: "\n")
    }

    /// The first `count` lines of the text.
    static func prefix(lines count: Int, of text: String) -> String {
        lines(text).prefix(count).joined(separator: "\n") + "\n"
    }

    /// The parse error of `text`, or nil when it parses.
    static func error(parsing text: String, year: Int? = nil) -> GoalDocumentError? {
        do {
            _ = try GoalDocumentImporter.parse(text, file: fileName, year: year)
            return nil
        } catch {
            return error
        }
    }
}
