import FafangConfig
import FafangCore
import FafangDaemon
import Foundation
import Hummingbird
import Logging

/// The admin HTTP server: a Hummingbird application, itself a ServiceLifecycle `Service` that
/// `fafang run` adds to the daemon's service group.
public typealias AdminApplication = Application<RouterResponder<AdminRequestContext>>

/// What the admin server reads and writes: the daemon's own store, configuration and metrics.
public struct AdminDependencies: Sendable {
    public var store: any Store
    /// The running runtime (swapped on SIGHUP): the ledger API checks payments against its configuration.
    public var runtime: LiveConfiguration<Runtime>
    public var metrics: AdminMetrics
    /// What `/receipts/*` and `/v1/ledger` must present.
    public var token: AdminToken
    /// The daemon's clock (a virtual one when rehearsing a year).
    public var clock: DaemonClock
    /// The operators' console; nil: none (it is also left out while no operator is configured).
    public var console: ConsoleDependencies?
    /// The kept view of the ledger the console's pages read.
    public var summary: LedgerSummary
    /// Answers households' inbound SMS (`/inquiries/*`); nil: those routes are not served.
    public var inquiries: InquiryService?
    /// The daemon's: told of writes that fail for lack of space (answered 503), read by `/metrics`.
    public var storeHealth: StoreHealth

    public init(store: any Store, runtime: LiveConfiguration<Runtime>, metrics: AdminMetrics, token: AdminToken, clock: DaemonClock,
                console: ConsoleDependencies? = nil, summary: LedgerSummary? = nil, inquiries: InquiryService? = nil,
                storeHealth: StoreHealth? = nil) {
        self.inquiries = inquiries
        self.storeHealth = storeHealth ?? StoreHealth()
        self.store = store
        self.runtime = runtime
        self.metrics = metrics
        self.token = token
        self.clock = clock
        self.console = console
        self.summary = summary ?? LedgerSummary(store: store, runtime: runtime)
    }
}

/// The admin routes:
///
/// | route | auth | what |
/// |---|---|---|
/// | `GET /healthz` | — | 200 while the database can be read, else 503 |
/// | `GET /metrics` | — | Prometheus text (`AdminMetrics`) |
/// | `GET /receipts/kannel` | token | Kannel delivery reports |
/// | `POST /receipts/aliyun` | token | Aliyun SMS status reports |
/// | `POST /receipts/tencent` | token | Tencent SMS status callbacks |
/// | `GET`/`POST /inquiries/kannel`, `POST /inquiries/aliyun`, `/inquiries/tencent` | token | households' inbound SMS (`[inquiry]`) |
/// | `POST /v1/ledger` | token | payments from the bank-side system |
/// | `/console/…` | operator session | the office's web console (`Console`), when operators are configured |
/// | `GET /console/static/console.css` | — | the console's and the public pages' stylesheet |
/// | `GET /public/`, `/public/report` | — | the village transparency report (公示), when `[console] public_report` |
///
/// A request body over `settings.maxBodyBytes` (the console's upload: `[console]
/// max_upload_bytes`) is refused with 413, a wrong or missing token with 401, an unknown path
/// with 404. A request whose write failed for lack of space is answered 503 with Retry-After
/// (`StoreSpaceMiddleware`).
public func buildAdminRouter(settings: AdminSettings, dependencies: AdminDependencies, logger: Logger) -> Router<AdminRequestContext> {
    let router = Router(context: AdminRequestContext.self)
    let console = dependencies.console.flatMap { console -> Console? in
        guard !dependencies.runtime.current.configuration.operators.isEmpty else {
            logger.notice("no operator accounts: the console is not served")
            return nil
        }
        return Console(store: dependencies.store, runtime: dependencies.runtime, clock: dependencies.clock, dependencies: console,
                       summary: dependencies.summary)
    }
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: MetricsMiddleware())
    let runtime = dependencies.runtime
    router.add(middleware: StoreSpaceMiddleware(health: dependencies.storeHealth, township: { runtime.current.configuration.settings.townshipName }))
    router.add(middleware: BodyLimitMiddleware(maxBytes: settings.maxBodyBytes,
                                               routeLimits: console.map { [Console.uploadPath: $0.maxUploadBytes] } ?? [:]))
    console?.add(to: router)

    StatusController(store: dependencies.store, runtime: dependencies.runtime, metrics: dependencies.metrics,
                     clock: dependencies.clock, storeHealth: dependencies.storeHealth).add(to: router)

    // The stylesheet of the console and of the public pages (served with or without operators).
    router.get(RouterPath(ConsoleStyle.path)) { _, _ in ConsoleStyle.response }
    PublicController(summary: dependencies.summary, runtime: dependencies.runtime, clock: dependencies.clock).add(to: router)

    let recorder = ReceiptRecorder(store: dependencies.store, metrics: dependencies.metrics, clock: dependencies.clock)
    let receipts = router.group("receipts").add(middleware: AdminAuthMiddleware(token: dependencies.token))
    KannelReceiptController(recorder: recorder).add(to: receipts)
    AliyunReceiptController(recorder: recorder, maxBodyBytes: settings.maxBodyBytes).add(to: receipts)
    TencentReceiptController(recorder: recorder, maxBodyBytes: settings.maxBodyBytes).add(to: receipts)

    if let inquiries = dependencies.inquiries {
        let intake = router.group("inquiries").add(middleware: AdminAuthMiddleware(token: dependencies.token))
        InquiryController(service: inquiries, maxBodyBytes: settings.maxBodyBytes).add(to: intake)
    }

    let api = router.group("v1").add(middleware: AdminAuthMiddleware(token: dependencies.token))
    let ledger = LedgerService(store: dependencies.store, logger: logger, storeHealth: dependencies.storeHealth)
    LedgerController(service: ledger, runtime: dependencies.runtime, clock: dependencies.clock,
                     maxBodyBytes: settings.maxBodyBytes).add(to: api)
    return router
}

/// The admin server listening on `settings.listen` (`127.0.0.1:8088` unless configured). `main`
/// builds it and adds it to the daemon's services; tests call the same builder (with port 0, or
/// through HummingbirdTesting's router client). Once bound it logs the address and tells
/// `onListening` (with the real port when 0 was asked for).
public func buildAdminApplication(settings: AdminSettings, dependencies: AdminDependencies, logger: Logger,
                                  onListening: @escaping @Sendable (ListenAddress) async -> Void = { _ in }) -> AdminApplication {
    let router = buildAdminRouter(settings: settings, dependencies: dependencies, logger: logger)
    let configured = settings.listen
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(configured.host, port: configured.port), serverName: nil),
        onServerRunning: { channel in
            let address = ListenAddress(host: configured.host, port: channel.localAddress?.port ?? configured.port)
            logger.notice("admin server listening", metadata: ["admin.address": "\(address)"])
            await onListening(address)
        },
        logger: logger
    )
}
