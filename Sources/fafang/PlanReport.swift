import FafangConfig
import FafangCore
import Foundation

/// What `fafang plan` prints, as text for the operator or as JSON for other programs.
struct PlanReport: Encodable {
    struct MilestoneLine: Encodable {
        /// As written in the project file.
        let deadline: String
        /// When it falls due under the deadline policy (the next working day for a deadline on a day off).
        let due: String
        /// Why `due` is later than `deadline` (the holiday, or the weekday), nil when it is not.
        let movedBecause: String?
        let cumulativePercent: String
        let targetFen: Int64
        let targetYuan: String
        let daysLeft: Int

        enum CodingKeys: String, CodingKey {
            case deadline, due, movedBecause = "moved_because", cumulativePercent = "cumulative_percent", targetFen = "target_fen"
            case targetYuan = "target_yuan", daysLeft = "days_left"
        }
    }

    struct Payees: Encodable {
        let kind: String
        let count: Int
        let owedFen: Int64
        let owedYuan: String
        let differenceFen: Int64

        enum CodingKeys: String, CodingKey {
            case kind, count, owedFen = "owed_fen", owedYuan = "owed_yuan", differenceFen = "difference_fen"
        }
    }

    struct ProjectEntry: Encodable {
        let code: String
        let name: String
        let kind: String
        let budgetFen: Int64
        let budgetYuan: String
        let deadlinePolicy: String
        let milestones: [MilestoneLine]
        let payees: Payees?

        enum CodingKeys: String, CodingKey {
            case code, name, kind, budgetFen = "budget_fen", budgetYuan = "budget_yuan", deadlinePolicy = "deadline_policy", milestones, payees
        }
    }

    let asOf: String
    let timeZone: String
    let projects: [ProjectEntry]

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", timeZone = "time_zone", projects
    }

    init(configuration: Configuration, projects: [ProjectConfiguration], asOf: CivilDate) {
        self.asOf = asOf.description
        self.timeZone = configuration.settings.timeZone.identifier
        self.projects = projects.map { configured in
            let project = configured.project
            let schedule = PlanSchedule(project: project, asOf: asOf, deadlines: configured.deadlines)
            let payees: Payees? = project.kind.payeeKind.map { kind in
                let reconciliation = configured.reconciliation
                return Payees(kind: kind.rawValue, count: reconciliation.payeeCount, owedFen: reconciliation.owed.fen,
                              owedYuan: reconciliation.owed.plainYuanString, differenceFen: reconciliation.difference.fen)
            }
            return ProjectEntry(
                code: project.code, name: project.name, kind: project.kind.rawValue,
                budgetFen: project.budget.total.fen, budgetYuan: project.budget.total.plainYuanString,
                deadlinePolicy: configured.deadlines.policy.rawValue,
                milestones: schedule.lines.map {
                    MilestoneLine(deadline: $0.milestone.deadline.description, due: $0.due.description,
                                  movedBecause: configured.deadlines.reason(for: $0.milestone.deadline),
                                  cumulativePercent: $0.milestone.cumulative.description,
                                  targetFen: $0.target.fen, targetYuan: $0.target.plainYuanString, daysLeft: $0.daysLeft)
                },
                payees: payees
            )
        }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func text() -> String {
        var out = ["As of \(asOf) (\(timeZone))"]
        for project in projects {
            out.append("")
            out.append("\(project.name)  [\(project.code)]  \(project.kind)  budget \(Money(fen: project.budgetFen).yuanString) 元  deadlines \(project.deadlinePolicy)")
            out.append("  " + pad("deadline", 12) + pad("due", 12) + pad("cumulative", 12, right: true) + pad("target (元)", 20, right: true) + "  days left")
            for line in project.milestones {
                var days = line.daysLeft >= 0 ? "\(line.daysLeft)" : "passed \(-line.daysLeft) days ago"
                if let reason = line.movedBecause { days += "  (\(line.deadline) is \(reason): due the next working day)" }
                out.append("  " + pad(line.deadline, 12) + pad(line.due, 12) + pad(line.cumulativePercent + "%", 12, right: true)
                    + pad(Money(fen: line.targetFen).yuanString, 20, right: true) + "  " + days)
            }
            if let payees = project.payees {
                let owed = Money(fen: payees.owedFen).yuanString
                let difference = Money(fen: payees.differenceFen)
                let balance = difference == .zero ? "matches the budget" : "differs from the budget by \(difference.fen > 0 ? "+" : "")\(difference.yuanString) 元"
                out.append("  payees: \(payees.count) \(payees.kind)\(payees.count == 1 ? "" : "s"), owed \(owed) 元, \(balance)")
            }
        }
        return out.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let length = text.count
        guard length < width else { return text + " " }
        let fill = String(repeating: " ", count: width - length)
        return right ? fill + text : text + fill
    }
}
