import FafangCore
import Foundation
import Testing
@testable import FafangConfig

/// `fafang import-goals FILE.docx` on the seed document as Word tables (python-docx): the same
/// result as its text export, warnings placed by table, row and cell.
@Suite("Word goal documents")
struct WordGoalDocumentTests {
    let text: GoalDocument
    let word: GoalDocument

    init() throws {
        text = try GoalDocumentFixture.document()
        word = try GoalDocumentImporter.load(path: OfficeFixtures.path("goals-seed.docx"), year: nil)
    }

    @Test func readsWhatTheTextExportReads() {
        #expect(word.year == text.year && word.documentYear == text.documentYear)
        #expect(word.projects.count == 9)
        #expect(word.projects == text.projects)
        #expect(word.imported.map(\.number) == text.imported.map(\.number))
        let strip: (DepartmentGoal) -> [String] = { [$0.title, $0.goal, $0.indicator, $0.comparator, $0.value, $0.unit] }
        #expect(word.department.count == 12)
        #expect(word.department.map(strip) == text.department.map(strip))
    }

    @Test func sameWarningsEachNamingTableRowAndCell() throws {
        #expect(word.warnings.count == text.warnings.count)
        #expect(word.warnings.map(OfficeFixtures.gist) == text.warnings.map(OfficeFixtures.gist))
        for warning in word.warnings {
            let place = try #require(warning.place)
            #expect(place.wholeMatch(of: /table \d+, row \d+, cell \d+/) != nil, "\(place)")
        }
        let typo = try #require(word.warnings.first { $0.message.contains("2121") })
        #expect(typo.rendered(file: "goals.docx").hasPrefix("goals.docx:table 18, row 4, cell 5: project 13020821XOURQ66290XVZ: indicators[2].value: deadline"))
        #expect(word.imported.allSatisfy { $0.place?.hasPrefix("paragraph ") == true })
        let json = String(decoding: try word.jsonData(), as: UTF8.self)
        #expect(json.contains("\"place\" : \"table 18, row 4, cell 5\""))
        #expect(!String(decoding: try text.jsonData(), as: UTF8.self).contains("\"place\""))
    }

    @Test func theFixtureHasMergesAndBookmarksAndTheReaderKeepsThemOutOfTheText() throws {
        let body = try DocxBody.read(OOXMLPackage(file: OfficeFixtures.path("goals-seed.docx"), expected: "a Word document"))
        let cells = body.blocks.flatMap { block -> [DocxBody.Cell] in
            if case let .table(table) = block { return table.rows.flatMap { $0 } }
            return []
        }
        #expect(cells.contains { $0.span > 1 })
        #expect(cells.contains { $0.merge == .restart } && cells.contains { $0.merge == .continue })
        let document = String(decoding: try OOXMLPackage(file: OfficeFixtures.path("goals-seed.docx"), expected: "").data("word/document.xml"), as: UTF8.self)
        #expect(document.contains("w:bookmarkStart") && document.contains("_Toc65511689"))
        let texts = cells.flatMap(\.paragraphs) + body.blocks.compactMap { if case let .paragraph(text) = $0 { return text } else { return nil } }
        #expect(!texts.contains { $0.contains("bookmark") || $0.contains("_Toc") })
        // A cell written with trailing tabs (w:tab) reads as its text once trimmed.
        #expect(word.projects[0].purpose == "用于及时发放天柱租殷官屯村地款")
    }

    @Test func aDamagedCellIsAnErrorAtItsPlace() throws {
        var body = try DocxBody.read(OOXMLPackage(file: OfficeFixtures.path("goals-seed.docx"), expected: ""))
        var tables = 0
        for index in body.blocks.indices {
            guard case var .table(table) = body.blocks[index] else { continue }
            tables += 1
            guard tables == 1 else { continue }
            // Table 1 holds 预算数 on its third row: the amount is the third cell.
            #expect(table.rows[2][2].paragraphs == ["594.00"])
            table.rows[2][2].paragraphs = ["594.0O"]
            body.blocks[index] = .table(table)
        }
        do {
            _ = try GoalDocumentImporter.parseWord(body, file: "goals.docx", year: nil)
            Issue.record("a damaged amount parsed")
        } catch {
            #expect(error.description == "goals.docx:table 1, row 3, cell 3: budget.total: not an amount (got \"594.0O\")")
        }
    }

    @Test func notAWordFileIsSaidSo() throws {
        let path = try OfficeFixtures.path("ledger.csv")
        do {
            _ = try GoalDocumentImporter.loadWord(path: path, year: nil)
            Issue.record("a CSV read as Word")
        } catch {
            #expect(error.message.contains("not a Word document (.docx)"))
        }
    }
}
