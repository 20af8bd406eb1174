import FafangCore
import Foundation

/// Loads and validates the whole configuration: `fafang.toml`, the project files and the payee
/// registers. Every problem is collected; a configuration is returned only when there is no
/// error, so a daemon can keep its last good one.
public enum ConfigLoader {
    /// The result of one load.
    public struct Outcome: Sendable {
        /// Nil when any error was found.
        public var configuration: Configuration?
        /// Errors and warnings, in file and line order.
        public var diagnostics: [Diagnostic]

        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    }

    /// `path` is the config folder (holding fafang.toml) or the fafang.toml file itself.
    public static func load(path: String) -> Outcome {
        let report = ReportBox()
        let configuration = load(path: path, report: report)
        let diagnostics = report.log.sorted
        return Outcome(configuration: report.log.hasErrors ? nil : configuration, diagnostics: diagnostics)
    }

    private static func load(path: String, report: ReportBox) -> Configuration? {
        let settingsFile = SettingsReader.isDirectory(path) ? (path as NSString).appendingPathComponent("fafang.toml") : path
        let directory = (settingsFile as NSString).deletingLastPathComponent
        guard let settingsSource = source(settingsFile, report: report) else { return nil }
        let settings = SettingsReader.read(settingsSource, directory: directory)
        let calendar = holidayCalendar(settings.calendar, report: report)

        var villageReader = RegisterReader(file: settings.villagesRegister, log: report.log)
        let (villages, villageNames, villageIDs) = villageReader.villages(endpoints: Set(settings.endpoints.keys))
        report.log = villageReader.log

        var projects: [ProjectConfiguration] = []
        var codes: [String: String] = [:]
        for file in projectFiles(in: settings.projectsDirectory, report: report) {
            guard let source = source(file, report: report),
                  let result = ProjectReader.read(source, directory: (file as NSString).deletingLastPathComponent)
            else { continue }
            let project = result.project
            if let first = codes[project.code] {
                source.error("code", "duplicate project code \(project.code) (also in \(first))")
                continue
            }
            codes[project.code] = file
            var configured = ProjectConfiguration(project: project, file: file, register: result.payees?.register,
                                                  payees: [], tolerance: result.tolerance, toleranceNote: result.toleranceNote)
            configured.deadlines = deadlines(of: result, file: file, settings: settings.calendar, calendar: calendar, report: report)
            configured.publicity = result.publicity
            if let payeeSource = result.payees {
                let errorsBefore = report.log.errorCount
                var reader = RegisterReader(file: payeeSource.register, log: report.log, sheet: payeeSource.sheet)
                switch project.kind.payeeKind {
                case .household:
                    configured.payees = reader.households(villages: villageNames, defaultRate: payeeSource.defaultRate,
                                                          defaultYears: payeeSource.defaultYears)
                case .person:
                    configured.payees = reader.persons(villages: villageNames)
                case .village:
                    configured.payees = reader.villageTransfers(villages: villages, knownIDs: villageIDs, total: project.budget.total)
                case nil:
                    break
                }
                report.log = reader.log
                // A register with bad rows is incomplete: reconciling it would only add noise.
                if report.log.errorCount == errorsBefore {
                    reconcile(configured, line: payeeSource.registerLine, report: report)
                }
            }
            projects.append(configured)
        }
        if projects.isEmpty, !report.log.hasErrors {
            report.log.error(settings.projectsDirectory, 0, "", "no project files (*.toml)")
        }
        var configuration = Configuration(directory: directory, settings: settings, villages: villages, projects: projects)
        configuration.holidayCalendar = calendar
        configuration.operators = operators(settings.console, report: report)
        return configuration
    }

    /// The accounts of the operators file, when it exists (`[console]` reports a missing one).
    private static func operators(_ settings: ConsoleSettings, report: ReportBox) -> [OperatorAccount] {
        let file = settings.operatorsFile
        guard FileManager.default.fileExists(atPath: file), !SettingsReader.isDirectory(file),
              let source = source(file, report: report)
        else { return [] }
        return OperatorsReader.read(source)
    }

    /// Payees must be owed exactly the budget, unless the project states a tolerance and why.
    private static func reconcile(_ configured: ProjectConfiguration, line: Int, report: ReportBox) {
        let result = configured.reconciliation
        guard !result.balances else { return }
        let text = "payees are owed \(result.owed.yuanString) 元 in total, the budget is \(result.budget.yuanString) 元 (difference \(result.difference.fen > 0 ? "+" : "")\(result.difference.yuanString) 元)"
        if result.difference.fen.magnitude <= configured.tolerance.fen.magnitude, configured.tolerance.fen != 0 {
            let note = configured.toleranceNote.map { ": \($0)" } ?? ""
            report.log.warning(configured.file, line, "payees.register", text + ", within the stated tolerance of \(configured.tolerance.yuanString) 元" + note)
        } else {
            report.log.error(configured.file, line, "payees.register", text)
        }
    }

    private static func source(_ file: String, report: ReportBox) -> TOMLSource? {
        do {
            let (text, _) = try TextFile.read(file)
            return TOMLSource(file: file, text: text, report: report)
        } catch {
            var line = 0
            if case let .notText(_, at) = error { line = at }
            report.log.error(file, line, "", error.reason)
            return nil
        }
    }

    private static func projectFiles(in directory: String, report: ReportBox) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".toml") }.sorted().map { (directory as NSString).appendingPathComponent($0) }
    }
}
