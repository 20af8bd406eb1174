extension GoalDocumentImporter {
    /// Reads a goal document from Word: the township's layout (headings `1.项目名称绩效目标表`, each
    /// over its tables) through the same reader as its text export, or the flat layout (one
    /// row per indicator) when a table has that layout's heading row.
    static func loadWord(path: String, year: Int?) throws(GoalDocumentError) -> GoalDocument {
        let body: DocxBody
        do throws(OOXMLError) {
            body = try DocxBody.read(OOXMLPackage(file: path, expected: "a Word document (.docx)"))
        } catch {
            throw GoalDocumentError(file: path, line: nil, field: "document", problem: .unreadable(reason: error.message))
        }
        return try parseWord(body, file: path, year: year)
    }

    static func parseWord(_ body: DocxBody, file: String, year: Int?) throws(GoalDocumentError) -> GoalDocument {
        var tableNumber = 0
        for case let .table(table) in body.blocks {
            tableNumber += 1
            if let document = try FlatGoalTable.read(OfficeTableRow.rows(of: table, number: tableNumber), file: file, year: year) {
                return document
            }
        }
        let (text, places) = GoalDocumentPlaces.lines(of: body)
        do throws(GoalDocumentError) {
            return places.placing(try parse(text, file: file, year: year, placeName: places.name))
        } catch {
            throw places.placing(error)
        }
    }

    /// Reads a flat goal table from a sheet of an Excel workbook (the named one, else the first).
    static func loadWorkbook(path: String, year: Int?, sheet name: String?) throws(GoalDocumentError) -> GoalDocument {
        var rows: [OfficeTableRow] = []
        do throws(OOXMLError) {
            let workbook = try XLSXWorkbook(path: path)
            let reader = XLSXSheetReader(workbook: workbook, sheet: try workbook.sheet(named: name))
            try reader.forEachRow { rows.append(OfficeTableRow.row($0, reader: reader)) }
        } catch {
            throw GoalDocumentError(file: path, line: nil, field: "document", problem: .unreadable(reason: error.message))
        }
        guard let document = try FlatGoalTable.read(rows, file: path, year: year) else {
            throw GoalDocumentError(file: path, line: nil, field: "document", problem: .noGoalTable)
        }
        return document
    }
}
