import FafangCore
import FafangTestSupport
import Foundation
@testable import FafangConfig

/// The Word and Excel fixtures of `Fixtures/office/`, written by python-docx, openpyxl and
/// XlsxWriter (`make_fixtures.py`), never by Fafang.
enum OfficeFixtures {
    static func path(_ name: String) throws -> String {
        try ConfigFixture.fixtureURL("office/" + name).path
    }

    /// The project fields both goal-table layouts carry (not the plan, purpose, indicator
    /// descriptions or bases, which the flat layout has no columns for).
    struct ProjectCore: Equatable {
        var code: String, name: String
        var total: Int64, fiscal: Int64, other: Int64
        var goals: [String]
        var indicators: [[String]]

        init(_ project: Project) {
            code = project.code
            name = project.name
            total = project.budget.total.fen
            fiscal = project.budget.fiscal.fen
            other = project.budget.other.fen
            goals = project.goals
            indicators = project.indicators.map { [$0.level1, $0.level2, $0.level3, $0.comparator, $0.value, $0.unit] }
        }
    }

    /// A warning without where it is: what two layouts of one document must agree on.
    static func gist(_ warning: ImportWarning) -> [String] {
        [warning.project ?? "", warning.field, warning.message]
    }
}
