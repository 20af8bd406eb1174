import ArgumentParser
import FafangAdmin
import FafangConfig
import FafangCore
import FafangDaemon
import FafangDelivery
import FafangStore
import Foundation
import Logging

/// `fafang run`: the long-running service.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the scheduler, the ledger inbox, the dispatcher and the admin server until SIGTERM or SIGINT.",
        discussion: """
        SIGHUP re-reads the configuration (validated first; on any error the running one is kept and the errors logged). \
        On SIGTERM the sends in flight finish before exit. Logs go to standard error (journald), one line per state change. \
        With an [admin] table, the admin HTTP server (receipts, /metrics, /healthz, the ledger API) listens on its address; \
        its address and token are read at start only.
        """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "Start a virtual clock at this instant (ISO 8601, e.g. 2021-01-01T08:00:00+08:00) to rehearse a year.")
    var clockStart: String?

    @Option(help: "Virtual seconds per real second (with --clock-start; 86400 runs a day per second).")
    var clockRate: Double = 1

    @Option(help: "Virtual seconds between scheduler runs.")
    var tick: Double = 60

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    /// An ISO 8601 instant with a zone, with or without fractional seconds.
    static func instant(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level: unknown level \(logLevel)") }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "fafang")
        var start: Date?
        if let clockStart {
            guard let date = Self.instant(clockStart) else {
                throw ValidationError("--clock-start must be ISO 8601 with a zone, e.g. 2021-01-01T08:00:00+08:00 (fractional seconds allowed)")
            }
            start = date
        }
        let load = Runtime.load(path: options.path, clockRate: clockStart == nil ? 1 : clockRate)
        guard let runtime = load.runtime else {
            for diagnostic in load.diagnostics { StandardError.print(diagnostic.description) }
            StandardError.print("\(options.path): \(load.errors.count) error(s); run `fafang check` for details")
            throw ExitCode(1)
        }
        let clock = DaemonClock(start: start, rate: clockRate)
        // One daemon per SQLite store, and none while `fafang restore` runs; a damaged file is
        // refused before anything opens it for writing.
        var stateLock: StateLock?
        if case .sqlite = runtime.configuration.settings.store {
            stateLock = try Self.lockAndCheck(runtime.configuration.settings)
        }
        let store: any Store
        do {
            store = try await StoreOpener.open(runtime.configuration.settings, logger: logger,
                                                     configurationDirectory: runtime.configuration.directory)
        } catch {
            StandardError.print("fafang run: \(error)")
            throw ExitCode(1)
        }
        if let shared = store as? any SharedStore {
            // Before anything is claimed: every daemon goes by the database's time.
            do {
                try await ClockFollowingService.follow(shared, clock: clock, logger: logger)
            } catch {
                StandardError.print("fafang run: cannot read the database's time: \(error)")
                throw ExitCode(1)
            }
        }
        let assembled: DaemonBuilder.Assembled
        do {
            assembled = try DaemonBuilder.build(runtime: runtime, store: store, options: Daemon.Options(configPath: options.path, clock: clock, tickSeconds: tick),
                                                logger: logger)
        } catch {
            StandardError.print("fafang run: \(error)")
            throw ExitCode(1)
        }
        if assembled.admin != nil { assembled.metrics.bootstrapMetricsSystem() }
        let settings = runtime.configuration.settings
        logger.notice("fafang started", metadata: ["config.path": "\(options.path)", "config.projects": "\(runtime.configuration.projects.count)",
                                                   "clock.start": "\(clock.now)", "clock.rate": "\(clockRate)",
                                                   "outbox.owner": "\(assembled.daemon.dispatcher.owner)",
                                                   "store.kind": "\(settings.store.kindName)",
                                                   "admin.listen": "\(settings.admin.map { "\($0.listen)" } ?? "off")",
                                                   "calendar.covered": "\(runtime.configuration.holidayCalendar?.coverageDescription ?? "no calendar")"])
        try await assembled.run()
        logger.notice("fafang stopped")
        withExtendedLifetime(stateLock) {}
    }

    /// Takes the state directory's lock, then runs `quick_check` on the database read-only.
    static func lockAndCheck(_ settings: Settings) throws -> StateLock {
        let lock: StateLock
        do {
            lock = try StateLock(directory: settings.stateDirectory)
        } catch {
            StandardError.print("fafang run: refused: \(error)")
            throw ExitCode(1)
        }
        try ConfigOptions.refuseDamagedStore(settings, command: "fafang run")
        return lock
    }
}
