import Foundation

/// An Excel workbook (.xlsx) opened for reading: its sheets by name, its shared strings, which
/// cell styles show dates, and its date system (`date1904`).
///
/// The sheets themselves are read row by row with `XLSXSheetReader`.
struct XLSXWorkbook {
    struct Sheet: Equatable {
        let name: String
        /// The sheet's part in the package, `xl/worksheets/sheet1.xml`.
        let part: String
    }

    let package: OOXMLPackage
    let sheets: [Sheet]
    /// The 1904 date system (old Mac workbooks): serial 0 is 1904-01-01.
    let date1904: Bool
    let sharedStrings: [String]
    /// Indexes into the styles' `cellXfs` whose number format shows a date.
    let dateStyles: Set<Int>

    var file: String { package.file }

    init(path: String) throws(OOXMLError) {
        package = try OOXMLPackage(file: path, expected: "an Excel workbook (.xlsx)")
        let main = try package.relationships(of: "").byType["officeDocument"] ?? "xl/workbook.xml"
        guard package.contains(main) else { throw OOXMLError(file: path, problem: .missingPart(main)) }
        let relations = try package.relationships(of: main)
        var sheets: [Sheet] = []
        var date1904 = false
        try XMLEvents.parse(package.data(main), part: main, file: path) { event in
            guard case let .start(name, attributes) = event else { return }
            if name == "workbookPr" {
                date1904 = ["1", "true"].contains(attributes["date1904"]?.lowercased() ?? "")
            } else if name == "sheet", let sheetName = attributes["name"], let id = attributes["id"],
                      let part = relations.byID[id] {
                sheets.append(Sheet(name: sheetName, part: part))
            }
        }
        self.sheets = sheets
        self.date1904 = date1904
        let folder = (main as NSString).deletingLastPathComponent
        let strings = relations.byType["sharedStrings"] ?? folder + "/sharedStrings.xml"
        sharedStrings = package.contains(strings) ? try Self.readSharedStrings(package, part: strings) : []
        let styles = relations.byType["styles"] ?? folder + "/styles.xml"
        dateStyles = package.contains(styles) ? try Self.readDateStyles(package, part: styles) : []
    }

    /// The sheet called `name`, or the first sheet when `name` is nil.
    func sheet(named name: String?) throws(OOXMLError) -> Sheet {
        guard let first = sheets.first else { throw OOXMLError(file: file, problem: .noSheets) }
        guard let name else { return first }
        guard let sheet = sheets.first(where: { $0.name == name }) else {
            throw OOXMLError(file: file, problem: .noSuchSheet(name: name, available: sheets.map(\.name)))
        }
        return sheet
    }

    /// `<si>` items: plain `<t>` or rich-text runs `<r><t>`; phonetic guides (`<rPh>`) are not
    /// part of the text.
    private static func readSharedStrings(_ package: OOXMLPackage, part: String) throws(OOXMLError) -> [String] {
        var strings: [String] = []
        var current = ""
        var inText = false
        var phonetic = 0
        try XMLEvents.parse(package.data(part), part: part, file: package.file) { event in
            switch event {
            case let .start(name, _):
                if name == "si" { current = "" } else if name == "t" { inText = true } else if name == "rPh" { phonetic += 1 }
            case let .end(name):
                if name == "si" { strings.append(current) } else if name == "t" { inText = false } else if name == "rPh" { phonetic -= 1 }
            case let .text(text):
                if inText, phonetic == 0 { current += text }
            }
        }
        return strings
    }

    /// The `cellXfs` entries whose `numFmtId` is a built-in date format or a custom one that
    /// shows a date.
    private static func readDateStyles(_ package: OOXMLPackage, part: String) throws(OOXMLError) -> Set<Int> {
        var custom: [Int: Bool] = [:]
        var formatIDs: [Int] = []
        var inCellXfs = false
        try XMLEvents.parse(package.data(part), part: part, file: package.file) { event in
            switch event {
            case let .start(name, attributes):
                if name == "numFmt", let id = Int(attributes["numFmtId"] ?? "") {
                    custom[id] = XLSXValue.isDateFormat(attributes["formatCode"] ?? "")
                } else if name == "cellXfs" {
                    inCellXfs = true
                } else if name == "xf", inCellXfs {
                    formatIDs.append(Int(attributes["numFmtId"] ?? "") ?? 0)
                }
            case let .end(name):
                if name == "cellXfs" { inCellXfs = false }
            case .text:
                break
            }
        }
        var result: Set<Int> = []
        for (index, id) in formatIDs.enumerated()
        where custom[id] ?? XLSXValue.builtInDateFormats.contains(id) {
            result.insert(index)
        }
        return result
    }
}
