import FafangCore
import FafangDaemon

/// What the console needs beyond the admin server's own dependencies: the ledger service its
/// uploads go through, the wall clock of sessions and the audit log, and what to tell the
/// daemon after an operator's action.
public struct ConsoleDependencies: Sendable {
    public var ledger: LedgerService
    /// Sessions, lockouts and audit times: real time even when the daemon rehearses a year.
    public var wallClock: any InstantClock
    public var hooks: ConsoleHooks

    public init(ledger: LedgerService, wallClock: any InstantClock = WallClock(), hooks: ConsoleHooks = ConsoleHooks()) {
        self.ledger = ledger
        self.wallClock = wallClock
        self.hooks = hooks
    }
}

/// What the console tells the running daemon after an operator acted (nothing by default).
public struct ConsoleHooks: Sendable {
    /// Messages became due now (a batch approved, a message retried, a gateway resumed): wake the dispatcher.
    public var outboxChanged: @Sendable () -> Void
    /// Payments were recorded: wake the scheduler, so their notices are enqueued now.
    public var ledgerRecorded: @Sendable () -> Void
    /// An operator resumed a gateway: its health as the store now has it.
    public var gatewayResumed: @Sendable (GatewayHealth) -> Void

    public init(outboxChanged: @escaping @Sendable () -> Void = {}, ledgerRecorded: @escaping @Sendable () -> Void = {},
                gatewayResumed: @escaping @Sendable (GatewayHealth) -> Void = { _ in }) {
        self.outboxChanged = outboxChanged
        self.ledgerRecorded = ledgerRecorded
        self.gatewayResumed = gatewayResumed
    }

    /// The hooks of a running daemon: its wake signals and its dispatcher.
    public init(daemon: Daemon) {
        let dispatcherWake = daemon.dispatcherWake
        let schedulerWake = daemon.schedulerWake
        let dispatcher = daemon.dispatcher
        self.init(outboxChanged: { dispatcherWake.signal() }, ledgerRecorded: { schedulerWake.signal() },
                  gatewayResumed: { dispatcher.adopt($0) })
    }
}
