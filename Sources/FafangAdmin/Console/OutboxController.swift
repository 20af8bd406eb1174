import FafangConfig
import FafangCore
import FafangDaemon
import Foundation
import Hummingbird
import Logging

/// 外发队列: `/console/outbox`, and a clerk's 重试 (`parts.store.retryDead(id:)`) and 恢复
/// (`parts.store.resume(gateway:)`), each audited and waking the dispatcher.
struct OutboxController: Sendable {
    static let endedShown = 100

    let parts: ConsoleParts

    func add<Context: RemoteAddressRequestContext>(to router: Router<Context>) {
        router.get("/console/outbox") { request, context in
            try await parts.access.page(request, logger: context.logger) { session in
                let notice: HTML
                switch FormFields(encoded: request.uri.query ?? "")["done"] {
                case "retried": notice = ConsoleLayout.notice("已重新排队发送。")
                case "resumed": notice = ConsoleLayout.notice("通道已恢复，等待中的消息将立即发送。")
                case "unchanged": notice = ConsoleLayout.notice("没有变化：该消息已不在失败状态，或通道已不在暂停状态。", error: true)
                default: notice = ""
                }
                return try await page(session: session, notice: notice).response()
            }
        }
        router.post("/console/outbox/retry") { request, context in
            try await parts.access.action(request, logger: context.logger, role: .clerk) { session, form in
                guard let id = form.text("id").flatMap({ Int64($0) }) else {
                    return parts.access.message(.badRequest, "无法重试", "表单缺少消息编号。", session: session, link: ("/console/outbox", "返回外发队列"))
                }
                let count = try await parts.store.retryDead(id: id, clock: parts.clock)
                guard count > 0 else { return ConsoleAccess.redirect(to: "/console/outbox?done=unchanged") }
                await parts.auditor.record(actor: session.account, action: "retry", subject: "message:\(id)", logger: context.logger)
                parts.hooks.outboxChanged()
                return ConsoleAccess.redirect(to: "/console/outbox?done=retried")
            }
        }
        router.post("/console/outbox/resume") { request, context in
            try await parts.access.action(request, logger: context.logger, role: .clerk) { session, form in
                guard let gateway = form.text("gateway") else {
                    return parts.access.message(.badRequest, "无法恢复", "表单缺少通道名称。", session: session, link: ("/console/outbox", "返回外发队列"))
                }
                guard try await parts.store.resume(gateway: gateway, now: parts.clock.now) else { return ConsoleAccess.redirect(to: "/console/outbox?done=unchanged") }
                await parts.auditor.record(actor: session.account, action: "resume", subject: "gateway:\(gateway)", logger: context.logger)
                parts.hooks.gatewayResumed(try await parts.store.health(of: gateway))
                parts.hooks.outboxChanged()
                return ConsoleAccess.redirect(to: "/console/outbox?done=resumed")
            }
        }
    }

    private func page(session: ConsoleSession, notice: HTML) async throws -> HTML {
        let counts = try await parts.store.outboxCounts()
        let dead = try await parts.store.deliveries(DeliveryFilter(state: .dead, limit: Self.endedShown))
        let failed = try await parts.store.deliveries(DeliveryFilter(state: .failed, limit: Self.endedShown))
        let ended = Array((dead + failed).sorted { $0.message.id > $1.message.id }.prefix(Self.endedShown))
        let paused = try await parts.store.gatewayHealth().filter(\.isPaused).sorted { $0.name < $1.name }
        return OutboxPage.render(counts: counts, ended: ended, paused: paused, configuration: parts.runtime.current.configuration,
                                 session: session, notice: notice)
    }
}
