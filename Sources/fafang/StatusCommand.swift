import ArgumentParser
import FafangConfig
import FafangCore
import FafangStore
import Foundation

/// `fafang status`: per project, the current target, what was paid and the grade; the outbox by state.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per project: current target, paid, progress grade; outbox counts by state; paused gateways."
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "The day to look from, YYYY-MM-DD (default: today in the configured time zone).")
    var at: String?

    func run() async throws {
        let configuration = try options.load()
        let store = try await options.openStore(configuration)
        let zone = configuration.settings.timeZone
        let today: CivilDate
        if let at {
            guard let date = CivilDate(iso: at) else { throw ValidationError("--at must be YYYY-MM-DD") }
            today = date
        } else {
            today = CivilDate.of(Date(), in: zone)
        }
        let paid = LedgerDayTotal.paidByProject(try await store.ledgerTotals(), asOf: today)
        print("As of \(today) (\(zone.identifier))")
        for configured in configuration.projects {
            let project = configured.project
            let schedule = PlanSchedule(project: project, asOf: today, deadlines: configured.deadlines)
            let amount = paid[project.code] ?? .zero
            var line = "\(project.name) [\(project.code)]: paid \(amount.yuanString) of \(project.budget.total.yuanString) 元"
            // The milestone that matters now: the latest passed one if behind it, else the next.
            for (candidate, grade) in schedule.graded(paid: amount, budget: project.budget.total,
                                                      slightThreshold: configuration.settings.scheduler.slightThreshold) {
                let when = candidate.daysLeft < 0 ? "passed \(candidate.due)" : "by \(candidate.due), \(candidate.daysLeft) days left"
                line += "\n  \(candidate.milestone.cumulative)% = \(candidate.target.yuanString) 元 \(when): \(grade.rawValue)"
            }
            print(line)
        }
        let counts = try await store.outboxCounts()
        print("Outbox: " + MessageState.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", "))
        for health in try await store.gatewayHealth() where health.isPaused {
            let cause = health.pauseCause == .operator ? "by an operator" : "failing, probed every few minutes"
            print("Paused gateway \(health.name) since \(health.pausedAt.map { "\($0)" } ?? "?") (\(cause)): \(health.lastFailure ?? "") — resume with `fafang outbox resume \(health.name)`")
        }
        let unrouted = try await store.unroutedEvents()
        if !unrouted.isEmpty {
            print("Kept, not yet sent (\(unrouted.count) event(s) whose messages could not be made; fix the configuration and reload):")
            for event in unrouted.prefix(20) { print("  \(event.event.key): \(event.problem)") }
        }
    }
}
