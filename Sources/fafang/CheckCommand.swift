import ArgumentParser
import FafangConfig
import FafangCore
import FafangDaemon
import Foundation

/// `fafang check`: validates the whole configuration, the message templates and the gateways
/// (their secrets read, their settings built) with the code `fafang run` builds its runtime
/// with, and prints every problem at once.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate fafang.toml, the project files, the payee registers, the message templates and the gateways.",
        discussion: "Prints each problem as FILE:LINE: key.path: problem. Exit status 1 if there is any error, else 0 with a summary line. Templates and gateways are checked once the configuration itself loads (it names their folder, secrets, the SMS signature and max_segments); gateways are built exactly as `fafang run` builds them, secrets read."
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let load = Runtime.load(path: options.path)
        for diagnostic in load.diagnostics { print(diagnostic.description) }
        let errors = load.errors.count
        let warnings = load.warnings.count
        guard let runtime = load.runtime, errors == 0 else {
            print("\(options.path): \(errors) error(s), \(warnings) warning(s)")
            throw ExitCode(1)
        }
        let configuration = runtime.configuration
        let payees = configuration.projects.reduce(0) { $0 + $1.payees.count }
        let calendar = configuration.holidayCalendar.map { "holiday calendar \($0.coverageDescription)" } ?? "no holiday calendar"
        print("\(options.path): OK: \(configuration.projects.count) projects, \(configuration.villages.count) villages, \(payees) payees, \(load.templateCount) templates, \(runtime.gateways.count) gateways, \(calendar), \(warnings) warning(s)")
    }
}
