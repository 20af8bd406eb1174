import FafangCore
import Foundation
import Testing
@testable import FafangConfig

/// The auditors' tables (`fafang export`) as CSV for Excel and as .xlsx sheets; LibreOffice reads
/// the workbook back in Tests/export/check_export.py (make test).
@Suite("Export tables: CSV and .xlsx")
struct TableExportTests {
    static let table = ExportTable(name: "付款台账", header: ["项目编码", "收款人", "金额（元）", "备注"], rows: [
        [.text("RENT01"), .text("王一"), .yuan(.yuan(2160)), .text("=SUM(A1:A9)")],
        [.text("RENT01"), .text("欧阳\"秀兰\", 户主"), .yuan(Money(fen: 324_005)), .text("两行\n说明")],
        [.text("X<&>"), .empty, .integer(-7), .text("控制\u{1}字符")],
    ])

    @Test("CSV: a UTF-8 BOM, CRLF, RFC 4180 quotes, formulas defused, amounts as plain numbers")
    func csv() {
        let data = Self.table.csv()
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        #expect(text == """
            项目编码,收款人,金额（元）,备注\r
            RENT01,王一,2160.00,'=SUM(A1:A9)\r
            RENT01,"欧阳""秀兰"", 户主",3240.05,"两行
            说明"\r
            X<&>,,-7,控制\u{1}字符\r

            """)
    }

    @Test("xlsx: every cell read back by Fafang's own reader, the header first, amounts as numbers of 元")
    func workbookRoundTrip() throws {
        let path = NSTemporaryDirectory() + "fafang-export-\(UUID().uuidString).xlsx"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = ExportTable(name: "汇总: 2021/全年", header: ["合计"], rows: [[.yuan(.yuan(11_837_424))]])
        try XLSXWriter.write([summary, Self.table], to: path)
        let workbook = try XLSXWorkbook(path: path)
        #expect(workbook.sheets.map(\.name) == ["汇总_ 2021_全年", "付款台账"])
        var rows: [XLSXRow] = []
        try XLSXSheetReader(workbook: workbook, sheet: try workbook.sheet(named: "付款台账")).forEachRow { rows.append($0) }
        #expect(rows.map { row in (0..<4).map(row.text) } == [
            ["项目编码", "收款人", "金额（元）", "备注"],
            ["RENT01", "王一", "2160", "=SUM(A1:A9)"],
            ["RENT01", "欧阳\"秀兰\", 户主", "3240.05", "两行\n说明"],
            ["X<&>", "", "-7", "控制字符"],
        ])
        #expect(XLSXWriter.columnName(0) == "A" && XLSXWriter.columnName(25) == "Z" && XLSXWriter.columnName(26) == "AA"
                && XLSXWriter.columnName(701) == "ZZ" && XLSXWriter.columnName(702) == "AAA")
    }
}
