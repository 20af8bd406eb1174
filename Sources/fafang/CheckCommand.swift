import ArgumentParser
import FafangConfig
import FafangCore

/// `fafang check`: validates the whole configuration and prints every problem at once.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate fafang.toml, the project files and the payee registers.",
        discussion: "Prints each problem as FILE:LINE: key.path: problem. Exit status 1 if there is any error, else 0 with a summary line."
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let outcome = ConfigLoader.load(path: options.path)
        for diagnostic in outcome.diagnostics { print(diagnostic.description) }
        guard let configuration = outcome.configuration else {
            print("\(options.path): \(outcome.errors.count) error(s), \(outcome.warnings.count) warning(s)")
            throw ExitCode(1)
        }
        let payees = configuration.projects.reduce(0) { $0 + $1.payees.count }
        print("\(options.path): OK: \(configuration.projects.count) projects, \(configuration.villages.count) villages, \(payees) payees, \(outcome.warnings.count) warning(s)")
    }
}
