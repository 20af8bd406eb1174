import FafangConfig
import FafangCore
import FafangDaemon
import Hummingbird
import Logging

/// The finance office's web console on the admin server (`/console/…`): login, 审核, 发送记录,
/// 外发队列, 录入付款 and 审计日志, server-rendered in Chinese, with its stylesheet. `access` and
/// `ConsoleLayout` are what the other console pages (总览, projects, 公示) are built with.
///
/// | route | role | what |
/// |---|---|---|
/// | `GET /console/login`, `POST /console/login` | — | the login form (CSRF by a short cookie), throttled |
/// | `GET /console/` | viewer | 总览: every project's paid against plan, next milestone, grade, chart |
/// | `GET /console/projects/:code?offset=N` | viewer | a project: milestones, villages, unpaid payees (masked), chart |
/// | `POST /console/logout` | viewer | ends the session |
/// | `GET /console/batches`, `GET /console/batches/:id` | viewer | held batches, one batch with a sample |
/// | `POST /console/batches/:id/approve`, `…/reject` | approver, not a recorder of the batch | decides it |
/// | `GET /console/deliveries` | viewer | messages with attempts and reports |
/// | `GET /console/outbox` | viewer | counts, dead and failed messages, paused gateways |
/// | `POST /console/outbox/retry`, `POST /console/outbox/resume` | clerk | sends one again, resumes a gateway |
/// | `GET /console/ledger`, `POST /console/ledger` | viewer, clerk | uploads a bank or ledger file |
/// | `GET /console/audit` | viewer | operator actions |
public struct Console: Sendable {
    let parts: ConsoleParts

    /// What the other console pages check sessions and roles with.
    public var access: ConsoleAccess { parts.access }

    /// - Parameters:
    ///   - clock: the daemon's clock, for what is written with messages (a virtual one when rehearsing).
    ///   - summary: the kept ledger view of the overview and project pages.
    public init(store: any Store, runtime: LiveConfiguration<Runtime>, clock: DaemonClock, dependencies: ConsoleDependencies,
                summary: LedgerSummary) {
        parts = ConsoleParts(access: ConsoleAccess(sessions: ConsoleSessions(clock: dependencies.wallClock), runtime: runtime), store: store,
                             runtime: runtime, clock: clock, auditor: ConsoleAuditor(store: store, clock: dependencies.wallClock),
                             ledger: dependencies.ledger, hooks: dependencies.hooks, summary: summary)
    }

    /// The largest upload, for the body limit of `POST /console/ledger`.
    public var maxUploadBytes: Int { parts.runtime.current.configuration.settings.console.maxUploadBytes }

    /// The path whose body may be as large as `maxUploadBytes`.
    public static let uploadPath = "/console/ledger"

    public func add<Context: RemoteAddressRequestContext>(to router: Router<Context>) {
        LoginController(parts: parts).add(to: router)
        ProgressController(parts: parts).add(to: router)
        BatchesController(parts: parts).add(to: router)
        DeliveriesController(parts: parts).add(to: router)
        OutboxController(parts: parts).add(to: router)
        LedgerUploadController(parts: parts).add(to: router)
        AuditController(parts: parts).add(to: router)
    }
}
