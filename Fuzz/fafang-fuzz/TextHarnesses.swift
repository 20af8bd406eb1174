import FafangConfig
import FafangFuzzKit
import Foundation

/// Text files: `TextFile`'s encoding detection (UTF-8, BOMs, GB18030), then the parser.
enum TextHarnesses {
    /// `CSVTable`, as every register, ledger and calendar file is read.
    static func csv(_ data: Data) {
        guard let (text, _) = try? TextFile.decode(data, path: "fuzz.csv") else { return }
        guard let table = try? CSVTable(parsing: text) else { return }
        var cells = 0
        for row in table.rows { cells += row.fields.count }
        blackHole(cells + table.header.count)
    }

    /// The goal document's text export (`fafang import-goals FILE.txt`), then its outputs.
    static func goalsText(_ data: Data) {
        guard let (text, _) = try? TextFile.decode(data, path: "goals.txt") else { return }
        for year in [nil, 2021] {
            guard let document = try? GoalDocumentImporter.parse(text, file: "goals.txt", year: year) else { continue }
            blackHole(document.tomlDocument().count)
            blackHole((try? document.jsonData())?.count ?? 0)
        }
    }

    /// The bank's batch results as CSV (`fafang ledger import FILE.csv`, the inbox).
    static func ledgerCSV(_ data: Data) {
        let path = Scratch.write(data, to: "ledger.csv")
        switch LedgerFile.read(path) {
        case let .success(parsed): blackHole(parsed.rows.count)
        case let .failure(rejected): blackHole("\(rejected)".count)
        }
    }
}
