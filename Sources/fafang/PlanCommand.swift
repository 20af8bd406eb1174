import ArgumentParser
import FafangConfig
import FafangCore
import Foundation

/// `fafang plan`: each project's milestones, targets and days left on a given day.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show each project's milestones: deadline, cumulative target and days left.",
        discussion: "With --json, prints one object in the schema documented in README.md (\"fafang plan --json\")."
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "The day to look from, YYYY-MM-DD (default: today in the configured time zone).")
    var at: String?

    @Option(help: "Only the project with this code.")
    var project: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let configuration = try options.load()
        let asOf: CivilDate
        if let at {
            guard let date = CivilDate(iso: at) else {
                throw ValidationError("--at must be a date YYYY-MM-DD (got \"\(at)\")")
            }
            asOf = date
        } else {
            asOf = CivilDate.of(Date(), in: configuration.settings.timeZone)
        }
        var projects = configuration.projects
        if let code = project {
            projects = projects.filter { $0.project.code == code }
            guard !projects.isEmpty else { throw ValidationError("no project with code \(code)") }
        }
        let report = PlanReport(configuration: configuration, projects: projects, asOf: asOf)
        print(json ? try report.json() : report.text())
    }
}
