import Foundation
import Logging
import ServiceLifecycle

/// Tells systemd the daemon is ready, keeps its watchdog fed at half `WATCHDOG_USEC`, and says
/// STOPPING=1 when a graceful shutdown begins. A service of the daemon's group like the others.
public struct SystemdService: Service {
    let notifier: SystemdNotifier
    let status: @Sendable () async -> String
    let logger: Logger
    let ready: ReadySignal
    let statusChanged: WakeSignal?

    /// - Parameters:
    ///   - ready: READY=1 goes once it opens (everything that must listen does).
    ///   - statusChanged: when signalled, STATUS is sent again at once (the store ran out of space).
    public init(notifier: SystemdNotifier, logger: Logger, ready: ReadySignal = ReadySignal.opened(), statusChanged: WakeSignal? = nil,
                status: @escaping @Sendable () async -> String) {
        self.statusChanged = statusChanged
        self.notifier = notifier
        self.logger = logger
        self.ready = ready
        self.status = status
    }

    public func run() async throws {
        guard notifier.isActive else {
            // Not under systemd: nothing to tell, but returning would end the group.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown { await ready.wait() }
        guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return }
        // READY=1 waits on nothing else: the first status reads the store, which a loaded
        // machine or a scheduler catching up can keep busy for seconds (a CI run saw > 10 s).
        notifier.ready(status: "running")
        logger.info("told systemd we are ready", metadata: ["systemd.watchdog": "\(notifier.watchdogInterval.map { "\($0)" } ?? "off")"])
        await withGracefulShutdownHandler {
            let interval = notifier.watchdogInterval ?? .seconds(30)
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                if notifier.watchdogInterval != nil { notifier.watchdog() }
                notifier.status(await status())
                if let statusChanged {
                    await cancelWhenGracefulShutdown { await statusChanged.wait(timeout: interval) }
                } else {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                }
            }
        } onGracefulShutdown: {
            notifier.stopping()
        }
    }
}
