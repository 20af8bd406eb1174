import FafangCore
import FafangTestSupport
import Foundation
import Testing
@testable import FafangConfig

/// The inputs fuzzing found (`Fixtures/fuzz/`, README there): each crashed or hung a reader, and
/// each must now be an error that names the file and line.
@Suite("Inputs found by fuzzing")
struct FuzzRegressionTests {
    private func fixture(_ name: String) throws -> String { try ConfigFixture.fixtureURL("fuzz/" + name).path }

    private func loadWithProject(_ text: String) throws -> (ConfigLoader.Outcome, ConfigFixture) {
        var fixture = ConfigFixture()
        fixture.files["projects/01-rent.toml"] = text
        let root = try fixture.write()
        defer { fixture.remove() }
        return (ConfigLoader.load(path: root), fixture)
    }

    /// toml++ asserted (an abort) on a table header that starts with neither a key nor a quote.
    @Test func tableHeaderWithoutAKeyIsASyntaxError() throws {
        let text = try String(contentsOfFile: try fixture("project-header-comma.toml"), encoding: .utf8)
        let (outcome, fixture) = try loadWithProject(text)
        #expect(outcome.configuration == nil)
        let error = try #require(outcome.errors.first)
        #expect(outcome.errors.count == 1, "\(outcome.errors)")
        #expect(error.file == fixture.path("projects/01-rent.toml"))
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("[,") }.map { $0 + 1 }
        #expect(error.line == line)
        #expect(error.message.contains("TOML syntax: a table header must start with a key"))
    }

    @Test(arguments: ["[甲村]\n", "[[[1]]]\n", "[=\n", "a = 1\n[ ,x]\n", "[\n", "[[ \t.x]]\n", "[\u{3000}x]\n"])
    func everyHeaderThatWouldAssertIsFound(header: String) {
        #expect(TOMLHeaderCheck.firstBadHeader(in: "code = \"X\"\n\n" + header) == 3 + header.dropLast().filter { $0 == "\n" }.count)
    }

    /// Brackets in values, strings and comments are not headers: valid TOML passes untouched.
    @Test(arguments: [
        "a = [\n[\n1, 2],\n[]\n]\n[t]\nb = 1\n",
        "s = \"\"\"\n[,not a header]\n\"\"\"\n[t]\n",
        "s = '''\n[=\n'''\n",
        "# [,comment]\n[\"quoted key\"]\n['literal']\n[[ a . b ]]\n",
        "t = { x = [ [1], [2] ] }\n[_x-y]\n",
        "s = \"a \\\" [, b\"\n[ok]\n",
        "",
    ])
    func validTOMLHasNoBadHeader(text: String) {
        #expect(TOMLHeaderCheck.firstBadHeader(in: text) == nil)
    }

    /// The bundled configuration's files all pass.
    @Test func bundledFilesHaveNoBadHeader() throws {
        let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Config").standardized
        let projects = try FileManager.default.contentsOfDirectory(atPath: config.path + "/projects").map { "projects/" + $0 }
        for name in ["fafang.toml"] + projects {
            let text = try String(contentsOfFile: config.path + "/" + name, encoding: .utf8)
            #expect(TOMLHeaderCheck.firstBadHeader(in: text) == nil, "\(name)")
        }
    }

    /// FoundationXML trapped on an element name that is not UTF-8.
    @Test func workbookPartNotUTF8IsMalformedXML() throws {
        let path = try fixture("workbook-invalid-utf8.xlsx")
        switch LedgerFile.read(path) {
        case .success: Issue.record("a workbook that is not UTF-8 was read")
        case let .failure(rejected):
            let error = try #require(rejected.diagnostics.first)
            #expect(error.message.contains("xl/workbook.xml:1: malformed XML: not valid UTF-8"), "\(error)")
        }
    }

    @Test func documentPartNotUTF8IsMalformedXML() throws {
        do {
            _ = try GoalDocumentImporter.load(path: try fixture("document-invalid-utf8.docx"), year: nil)
            Issue.record("a document that is not UTF-8 was read")
        } catch {
            #expect("\(error)".contains("word/document.xml:3: malformed XML: not valid UTF-8"), "\(error)")
        }
    }

    @Test(arguments: [
        ([0x3C, 0x61, 0x2F, 0x3E], nil), ([0xE7, 0x94, 0xB2, 0x0A, 0xF0, 0x9F, 0x98, 0x80], nil), ([0xFF, 0xFE, 0x3C, 0x00], nil),
        ([0x0A, 0xC0, 0x80], 2), ([0x0A, 0x0A, 0xED, 0xA0, 0x80], 3), ([0xE7, 0x94], 1), ([0xF4, 0x90, 0x80, 0x80], 1),
    ] as [([UInt8], Int?)])
    func utf8IsCheckedStrictly(bytes: [UInt8], line: Int?) {
        #expect(XMLEvents.invalidUTF8Line(Data(bytes)) == line)
    }

    /// ZIPFoundation inflated past the entry to the end of the file, then asked for more forever.
    @Test(.timeLimit(.minutes(1))) func truncatedDeflateStreamIsDamagedNotAHang() throws {
        switch LedgerFile.read(try fixture("truncated-deflate.xlsx")) {
        case .success: Issue.record("a damaged workbook was read")
        case let .failure(rejected):
            let error = try #require(rejected.diagnostics.first)
            #expect(error.message.contains("cannot be unpacked"), "\(error)")
        }
    }

    /// A range across the whole sheet gave each row 16,384 cells, each searched for among the
    /// others: minutes for 20 rows. Ranges are filled up to `MergedRanges.widest` columns.
    @Test(.timeLimit(.minutes(1))) func wholeWidthMergeIsFilledBoundedly() throws {
        var merges = MergedRanges(ranges: [.init(top: 1, left: 0, bottom: 20, right: 16_383)])
        for number in 1...20 {
            var row = XLSXRow(number: number, cells: [XLSXCell(column: 0, text: "x\(number)")])
            merges.fill(&row)
            #expect(row.cells.count == MergedRanges.widest)
            #expect(row.cells.allSatisfy { $0.text == "x1" || ($0.column == 0 && $0.text == "x\(number)") })
        }
        switch LedgerFile.read(try fixture("merged-whole-width.xlsx")) {
        case .success: Issue.record("a sheet without the ledger's headings was read")
        case let .failure(rejected): #expect(!rejected.diagnostics.isEmpty)
        }
    }
}
