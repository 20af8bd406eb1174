import ArgumentParser
import FafangConfig
import FafangCore
import FafangDaemon
import FafangStore
import Logging
import Foundation

/// `--config PATH`, shared by every command that reads the configuration.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The config folder holding fafang.toml, or the file itself. Default: $FAFANG_CONFIG, else ./Config if present, else /etc/fafang.")
    var config: String?

    var path: String {
        if let config { return config }
        if let env = ProcessInfo.processInfo.environment["FAFANG_CONFIG"], !env.isEmpty { return env }
        return FileManager.default.fileExists(atPath: "Config/fafang.toml") ? "Config" : "/etc/fafang"
    }

    /// Loads the configuration, or prints every error to stderr and exits 1.
    func load() throws -> Configuration {
        let outcome = ConfigLoader.load(path: path)
        guard let configuration = outcome.configuration else {
            for diagnostic in outcome.diagnostics { StandardError.print(diagnostic.description) }
            StandardError.print("\(path): \(outcome.errors.count) error(s); run `fafang check` for details")
            throw ExitCode(1)
        }
        return configuration
    }
}

extension ConfigOptions {
    /// The store `[store]` names: the database of the state directory (created if missing;
    /// refused, untouched, when `quick_check` finds it damaged), or the county's PostgreSQL.
    func openStore(_ configuration: Configuration) async throws -> any Store {
        if case .sqlite = configuration.settings.store {
            let command = (["fafang"] + CommandLine.arguments.dropFirst().prefix { !$0.hasPrefix("-") }.prefix(2)).joined(separator: " ")
            try Self.refuseDamagedStore(configuration.settings, command: command)
        }
        do {
            return try await StoreOpener.open(configuration.settings, logger: Logger(label: "fafang") { _ in SwiftLogNoOpLogHandler() },
                                                configurationDirectory: configuration.directory)
        } catch {
            StandardError.print("\(error)")
            throw ExitCode(1)
        }
    }

    /// Runs `quick_check` on the SQLite store read-only, before anything opens it for writing
    /// (opening replays a WAL and migrates); a damaged file is refused, untouched, with the newest
    /// backup to restore named. `fafang run` and every command that opens the store go through it.
    static func refuseDamagedStore(_ settings: Settings, command: String) throws {
        let path = (settings.stateDirectory as NSString).appendingPathComponent(SQLiteStore.fileName)
        guard let damage = SQLiteBackup.damage(at: path) else { return }
        let newest = SQLiteBackup.backups(in: settings.backupDirectory).last
        StandardError.print("\(command): \(path) is damaged (quick_check: \(damage)); nothing was written to it. "
            + (newest.map { "Restore the newest backup: fafang restore \($0)" }
                ?? "No backup in \(settings.backupDirectory): restore one from elsewhere with fafang restore FILE"))
        throw ExitCode(1)
    }
}

/// Writes lines to standard error.
enum StandardError {
    static func print(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
