import FafangCore
import Foundation
import Testing
@testable import FafangConfig

/// The budget year: from the deadlines when one year leads, else --year.
@Suite struct GoalDocumentYearTests {
    /// The seed with every dated deadline but those in `keep` (by line text) made undated.
    static func seed(keepingDated keep: Set<String>) throws -> String {
        let dated = ["\t2021年底完成", "\t2121年底完成", "\t2021年12月31日前完成"]
        return GoalDocumentFixture.lines(try GoalDocumentFixture.seed())
            .map { dated.contains($0) && !keep.contains($0) ? "\t年底完成" : $0 }
            .joined(separator: "\n")
    }

    @Test func theMostFrequentYearWins() throws {
        // 2021 four times (2021年底完成 ×3, 2021年12月31日前完成), 2121 once.
        let document = try GoalDocumentFixture.document()
        #expect(document.year == 2021)
        #expect(document.documentYear == 2021)
    }

    @Test func aTieNeedsTheYear() throws {
        // 2021年12月31日前完成 (table 4) against 2121年底完成 (table 8): one each.
        let text = try Self.seed(keepingDated: ["\t2021年12月31日前完成", "\t2121年底完成"])
        let error = try #require(GoalDocumentFixture.error(parsing: text))
        #expect(error.field == "year")
        #expect(error.problem == .ambiguousYear([2021, 2121]))
        #expect(error.line == (try GoalDocumentFixture.lineNumber(of: "\t2021年12月31日前完成", in: text)))
        #expect(error.description.contains("pass --year"))

        let document = try GoalDocumentImporter.parse(text, file: "t.txt", year: 2021)
        #expect(document.year == 2021)
        #expect(document.documentYear == nil)
        #expect(document.warnings.map(\.field) == ["indicators[5].comparator", "indicators[2].value"])
    }

    @Test func noDatedDeadlineNeedsTheYear() throws {
        let text = try Self.seed(keepingDated: [])
        let error = try #require(GoalDocumentFixture.error(parsing: text))
        #expect(error.problem == .noYear)
        #expect(error.field == "year")
        #expect(error.line == (try GoalDocumentFixture.lineNumber(of: "[bookmark: _Toc65511689]1.天柱租地费（殷官屯村）绩效目标表", in: text)))

        let document = try GoalDocumentImporter.parse(text, file: "t.txt", year: 2023)
        #expect(document.year == 2023)
        #expect(document.projects[0].plan.last?.deadline == CivilDate(year: 2023, month: 12, day: 31))
        #expect(document.projects[7].indicators[2].value == "2023-12-31")
        #expect(document.warnings.count == 1)   // only the satisfaction target
    }

    @Test func givenYearWinsAndADifferentDocumentYearIsAWarning() throws {
        let text = try GoalDocumentFixture.seed()
        let document = try GoalDocumentImporter.parse(text, file: "seed.txt", year: 2022)
        #expect(document.year == 2022)
        #expect(document.documentYear == 2021)
        #expect(document.projects.allSatisfy { $0.year == 2022 })
        #expect(document.projects[0].plan.first?.deadline == CivilDate(year: 2022, month: 3, day: 31))
        #expect(document.projects[0].indicators[2].value == "2022-12-31")   // 年底完成: the budget year
        #expect(document.projects[1].indicators[2].value == "2021-12-31")   // 2021年底完成: as written
        let yearWarning = try #require(document.warnings.first { $0.field == "year" })
        #expect(yearWarning.project == nil)
        #expect(yearWarning.message.contains("--year 2022 overrides 2021"))
        #expect(yearWarning.line == (try GoalDocumentFixture.lineNumber(of: "\t2021年底完成", in: text)))
        #expect(yearWarning.rendered(file: "seed.txt").hasPrefix("seed.txt:\(yearWarning.line): year: "))
        // Each dated deadline outside 2022 is pointed at too.
        #expect(document.warnings.filter { $0.field.hasSuffix(".value") }.count == 5)
    }

    @Test func givenYearEqualToTheDocumentsIsQuiet() throws {
        let document = try GoalDocumentImporter.parse(try GoalDocumentFixture.seed(), file: "seed.txt", year: 2021)
        #expect(document == (try GoalDocumentImporter.parse(try GoalDocumentFixture.seed(), file: "seed.txt", year: nil)))
        #expect(document.warnings.count == 2)
    }

    @Test func anImpossibleYearIsAnError() throws {
        let error = GoalDocumentFixture.error(parsing: try GoalDocumentFixture.seed(), year: 21)
        #expect(error?.problem == .invalidYear(21))
        #expect(error?.field == "year")
    }
}
