import FafangConfig
import FafangCore
import FafangDaemon
import Foundation
import Hummingbird
import Logging

/// 审核: `/console/batches` and `/console/batches/:id`, and the decisions posted from it. Who may
/// decide is `ApprovalRule.refusal` against the batch as it is now (a viewer, a clerk or an
/// approver who recorded payments of it is refused, with the reason); the count the approver saw
/// goes to the store as `expectedCount`. Every decision is audited; an approval wakes the dispatcher.
struct BatchesController: Sendable {
    let parts: ConsoleParts

    func add<Context: RemoteAddressRequestContext>(to router: Router<Context>) {
        router.get("/console/batches") { request, context in
            try await parts.access.page(request, logger: context.logger) { session in
                let open = try await parts.store.approvalBatches(states: [.open], limit: 200)
                let decided = try await parts.store.approvalBatches(states: [.approved, .rejected], limit: 50)
                return BatchListPage.render(open: open, decided: decided, configuration: parts.runtime.current.configuration, session: session).response()
            }
        }
        router.get("/console/batches/:id") { request, context in
            try await parts.access.page(request, logger: context.logger) { session in
                guard let id = context.parameters.get("id", as: Int64.self), let batch = try await parts.store.approvalBatch(id: id) else {
                    return parts.access.message(.notFound, "没有这个批次", "没有这个批次。", session: session, link: ("/console/batches", "返回审核"))
                }
                let notice: HTML
                switch FormFields(encoded: request.uri.query ?? "")["done"] {
                case "approved": notice = ConsoleLayout.notice("已通过：短信将陆续发出。")
                case "rejected": notice = ConsoleLayout.notice("已退回：这些短信不会发出。")
                default: notice = ""
                }
                return try await page(batch, session: session, notice: notice).response()
            }
        }
        for verdict in ["approve", "reject"] {
            router.post("/console/batches/:id/\(verdict)") { request, context in
                try await parts.access.action(request, logger: context.logger, role: .viewer) { session, form in
                    try await decide(verdict, id: context.parameters.get("id", as: Int64.self), form: form, session: session, logger: context.logger)
                }
            }
        }
    }

    private func page(_ batch: ApprovalBatch, session: ConsoleSession, notice: HTML) async throws -> HTML {
        let sample = try await parts.store.batchMessages(id: batch.id, limit: BatchPage.sampleSize)
        return BatchPage.render(batch: batch, sample: sample, configuration: parts.runtime.current.configuration, session: session, notice: notice)
    }

    private func decide(_ verdictName: String, id: Int64?, form: FormFields, session: ConsoleSession, logger: Logger) async throws -> Response {
        guard let id, let batch = try await parts.store.approvalBatch(id: id) else {
            return parts.access.message(.notFound, "没有这个批次", "没有这个批次。", session: session, link: ("/console/batches", "返回审核"))
        }
        guard let expected = form.text("expected").flatMap(Int.init) else {
            return try await page(batch, session: session, notice: ConsoleLayout.notice("表单缺少条数，请刷新页面后重新审核。", error: true))
                .response(status: .badRequest)
        }
        let verdict: BatchDecision.Verdict
        if verdictName == "approve" {
            verdict = .approve
        } else {
            guard let reason = form.text("reason"), reason.count <= 500 else {
                return try await page(batch, session: session, notice: ConsoleLayout.notice("请填写退回原因（不超过 500 字）。", error: true))
                    .response(status: .badRequest)
            }
            verdict = .reject(reason: reason)
        }
        // Decided as the approver saw it: with the count their page showed.
        var shown = batch
        shown.messageCount = expected
        let account = OperatorAccount(name: session.account, displayName: session.displayName, role: session.role, passwordHash: nil)
        let approvals = ApprovalService(store: parts.store, logger: logger, released: { parts.hooks.outboxChanged() })
        switch try await approvals.decide(shown, verdict, by: account, now: parts.clock.now, auditedAt: parts.auditor.clock.now) {
        case let .failure(refusal):
            return try await refused(refusal, batch: try await parts.store.approvalBatch(id: id) ?? batch, session: session)
        case .success:
            return ConsoleAccess.redirect(to: "/console/batches/\(id)?done=\(verdictName == "approve" ? "approved" : "rejected")")
        }
    }

    private func refused(_ refusal: ApprovalRefusal, batch: ApprovalBatch, session: ConsoleSession) async throws -> Response {
        let status: HTTPResponse.Status
        switch refusal {
        case .notApprover, .recordedByDecider: status = .forbidden
        case .alreadyDecided, .changed: status = .conflict
        case .notFound: status = .notFound
        }
        return try await page(batch, session: session, notice: ConsoleLayout.notice(ConsoleText.refusal(refusal), error: true)).response(status: status)
    }
}
