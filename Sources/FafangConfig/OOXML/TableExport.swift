import FafangCore
import Foundation
import ZIPFoundation

/// A table to hand to people who open it in Excel or LibreOffice (`fafang export`): a header and
/// rows of cells, written as one sheet of an .xlsx workbook or as a CSV file.
public struct ExportTable: Sendable {
    public enum Cell: Sendable, Hashable {
        case text(String)
        case integer(Int64)
        /// Money, shown in 元 with two decimals (#,##0.00); stored as a number of 元.
        case yuan(Money)
        case empty
    }

    /// The sheet's name (at most 31 characters, none of `[]:*?/\`) and the CSV file's stem.
    public var name: String
    public var header: [String]
    public var rows: [[Cell]]

    public init(name: String, header: [String], rows: [[Cell]] = []) {
        self.name = name
        self.header = header
        self.rows = rows
    }

    /// The table as CSV for Excel: UTF-8 with a byte order mark (without one Excel reads UTF-8
    /// as the ANSI code page and the Chinese is garbled), CRLF line ends, RFC 4180 quoting. A text
    /// cell that Excel would read as a formula (`=`, `+`, `-`, `@` first) is prefixed with `'`.
    public func csv() -> Data {
        var out = "\u{FEFF}"
        func field(_ text: String) -> String {
            var text = text
            if let first = text.unicodeScalars.first, "=+-@".unicodeScalars.contains(first) { text = "'" + text }
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        out += header.map(field).joined(separator: ",") + "\r\n"
        for row in rows {
            out += row.map { cell in
                switch cell {
                case let .text(text): return field(text)
                case let .integer(value): return String(value)
                case let .yuan(money): return money.plainYuanString
                case .empty: return ""
                }
            }.joined(separator: ",") + "\r\n"
        }
        return Data(out.utf8)
    }
}

/// Writes tables as the sheets of one .xlsx workbook (SpreadsheetML, ECMA-376): inline strings,
/// numbers, 元 amounts formatted #,##0.00, a bold header row frozen at the top.
public enum XLSXWriter {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ tables: [ExportTable], to path: String) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.removeItem(at: url)
        do {
            let archive = try Archive(url: url, accessMode: .create)
            func add(_ part: String, _ text: String) throws {
                let data = Data(text.utf8)
                try archive.addEntry(with: part, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            try add("[Content_Types].xml", contentTypes(sheets: tables.count))
            try add("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
                </Relationships>
                """)
            try add("xl/workbook.xml", workbook(tables.map(\.name)))
            try add("xl/_rels/workbook.xml.rels", workbookRelationships(sheets: tables.count))
            try add("xl/styles.xml", styles)
            for (index, table) in tables.enumerated() {
                try add("xl/worksheets/sheet\(index + 1).xml", sheet(table))
            }
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw Failure(description: "\(path): cannot write the workbook: \(error)")
        }
    }

    static func contentTypes(sheets: Int) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
            """
        for index in stride(from: 1, through: sheets, by: 1) {
            text += "<Override PartName=\"/xl/worksheets/sheet\(index).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return text + "</Types>"
    }

    static func workbook(_ names: [String]) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>
            """
        for (index, name) in names.enumerated() {
            text += "<sheet name=\"\(escape(sheetName(name)))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }
        return text + "</sheets></workbook>"
    }

    static func workbookRelationships(sheets: Int) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            """
        for index in 0..<sheets {
            text += "<Relationship Id=\"rId\(index + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(index + 1).xml\"/>"
        }
        return text + "<Relationship Id=\"rId\(sheets + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>"
    }

    /// Style 0: plain; 1: #,##0.00 (built-in format 4); 2: bold (the header).
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
        </styleSheet>
        """

    static func sheet(_ table: ExportTable) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
            <sheetData>
            """
        func cell(_ column: Int, _ row: Int, _ value: ExportTable.Cell, style: Int = 0) -> String {
            let reference = columnName(column) + String(row)
            let s = style == 0 ? "" : " s=\"\(style)\""
            switch value {
            case let .text(string): return "<c r=\"\(reference)\"\(s) t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(string))</t></is></c>"
            case let .integer(number): return "<c r=\"\(reference)\"\(s)><v>\(number)</v></c>"
            case let .yuan(money): return "<c r=\"\(reference)\" s=\"1\"><v>\(money.plainYuanString)</v></c>"
            case .empty: return ""
            }
        }
        text += "<row r=\"1\">" + table.header.enumerated().map { cell($0.offset, 1, .text($0.element), style: 2) }.joined() + "</row>"
        for (index, row) in table.rows.enumerated() {
            text += "<row r=\"\(index + 2)\">" + row.enumerated().map { cell($0.offset, index + 2, $0.element) }.joined() + "</row>"
        }
        return text + "</sheetData></worksheet>"
    }

    /// A, B, …, Z, AA, AB, … for a 0-based column.
    static func columnName(_ column: Int) -> String {
        var name = ""
        var number = column + 1
        while number > 0 {
            let remainder = (number - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            number = (number - 1) / 26
        }
        return name
    }

    /// At most 31 characters, none of those Excel refuses in a sheet name.
    static func sheetName(_ name: String) -> String {
        String(name.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
    }

    /// XML text: the five entities, and the control characters XML 1.0 cannot carry dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
