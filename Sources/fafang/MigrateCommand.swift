import ArgumentParser
import FafangConfig
import FafangDaemon
import Foundation
import Logging

/// `fafang migrate --from sqlite:PATH --to postgresql`: a township's SQLite store into the
/// county's PostgreSQL, checked table by table (`StoreMigration`).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a township's SQLite store into the county's PostgreSQL ([store] of the configuration), checked table by table.",
        discussion: """
            Stop fafang on the SQLite database first. The PostgreSQL store must be empty. Everything is copied in one \
            transaction, ids kept; then each table's row count and checksum are compared on both sides, and the copy is \
            committed only when all are equal (exit 0), else rolled back (exit 1). The SQLite file is only read.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "sqlite:PATH — the township's database file (fafang.sqlite), or the state directory holding it.")
    var from: String

    @Option(help: "postgresql — the store the configuration's [store] names.")
    var to: String

    var sqlitePath: String { String(from.dropFirst("sqlite:".count)) }

    func validate() throws {
        guard from.hasPrefix("sqlite:"), !sqlitePath.isEmpty else { throw ValidationError("--from must be sqlite:PATH") }
        guard to == "postgresql" else { throw ValidationError("--to must be postgresql (the store the configuration's [store] names)") }
    }

    func run() async throws {
        let configuration = try options.load()
        let outcome: StoreMigration.Outcome
        do {
            outcome = try await StoreMigration.migrate(sqlitePath: sqlitePath, settings: configuration.settings, configPath: options.path,
                                                       logger: Logger(label: "fafang") { _ in SwiftLogNoOpLogHandler() },
                                                       configurationDirectory: configuration.directory)
        } catch {
            StandardError.print("migrate: \(error)")
            throw ExitCode(1)
        }
        for line in outcome.lines { print(line) }
        if !outcome.committed { throw ExitCode(1) }
    }
}
