import FafangConfig
import FafangCore
import FafangDaemon
import Foundation
import Hummingbird

/// 总览 (`/console/`) and a project's page (`/console/projects/:code?offset=N`, the unpaid
/// payees a page of 50 at a time): read from the kept ledger view, refreshed first with what
/// was recorded since the last request.
struct ProgressController: Sendable {
    let parts: ConsoleParts
    static let pageSize = 50

    func add<Context: RemoteAddressRequestContext>(to router: Router<Context>) {
        router.get("/console") { request, context in try await overview(request, context) }
        router.get("/console/projects/:code") { request, context in
            try await parts.access.page(request, logger: context.logger) { session in
                let (pages, configuration) = ProgressPages.current(parts.runtime, clock: parts.clock)
                guard let code = context.parameters.get("code"), let configured = configuration.project(code: code) else {
                    return parts.access.message(.notFound, "未找到", "没有这个项目。", session: session, link: ("/console/", "返回总览"))
                }
                try await parts.summary.refresh()
                let offset = max(0, FormFields(encoded: request.uri.query ?? "").text("offset").flatMap { Int($0) } ?? 0)
                let figures = await parts.summary.project(code)
                let unpaid = await parts.summary.unpaid(project: code, offset: offset, limit: Self.pageSize)
                let body = pages.project(configured, figures: figures, unpaid: unpaid, offset: offset, pageSize: Self.pageSize)
                return ConsoleLayout.page(title: configured.project.name, township: configuration.settings.townshipName, session: session,
                                          active: .overview, body: body).response()
            }
        }
    }

    private func overview<Context: RequestContext>(_ request: Request, _ context: Context) async throws -> Response {
        try await parts.access.page(request, logger: context.logger) { session in
            let (pages, configuration) = ProgressPages.current(parts.runtime, clock: parts.clock)
            try await parts.summary.refresh()
            let body = pages.overview(figures: await parts.summary.projects())
            return ConsoleLayout.page(title: "总览", township: configuration.settings.townshipName, session: session, active: .overview,
                                      body: body).response()
        }
    }
}
