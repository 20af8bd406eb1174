import ArgumentParser
import FafangAdmin
import FafangConfig
import FafangDaemon
import FafangDelivery
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
        let metrics = AdminMetrics()
        let daemon: Daemon
        var admin: AdminApplication?
        do {
            daemon = try Daemon(configuration: configuration,
                                options: Daemon.Options(configPath: options.path, clock: clock, tickSeconds: tick, metrics: metrics),
                                logger: logger)
            if let settings = configuration.settings.admin {
                let token = try AdminToken.load(settings.token)
                var adminLogger = logger
                adminLogger[metadataKey: "component"] = "admin"
                metrics.bootstrapMetricsSystem()
                admin = buildAdminApplication(settings: settings, dependencies: AdminDependencies(
                    database: daemon.database, configuration: daemon.configuration, metrics: metrics, token: token, clock: { clock.now }),
                    logger: adminLogger)
            }
        } catch let error as SecretLoadError {
            StandardError.print("fafang run: admin.token: \(error)")
            throw ExitCode(1)
        } catch {
            StandardError.print("fafang run: \(error)")
            throw ExitCode(1)
        }
        logger.notice("fafang started", metadata: ["config.path": "\(options.path)", "config.projects": "\(configuration.projects.count)",
                                                   "clock.start": "\(clock.now)", "clock.rate": "\(clockRate)",
                                                   "admin.listen": "\(configuration.settings.admin.map { "\($0.listen)" } ?? "off")"])
        try await daemon.serviceGroup(extraServices: admin.map { [$0] } ?? []).run()
        await daemon.engine.shutdown(gracePeriod: .seconds(10))
        logger.notice("fafang stopped")
    }
}
