@testable import FafangConfig
import FafangCore
import FafangTestSupport
import Foundation
import Testing

/// Rows from a source that names its cells as a workbook does, to hold the row-source seam to
/// what an XLSX reader will need: errors name `file:sheet!cell`.
struct SheetRows: RegisterRowSource {
    var sheet: String
    var rows: [RegisterRow]
    var failure: RegisterSourceError?

    mutating func next() throws(RegisterSourceError) -> RegisterRow? {
        if rows.isEmpty, let failure { throw failure }
        return rows.isEmpty ? nil : rows.removeFirst()
    }

    func place(line: Int, column: Int?) -> String? {
        "\(sheet)!" + (column.map { String(UnicodeScalar(UInt8(65 + $0))) } ?? "A") + "\(line)"
    }
}

@Suite("Register reader: streamed rows, the problems of a file read whole")
struct RegisterReaderTests {
    enum ConfigLoaderTests {
        static func load(_ fixture: ConfigFixture) throws -> ConfigLoader.Outcome {
            let root = try fixture.write()
            defer { fixture.remove() }
            return ConfigLoader.load(path: root)
        }
    }

    static let households = ["id", "name", "village", "phone", "card_tail", "area_mu", "rate_yuan_per_mu", "years"]

    @Test("a register unreadable partway reports that alone, not the rows before")
    func unreadablePartway() throws {
        var fixture = ConfigFixture()
        fixture.files["payees/rent.csv"] = """
        id,name,village,phone,card_tail,area_mu,rate_yuan_per_mu,years
        H1,王一,甲村,123,1111,0.40,,
        H2,王二,丙村,17000000012,2222,0.60,,
        H3,"王三,甲村,17000000013,3333,0.60,,

        """
        let root = try fixture.write()
        defer { fixture.remove() }
        let outcome = ConfigLoader.load(path: root)
        #expect(outcome.errors.map(\.description) == ["\(root)/payees/rent.csv:4: a quoted field is never closed"])
    }

    @Test("header problems give way to a file unreadable further on")
    func headerThenUnreadable() throws {
        var fixture = ConfigFixture()
        fixture.files["payees/rent.csv"] = "id,nom,village\nH1,\"x\"y,甲村\n"
        let root = try fixture.write()
        defer { fixture.remove() }
        #expect(ConfigLoader.load(path: root).errors.map(\.description) == ["\(root)/payees/rent.csv:2: text after a closing quote"])
        fixture.files["payees/rent.csv"] = "id,nom,village\nH1,x,甲村\n"
        _ = try fixture.write()
        #expect(ConfigLoader.load(path: root).errors.map(\.keyPath) == ["header", "header", "header", "header"])
    }

    @Test("a bank file's rows of the wrong width are reported first, then the others, as before")
    func bankFileOrder() throws {
        let path = NSTemporaryDirectory() + "fafang-bank-\(UUID().uuidString).csv"
        try """
        bank_reference,project_code,payee_id,amount_yuan,date
        B1,P1,H1,abc,2021-03-01
        B2,P1,H2,10.00
        B3,P1,H3,10.00,2021-02-30
        B4,P1,H4,10.00,2021-03-01,extra
        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard case let .failure(rejected) = LedgerFile.read(path) else { Issue.record("expected a refusal"); return }
        #expect(rejected.diagnostics.map(\.line) == [3, 5, 2, 4])
        #expect(rejected.diagnostics.map(\.keyPath) == ["", "", "amount_yuan", "date"])
    }

    @Test("many payees without a phone: one warning each, the register still read")
    func manyWarnings() throws {
        var fixture = ConfigFixture()
        var rows = ["id,name,village,phone,card_tail,area_mu,rate_yuan_per_mu,years"]
        for index in 0..<5_000 { rows.append("H\(index),王,甲村,,1111,0.01,1800,1") }
        fixture.files["payees/rent.csv"] = rows.joined(separator: "\n") + "\n"
        fixture.replace("projects/01-rent.toml", "total_wan = \"0.54\"\nfiscal_wan = \"0.54\"", with: "total_wan = \"9.00\"\nfiscal_wan = \"9.00\"")
        let root = try fixture.write()
        defer { fixture.remove() }
        let outcome = ConfigLoader.load(path: root)
        #expect(outcome.errors.isEmpty, "\(outcome.errors.prefix(3))")
        #expect(outcome.warnings.count == 5_000)
        #expect(outcome.configuration?.project(code: "RENT01")?.payees.count == 5_000)
    }

    /// On main, an absurd area crashed `fafang check` (and a daemon reloading it) on an overflow.
    @Test("amounts beyond what fen can count are errors of their row, not a crash")
    func amountsTooLarge() throws {
        var fixture = ConfigFixture()
        fixture.replace("payees/rent.csv", "H2,王二,甲村,17000000012,2222,0.60,,", with: "H2,王二,甲村,17000000012,2222,9999999999999999.99,,")
        var outcome = try ConfigLoaderTests.load(fixture)
        #expect(outcome.errors.map(\.keyPath) == ["area_mu"])
        #expect(outcome.errors.first?.line == 3)
        #expect(outcome.errors.first?.message.contains("too large to count in fen") == true)
        fixture = ConfigFixture()
        // Each owed 899,999,999,999,996.40 元 (in range); eleven of them are not.
        fixture.files["payees/rent.csv"] = (["id,name,village,phone,card_tail,area_mu,rate_yuan_per_mu,years"]
            + (1...11).map { "H\($0),王,甲村,,1111,1666666666666.66,," }).joined(separator: "\n") + "\n"
        outcome = try ConfigLoaderTests.load(fixture)
        #expect(outcome.errors.map(\.line) == [12])
        #expect(outcome.errors.first?.message.contains("total owed would be too large") == true)
    }

    @Test("the row-source seam: a workbook-like source names sheet and cell")
    func sheetPlaces() {
        let rows = [
            RegisterRow(line: 2, cells: Self.households),
            RegisterRow(line: 3, cells: ["H1", "王一", "甲村", "27000000011", "1111", "0.40", "", ""]),
            RegisterRow(line: 4, cells: ["H2", "王二", "甲村", "17000000012", "2222"]),
            RegisterRow(line: 5, cells: ["H3", "王三", "甲村", "17000000013", "3333", "0.60", "", ""]),
        ]
        var reader = RegisterReader(file: "households.xlsx", log: DiagnosticLog(), source: SheetRows(sheet: "殷官屯村", rows: rows))
        let payees = reader.households(villages: ["甲村"], defaultRate: .yuan(1800), defaultYears: 3)
        #expect(payees.map(\.id) == ["H3"])
        #expect(reader.log.entries.map(\.description) == [
            "households.xlsx:殷官屯村!A4: has 5 fields, the header has 8",
            "households.xlsx:殷官屯村!D3: phone: not a mainland mobile number of 11 digits starting 13–19 (got \"270****0011\")",
        ])
        #expect(reader.log.entries.map(\.line) == [4, 3], "lines still order them")
    }

    @Test("the row-source seam: a source that fails partway drops what its rows gave")
    func sheetFailure() {
        let rows = [RegisterRow(line: 1, cells: Self.households), RegisterRow(line: 2, cells: ["H1", "", "甲村", "", "1", "x", "", ""])]
        let source = SheetRows(sheet: "Sheet1", rows: rows, failure: RegisterSourceError(line: 0, message: "not a workbook"))
        var reader = RegisterReader(file: "households.xlsx", log: DiagnosticLog(), source: source)
        #expect(reader.households(villages: nil, defaultRate: .yuan(1), defaultYears: 1).isEmpty)
        #expect(reader.log.entries.map(\.description) == ["households.xlsx: not a workbook"])
    }
}
