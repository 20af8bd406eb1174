import FafangCore
import FafangDaemon

/// What the console's controllers share: access checks, the store, the running runtime, the
/// daemon's clock, the audit log, the ledger service and the daemon's hooks.
struct ConsoleParts: Sendable {
    let access: ConsoleAccess
    let store: any Store
    let runtime: LiveConfiguration<Runtime>
    /// The daemon's clock, for what is written with messages (a virtual one when rehearsing).
    let clock: DaemonClock
    let auditor: ConsoleAuditor
    let ledger: LedgerService
    let hooks: ConsoleHooks
    /// The kept ledger view the overview, project and 公示 pages read.
    let summary: LedgerSummary
}
