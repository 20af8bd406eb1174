import FafangCore
import Foundation

/// The JSON shape of an imported goal document (`fafang import-goals --json`): amounts in
/// integer fen, dates as `YYYY-MM-DD`, percentages as numbers (25, or 33.33).
struct GoalDocumentJSON: Encodable {
    struct ProjectJSON: Encodable {
        var code: String
        var name: String
        var budgetFen: Int64
        var fiscalFen: Int64
        var otherFen: Int64
        var purpose: String
        var plan: [MilestoneJSON]
        var goals: [String]
        var indicators: [Indicator]
        var kind: String

        enum CodingKeys: String, CodingKey {
            case code, name, purpose, plan, goals, indicators, kind
            case budgetFen = "budget_fen", fiscalFen = "fiscal_fen", otherFen = "other_fen"
        }
    }

    struct MilestoneJSON: Encodable {
        var deadline: String
        var cumulativePercent: PercentJSON

        enum CodingKeys: String, CodingKey {
            case deadline
            case cumulativePercent = "cumulative_percent"
        }
    }

    /// A whole percentage as an integer, else as a decimal number with two places.
    struct PercentJSON: Encodable {
        var basisPoints: Int64

        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            if basisPoints % 100 == 0 {
                try container.encode(basisPoints / 100)
            } else {
                try container.encode(Decimal(basisPoints) / 100)
            }
        }
    }

    struct DepartmentJSON: Encodable {
        var title: String
        var indicator: String
        var comparator: String
        var value: String
        var unit: String
    }

    struct WarningJSON: Encodable {
        var project: String?
        var field: String
        var message: String
        /// Where in a Word or Excel file; left out for a text export.
        var place: String?

        enum CodingKeys: String, CodingKey { case project, field, message, place }

        /// `project` is written as null for the document as a whole, not left out.
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(project, forKey: .project)
            try container.encode(field, forKey: .field)
            try container.encode(message, forKey: .message)
            try container.encodeIfPresent(place, forKey: .place)
        }
    }

    var year: Int
    var projects: [ProjectJSON]
    var department: [DepartmentJSON]
    var warnings: [WarningJSON]

    init(_ document: GoalDocument) {
        year = document.year
        projects = document.projects.map { project in
            ProjectJSON(
                code: project.code, name: project.name, budgetFen: project.budget.total.fen,
                fiscalFen: project.budget.fiscal.fen, otherFen: project.budget.other.fen,
                purpose: project.purpose,
                plan: project.plan.map {
                    MilestoneJSON(deadline: $0.deadline.description,
                                  cumulativePercent: PercentJSON(basisPoints: $0.cumulative.basisPoints))
                },
                goals: project.goals, indicators: project.indicators, kind: project.kind.rawValue
            )
        }
        department = document.department.map {
            DepartmentJSON(title: $0.title, indicator: $0.indicator, comparator: $0.comparator, value: $0.value, unit: $0.unit)
        }
        warnings = document.warnings.map { WarningJSON(project: $0.project, field: $0.field, message: $0.message, place: $0.place) }
    }
}
