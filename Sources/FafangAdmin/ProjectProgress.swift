import FafangConfig
import FafangCore
import Foundation

/// Where each project stands against the cumulative target that matters today, graded as
/// `fafang status` grades it: the latest milestone already passed if the project is behind it,
/// else the next one.
public enum ProjectProgress {
    /// Each project's grade on `today`, from the ledger's day totals (`Store.ledgerTotals`):
    /// what was paid by then.
    public static func grades(configuration: Configuration, totals: [LedgerDayTotal], today: CivilDate) -> [String: ProgressGrade] {
        let paid = LedgerDayTotal.paidByProject(totals, asOf: today)
        var result: [String: ProgressGrade] = [:]
        for configured in configuration.projects {
            let project = configured.project
            result[project.code] = grade(project: project, paid: paid[project.code] ?? .zero, today: today,
                                         slightThreshold: configuration.settings.scheduler.slightThreshold, deadlines: configured.deadlines)
        }
        return result
    }

    /// One project's grade: behind a passed milestone counts first; a project on track with every
    /// passed milestone is graded against the next one; with no milestone left, on track.
    public static func grade(project: Project, paid: Money, today: CivilDate, slightThreshold: Percent,
                             deadlines: DeadlineRule = .asWritten) -> ProgressGrade {
        PlanSchedule(project: project, asOf: today, deadlines: deadlines).grade(paid: paid, budget: project.budget.total, slightThreshold: slightThreshold)
    }
}
