import FafangCore
import Foundation
import Testing
@testable import FafangConfig

/// Bank batch results (代发结果) as Excel workbooks (openpyxl, XlsxWriter): dates as serial
/// numbers in both date systems and as text, amounts as numbers, a failed transfer, a 合计 row,
/// inline and shared strings.
@Suite("Workbook ledger files")
struct WorkbookLedgerTests {
    private func parsed(_ name: String) throws -> LedgerFile.Parsed {
        switch LedgerFile.read(try OfficeFixtures.path(name)) {
        case let .success(parsed): return parsed
        case let .failure(rejected): throw LedgerFile.Rejected(diagnostics: rejected.diagnostics)
        }
    }

    @Test(arguments: ["ledger.xlsx", "ledger-1904.xlsx"])
    func readsAsTheSameRowsInCSV(file: String) throws {
        let workbook = try parsed(file)
        let csv = try parsed("ledger.csv")
        #expect(workbook.rows.count == 24)
        #expect(workbook.rows.map(\.entry) == csv.rows.map(\.entry))
        // The sheet's rows: title, headings, then the payments from row 3; the failed one after them.
        #expect(workbook.rows.first?.line == 3 && workbook.rows.first?.place == "代发结果!A3")
        #expect(workbook.skippedFailed == [27])
    }

    /// XlsxWriter writes shared strings (openpyxl writes inline ones), one of them rich text.
    @Test func sharedStringsReadAlike() throws {
        let workbook = try parsed("ledger-shared.xlsx")
        #expect(workbook.rows.map(\.entry) == (try parsed("ledger.csv")).rows.map(\.entry))
        #expect(workbook.rows.first?.place == "代发结果!A2")
    }

    @Test func badCellsRefuseTheWholeFileNamingEachCell() throws {
        switch LedgerFile.read(try OfficeFixtures.path("ledger-bad.xlsx")) {
        case .success:
            Issue.record("a bad file was read")
        case let .failure(rejected):
            #expect(rejected.diagnostics.map { $0.place ?? "" } == ["代发结果!E5", "代发结果!F7"])
            #expect(rejected.diagnostics[0].description.hasSuffix("ledger-bad.xlsx:代发结果!E5: amount_yuan: more than 2 decimals (got \"1234.567\")"))
            #expect(rejected.diagnostics[1].message.contains("下周二"))
        }
    }
}
