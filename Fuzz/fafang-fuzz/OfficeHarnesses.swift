import FafangConfig
import FafangTestSupport
import FafangFuzzKit
import Foundation

/// Word and Excel files: `OOXMLPackage` (ZIPFoundation), `XLSXWorkbook`, `XLSXSheetReader`,
/// `MergedRanges`, `DocxBody` and the readers above them: the bank's results
/// (`LedgerFile.read`), the goal tables (`GoalDocumentImporter.load`) and a register
/// (`ConfigLoader.load` of a project whose register is the workbook).
enum OfficeHarnesses {
    /// A configuration whose first project reads its register from `payees/rent.xlsx`.
    nonisolated(unsafe) static var fixture = ConfigFixture()
    static let workbook = "payees/rent.xlsx"

    static func prepare() {
        fixture.replace("projects/01-rent.toml", "register = \"../payees/rent.csv\"", with: "register = \"../\(workbook)\"")
        ConfigHarness.prepare(&fixture)
    }

    /// The input is the .xlsx file itself.
    static func rawWorkbook(_ data: Data) { readWorkbook(data) }

    /// The input is the .docx file itself.
    static func rawDocument(_ data: Data) { readDocument(data) }

    /// The input is the parts of a package, `NAME NUL CONTENT NUL NAME NUL CONTENT …`, stored
    /// into a valid zip: a .docx when a part is under `word/`, else a .xlsx.
    static func parts(_ data: Data) {
        let pieces = data.split(separator: 0, omittingEmptySubsequences: false)
        var entries: [(name: String, data: Data)] = []
        var names: Set<String> = []
        var index = 0
        while index + 1 < pieces.count {
            let name = String(decoding: pieces[index], as: UTF8.self)
            // A zip stores a name's length in 16 bits.
            if !name.isEmpty, pieces[index].count <= 0xFFFF, names.insert(name).inserted { entries.append((name, Data(pieces[index + 1]))) }
            index += 2
        }
        let zip = StoredZip.archive(entries)
        if names.contains(where: { $0.hasPrefix("word/") }) { readDocument(zip) } else { readWorkbook(zip) }
    }

    static func readWorkbook(_ data: Data) {
        let path = fixture.path(workbook)
        _ = FileManager.default.createFile(atPath: path, contents: data)
        switch LedgerFile.read(path) {
        case let .success(parsed): blackHole(parsed.rows.count)
        case let .failure(rejected): blackHole(rejected.diagnostics.count)
        }
        blackHole((try? GoalDocumentImporter.load(path: path, year: nil))?.tomlDocument().count)
        blackHole(ConfigLoader.load(path: fixture.root).diagnostics.count)
    }

    static func readDocument(_ data: Data) {
        let path = Scratch.write(data, to: "goals.docx")
        blackHole((try? GoalDocumentImporter.load(path: path, year: nil))?.tomlDocument().count)
    }
}
