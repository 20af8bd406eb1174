import ArgumentParser
import FafangConfig
import FafangCore
import FafangDelivery
import Foundation

/// `fafang check`: validates the whole configuration and the message templates, and prints
/// every problem at once.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate fafang.toml, the project files, the payee registers and the message templates.",
        discussion: "Prints each problem as FILE:LINE: key.path: problem. Exit status 1 if there is any error, else 0 with a summary line. Templates are checked once the configuration itself loads (it names their folder, the SMS signature and max_segments)."
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let outcome = ConfigLoader.load(path: options.path)
        var diagnostics = outcome.diagnostics
        var templateCount = 0
        if let settings = outcome.configuration?.settings {
            let directory = Self.shortPath(settings.templatesDirectory)
            let problems = TemplateChecker.check(directory: directory, maxSegments: settings.sms.maxSegments,
                                                 signature: settings.sms.signature, settings: TemplateContext.Settings(settings))
            diagnostics += problems.map { Diagnostic($0) }
            templateCount = (try? MessageTemplates(directory: directory))?.names.count ?? 0
            // The cloud SMS gateways' vendor templates against the fields of each kind of message.
            let locator = SettingsKeyLocator(configPath: options.path)
            diagnostics += CloudSMSTemplateCheck.problems(gateways: settings.gateways, smsGateway: settings.sms.gateway,
                                                          sent: CloudSMSTemplateCheck.sentKinds(scheduler: settings.scheduler))
                .map { locator.diagnostic(keyPath: $0.keyPath, message: $0.message, warning: $0.severity == .warning) }
        }
        for diagnostic in diagnostics { print(diagnostic.description) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        guard let configuration = outcome.configuration, errors == 0 else {
            print("\(options.path): \(errors) error(s), \(warnings) warning(s)")
            throw ExitCode(1)
        }
        let payees = configuration.projects.reduce(0) { $0 + $1.payees.count }
        print("\(options.path): OK: \(configuration.projects.count) projects, \(configuration.villages.count) villages, \(payees) payees, \(templateCount) templates, \(warnings) warning(s)")
    }

    /// `Config/../Templates` as `Templates`, when both name the same folder (a symbolic link may
    /// make them differ; the path is then kept as it is).
    static func shortPath(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            if part == "..", let last = parts.last, last != ".." { parts.removeLast() } else { parts.append(part) }
        }
        let short = (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
        let same = URL(fileURLWithPath: short.isEmpty ? "." : short).resolvingSymlinksInPath().path
            == URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return same && !short.isEmpty ? short : path
    }
}
