import ArgumentParser
import FafangConfig
import FafangDaemon
import Foundation
import Logging

/// `fafang run`: the long-running service.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the scheduler, the ledger inbox and the dispatcher until SIGTERM or SIGINT.",
        discussion: """
        SIGHUP re-reads the configuration (validated first; on any error the running one is kept and the errors logged). \
        On SIGTERM the sends in flight finish before exit. Logs go to standard error (journald), one line per state change.
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
            guard let date = ISO8601DateFormatter().date(from: clockStart) else {
                throw ValidationError("--clock-start must be ISO 8601 with a zone, e.g. 2021-01-01T08:00:00+08:00")
            }
            start = date
        }
        let configuration = try options.load()
        let clock = DaemonClock(start: start, rate: clockRate)
        let daemon: Daemon
        do {
            daemon = try Daemon(configuration: configuration, options: Daemon.Options(configPath: options.path, clock: clock, tickSeconds: tick),
                                logger: logger)
        } catch {
            StandardError.print("fafang run: \(error)")
            throw ExitCode(1)
        }
        logger.notice("fafang started", metadata: ["config.path": "\(options.path)", "config.projects": "\(configuration.projects.count)",
                                                   "clock.start": "\(clock.now)", "clock.rate": "\(clockRate)"])
        try await daemon.serviceGroup().run()
        await daemon.engine.shutdown(gracePeriod: .seconds(10))
        logger.notice("fafang stopped")
    }
}
