import FafangConfig
import FafangCore
import FafangDaemon
import Foundation
import Hummingbird
import Logging

/// The village transparency report (村务公开, 公示), read-only and open without a login when
/// `[console] public_report` is on (the default): `GET /public/` lists villages and projects,
/// `GET /public/report?project=CODE&village=NAME` is one report, laid out for an A4 notice board.
/// It shows only what a 公示栏 shows: totals, and names masked (张*华) with amounts where the
/// project's `[publicity] list_payees` allows it; never a phone, an id or a card.
struct PublicController: Sendable {
    let summary: LedgerSummary
    let runtime: LiveConfiguration<Runtime>
    let clock: DaemonClock

    func add<Context: RequestContext>(to router: Router<Context>) {
        let group = router.group("public")
        group.get("/") { _, context in try await self.index(logger: context.logger) }
        group.get("report") { request, context in try await self.report(request, logger: context.logger) }
    }

    func index(logger: Logger) async throws -> Response {
        let (pages, configuration) = ProgressPages.current(runtime, clock: clock)
        guard configuration.settings.console.publicReport else { return Self.notPublished(configuration) }
        try await summary.refresh()
        let body = pages.publicIndex(figures: await summary.projects())
        return Self.page(title: "\(configuration.settings.townshipName) 村务公开", configuration: configuration, body: body).response()
    }

    func report(_ request: Request, logger: Logger) async throws -> Response {
        let (pages, configuration) = ProgressPages.current(runtime, clock: clock)
        guard configuration.settings.console.publicReport else { return Self.notPublished(configuration) }
        let query = FormFields(encoded: request.uri.query ?? "")
        let code = query["project"] ?? ""
        let villageName = query["village"] ?? ""
        try await summary.refresh()
        guard let configured = configuration.project(code: code),
              let figures = await summary.project(code),
              let village = figures.villages.first(where: { $0.name == villageName })
        else {
            return Self.page(title: "未找到", configuration: configuration, body: "<p>没有这个村或项目的公示。<a href=\"/public/\">返回</a></p>")
                .response(status: .notFound)
        }
        let paid = configured.publicity.listPayees ? await summary.paid(project: code, village: village.name) : []
        let body = pages.publicReport(configured, village: village, paid: paid,
                                      standard: ProgressPages.derivedStandard(configured, village: village.name))
        return Self.page(title: "\(village.name) \(configured.project.name) 公示", configuration: configuration, body: body).response()
    }

    static func notPublished(_ configuration: Configuration) -> Response {
        page(title: "未开放", configuration: configuration, body: "<p>本站未开放公示页面。</p>").response(status: .notFound)
    }

    /// The public pages' frame: no navigation, no operator, printable.
    static func page(title: String, configuration: Configuration, body: HTML) -> HTML {
        ConsoleLayout.bare(title: title, township: configuration.settings.townshipName, body: "<div class=\"public\">\(body)</div>")
    }
}
