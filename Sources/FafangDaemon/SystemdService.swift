import Foundation
import Logging
import ServiceLifecycle

/// Tells systemd the daemon is ready, keeps its watchdog fed at half `WATCHDOG_USEC`, and says
/// STOPPING=1 when a graceful shutdown begins. A service of the daemon's group like the others.
public struct SystemdService: Service {
    let notifier: SystemdNotifier
    let status: @Sendable () -> String
    let logger: Logger

    public init(notifier: SystemdNotifier, logger: Logger, status: @escaping @Sendable () -> String) {
        self.notifier = notifier
        self.logger = logger
        self.status = status
    }

    public func run() async throws {
        guard notifier.isActive else {
            // Not under systemd: nothing to tell, but returning would end the group.
            try? await gracefulShutdown()
            return
        }
        notifier.ready(status: status())
        logger.info("told systemd we are ready", metadata: ["systemd.watchdog": "\(notifier.watchdogInterval.map { "\($0)" } ?? "off")"])
        await withGracefulShutdownHandler {
            let interval = notifier.watchdogInterval ?? .seconds(30)
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                if notifier.watchdogInterval != nil { notifier.watchdog() }
                notifier.status(status())
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        } onGracefulShutdown: {
            notifier.stopping()
        }
    }
}
