import FafangCore
import Foundation
import Testing
@testable import FafangConfig

/// Registers kept as Excel workbooks (openpyxl): the Yinguantun register with a notes sheet
/// first, a title row, the village merged down, phones and areas as numbers, a name in rich
/// text (inline strings with runs), a 合计 row and formatted empty rows below.
@Suite("Workbook registers")
struct WorkbookRegisterTests {
    static let csv = BundledConfigTests.root.appendingPathComponent("Config/payees/yinguantun-households.csv").path

    private func households(_ file: String, sheet: String?) throws -> ([Payee], DiagnosticLog) {
        var reader = RegisterReader(file: file, log: DiagnosticLog(), sheet: sheet)
        let payees = reader.households(villages: ["殷官屯村"], defaultRate: Money(fen: 180_000), defaultYears: 3)
        return (Array(payees), reader.log)
    }

    @Test func theNamedSheetReadsAsTheCSVRegister() throws {
        let (fromWorkbook, log) = try households(OfficeFixtures.path("households.xlsx"), sheet: "殷官屯村")
        #expect(log.entries.isEmpty, "\(log.entries)")
        let (fromCSV, csvLog) = try households(Self.csv, sheet: nil)
        #expect(csvLog.entries.isEmpty)
        #expect(fromWorkbook.count == 120)
        #expect(fromWorkbook == fromCSV)
        #expect(fromWorkbook.map(\.owed).sum() == Money(fen: 594_000_000))
    }

    @Test func theFirstSheetIsReadWhenNoneIsNamed() throws {
        let (payees, log) = try households(OfficeFixtures.path("households.xlsx"), sheet: nil)
        #expect(payees.isEmpty)
        let error = try #require(log.errors.first)
        #expect(log.errors.count == 1)
        #expect(error.description.hasSuffix("households.xlsx:填表说明!A1: header: no heading row with the columns 户号, 户主, 村, 卡号后四位, 面积（亩） (a title row above the headings is fine)"))
    }

    @Test func anUnknownSheetNamesTheSheetsThereAre() throws {
        let (_, log) = try households(OfficeFixtures.path("households.xlsx"), sheet: "南朱庄子村")
        #expect(log.errors.map(\.message) == ["no sheet named \"南朱庄子村\" (sheets: \"填表说明\", \"殷官屯村\")"])
    }

    @Test func badCellsAreEachReportedAtTheirCellMasked() throws {
        let (_, log) = try households(OfficeFixtures.path("households-bad.xlsx"), sheet: nil)
        let places = log.errors.map { $0.place ?? "" }
        #expect(places == ["殷官屯村!F9", "殷官屯村!E11", "殷官屯村!D14"])
        let phone = try #require(log.errors.last)
        #expect(phone.description.hasSuffix("households-bad.xlsx:殷官屯村!D14: phone: not a mainland mobile number of 11 digits starting 13–19 (got \"13******67\")"))
        for error in log.errors {
            #expect(!error.description.contains("1381234567") && !error.description.contains("6222021234567890123"))
        }
    }

    /// The bundled configuration with the Yinguantun register swapped for a workbook.
    private func configuration(register: String, sheet: String?) throws -> (ConfigLoader.Outcome, String) {
        let root = NSTemporaryDirectory() + "fafang-xlsx-" + UUID().uuidString
        let manager = FileManager.default
        try manager.createDirectory(atPath: root, withIntermediateDirectories: true)
        for folder in ["Config", "Templates"] {
            try manager.copyItem(atPath: BundledConfigTests.root.appendingPathComponent(folder).path, toPath: root + "/" + folder)
        }
        try manager.copyItem(atPath: OfficeFixtures.path(register), toPath: root + "/Config/payees/" + register)
        let project = try #require(try manager.contentsOfDirectory(atPath: root + "/Config/projects").first { $0.hasPrefix("01-") })
        let path = root + "/Config/projects/" + project
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "register = \"../payees/yinguantun-households.csv\"",
                                         with: "register = \"../payees/\(register)\"" + (sheet.map { "\nregister_sheet = \"\($0)\"" } ?? ""))
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (ConfigLoader.load(path: root + "/Config"), root)
    }

    @Test func aProjectNamesItsSheetAndReconcilesExactly() throws {
        let (outcome, root) = try configuration(register: "households.xlsx", sheet: "殷官屯村")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        let configuration = try #require(outcome.configuration)
        let project = try #require(configuration.project(code: "130208214IGHSSTAFMWVM"))
        #expect(project.payees.count == 120)
        #expect(project.reconciliation.balances)
    }

    @Test func aBadCellMeansNoConfigurationAtAll() throws {
        let (outcome, root) = try configuration(register: "households-bad.xlsx", sheet: nil)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(outcome.configuration == nil)
        #expect(outcome.errors.compactMap(\.place).sorted() == ["殷官屯村!D14", "殷官屯村!E11", "殷官屯村!F9"])
    }

    @Test func largeSheetsStreamFromATemporaryFileAlike() throws {
        let workbook = try XLSXWorkbook(path: OfficeFixtures.path("households.xlsx"))
        let sheet = try workbook.sheet(named: "殷官屯村")
        var inMemory: [XLSXRow] = []
        var streamed: [XLSXRow] = []
        try XLSXSheetReader(workbook: workbook, sheet: sheet).forEachRow { inMemory.append($0) }
        try XLSXSheetReader(workbook: workbook, sheet: sheet, memoryLimit: 0).forEachRow { streamed.append($0) }
        #expect(streamed == inMemory)
        // Title, subtitle, headings, 120 households, 合计; the formatted empty rows give nothing.
        #expect(inMemory.count == 124)
        #expect(inMemory.map(\.number).prefix(4) == [1, 2, 3, 4])
        // The village, merged down C4:C123, is in every household's row.
        #expect(inMemory[3...122].allSatisfy { $0.text(2) == "殷官屯村" })
        #expect(inMemory[123].text(0) == "合计")
    }
}
