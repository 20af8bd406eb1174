import FafangConfig
import FafangCore
import FafangDaemon
import Hummingbird

/// 审计日志: `/console/audit?before=ID`, newest first, a page at a time.
struct AuditController: Sendable {
    let parts: ConsoleParts

    func add<Context: RemoteAddressRequestContext>(to router: Router<Context>) {
        router.get("/console/audit") { request, context in
            try await parts.access.page(request, logger: context.logger) { session in
                let before = FormFields(encoded: request.uri.query ?? "").text("before").flatMap { Int64($0) }
                let entries = try await parts.store.auditLog(limit: AuditPage.pageSize, before: before)
                return AuditPage.render(entries: entries, configuration: parts.runtime.current.configuration, session: session).response()
            }
        }
    }
}
