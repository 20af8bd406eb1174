import FafangAdmin
import FafangCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// 审核: who may decide a batch (`ApprovalRule.refusal`, enforced on the server), the count seen
/// passed as `expectedCount`, every decision audited, an approval waking the dispatcher.
@Suite("Console: approving batches", .serialized)
struct ConsoleApprovalTests {
    /// An open batch of 3 held messages recorded by 张会计 (zhangkj) and 赵副所长 (zhaosz).
    static func rigWithBatch() throws -> ConsoleRig {
        let rig = try ConsoleRig()
        rig.store.addBatch(id: 7, recordedBy: ["zhangkj", "zhaosz"], messages: (1...3).map { ConsoleRig.heldMessage(id: $0, segments: $0 == 3 ? 2 : 1) },
                           total: .yuan(6480))
        return rig
    }

    @Test func anApproverApprovesWhatTheySaw() async throws {
        let rig = try Self.rigWithBatch()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let approver = try await ConsoleBrowser.login(client, account: "lisz")
            let page = try await approver.get("/console/batches/7")
            #expect(page.status == .ok)
            let body = String(buffer: page.body)
            #expect(body.contains("<dt>短信条数</dt><dd data-count=\"3\">3 条</dd>"))
            #expect(body.contains("6,480.00 元"))
            #expect(body.contains("<dt>计费条数</dt><dd>4 条"))
            #expect(body.contains("张会计（zhangkj）、赵副所长（zhaosz）"))
            #expect(body.contains("action=\"/console/batches/7/approve\""))
            #expect(body.contains("name=\"expected\" value=\"3\""))

            let response = try await approver.post("/console/batches/7/approve", [("expected", "3")])
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/console/batches/7?done=approved")
            let after = String(buffer: try await approver.get("/console/batches/7?done=approved").body)
            #expect(after.contains("已通过"))
            #expect(!after.contains("action=\"/console/batches/7/approve\""))
        }
        #expect(rig.store.state.decisions == [BatchDecision(batchID: 7, verdict: .approve, decidedBy: "lisz", expectedCount: 3)])
        #expect(rig.store.state.batches[7]?.state == .approved)
        let entry = try #require(rig.store.state.audit.last)
        #expect(entry.action == "batch_approve" && entry.actor == "lisz" && entry.subject == "batch 7")
        #expect(entry.detail.contains("3 messages"), "audited as the CLI audits it (ApprovalService)")
        #expect(rig.hooks.outboxChanged.withLock { $0 } == 1, "the dispatcher is woken")
    }

    @Test("a decision the full disk keeps from being written: a Chinese page, 503 with Retry-After, nothing decided; the same form later goes through")
    func aFullDiskIsSaidInChinese() async throws {
        let rig = try Self.rigWithBatch()
        defer { rig.remove() }
        rig.store.outOfSpace.withLock { $0 = true }
        try await rig.application().test(.router) { client in
            let approver = try await ConsoleBrowser.login(client, account: "lisz")
            let refused = try await approver.post("/console/batches/7/approve", [("expected", "3")])
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] == "60")
            #expect(refused.headers[.contentType]?.hasPrefix("text/html") == true)
            let page = String(buffer: refused.body)
            #expect(page.contains("服务器磁盘已满") && page.contains("没有保存") && page.contains("href=\"/console/\""), "\(page)")
            #expect(rig.store.state.batches[7]?.state == .open)

            rig.store.outOfSpace.withLock { $0 = false }
            #expect(try await approver.post("/console/batches/7/approve", [("expected", "3")]).status == .seeOther)
        }
        #expect(rig.store.state.batches[7]?.state == .approved)
        #expect(rig.admin.log.text.contains("request not recorded: the database has no space left"))
    }

    @Test func rejectingNeedsAReasonAndKeepsIt() async throws {
        let rig = try Self.rigWithBatch()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let approver = try await ConsoleBrowser.login(client, account: "lisz")
            #expect(try await approver.post("/console/batches/7/reject", [("expected", "3"), ("reason", "  ")]).status == .badRequest)
            let response = try await approver.post("/console/batches/7/reject", [("expected", "3"), ("reason", "金额与银行回单不符")])
            #expect(response.status == .seeOther)
        }
        #expect(rig.store.state.batches[7]?.state == .rejected)
        #expect(rig.store.state.batches[7]?.reason == "金额与银行回单不符")
        #expect(rig.store.state.audit.last?.action == "batch_reject")
        #expect(rig.store.state.audit.last?.detail.contains("金额与银行回单不符") == true)
        #expect(rig.hooks.outboxChanged.withLock { $0 } == 0)
    }

    @Test("a viewer is refused with 403, and sees no forms")
    func viewer() async throws {
        let rig = try Self.rigWithBatch()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let viewer = try await ConsoleBrowser.login(client, account: "wangcn")
            let page = String(buffer: try await viewer.get("/console/batches/7").body)
            #expect(!page.contains("/approve"))
            #expect(page.contains("只有审核人可以通过或退回批次"))
            let response = try await viewer.post("/console/batches/7/approve", [("expected", "3")])
            #expect(response.status == .forbidden)
            #expect(String(buffer: response.body).contains("只有审核人可以通过或退回批次"))
        }
        #expect(rig.store.state.decisions.isEmpty)
        #expect(rig.store.state.batches[7]?.state == .open)
    }

    @Test("a clerk is refused with the reason")
    func clerk() async throws {
        let rig = try Self.rigWithBatch()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let clerk = try await ConsoleBrowser.login(client, account: "zhangkj")
            for verdict in ["approve", "reject"] {
                let response = try await clerk.post("/console/batches/7/\(verdict)", [("expected", "3"), ("reason", "x")])
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("只有审核人可以通过或退回批次"))
            }
        }
        #expect(rig.store.state.decisions.isEmpty)
        #expect(!rig.store.state.audit.contains { $0.action.hasPrefix("batch_") })
    }

    @Test("an approver who recorded payments of the batch is refused: another approver must decide")
    func makerChecker() async throws {
        let rig = try Self.rigWithBatch()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let recorder = try await ConsoleBrowser.login(client, account: "zhaosz")
            let page = String(buffer: try await recorder.get("/console/batches/7").body)
            #expect(!page.contains("/approve\""))
            #expect(page.contains("须由另一位审核人审核"))
            let response = try await recorder.post("/console/batches/7/approve", [("expected", "3")])
            #expect(response.status == .forbidden)
            #expect(String(buffer: response.body).contains("您录入了该批次中的付款，须由另一位审核人审核"))
        }
        #expect(rig.store.state.decisions.isEmpty)
        #expect(rig.store.state.batches[7]?.state == .open)
    }

    @Test("a batch that grew after the approver looked is refused with 409, to be reviewed again")
    func changedMeanwhile() async throws {
        let rig = try Self.rigWithBatch()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let approver = try await ConsoleBrowser.login(client, account: "lisz")
            _ = try await approver.get("/console/batches/7")
            rig.store.grow(batch: 7)
            let response = try await approver.post("/console/batches/7/approve", [("expected", "3")])
            #expect(response.status == .conflict)
            let body = String(buffer: response.body)
            #expect(body.contains("您看到 3 条，现有 4 条"))
            #expect(body.contains("name=\"expected\" value=\"4\""))
            #expect(try await approver.post("/console/batches/7/approve", [("expected", "4")]).status == .seeOther)
            #expect(try await approver.post("/console/batches/7/approve", [("expected", "4")]).status == .conflict, "already decided")
        }
        #expect(rig.store.state.decisions.map(\.expectedCount) == [3, 4])
        #expect(rig.store.state.audit.filter { $0.action == "batch_approve" }.count == 1)
    }

    @Test func theListShowsOpenBatchesFirst() async throws {
        let rig = try Self.rigWithBatch()
        defer { rig.remove() }
        rig.store.addBatch(id: 9, recordedBy: ["api"], messages: [ConsoleRig.heldMessage(id: 10)])
        try await rig.application().test(.router) { client in
            let approver = try await ConsoleBrowser.login(client, account: "lisz")
            _ = try await approver.post("/console/batches/9/approve", [("expected", "1")])
            let body = String(buffer: try await approver.get("/console/batches").body)
            let open = try #require(body.range(of: "第 7 批"))
            let decided = try #require(body.range(of: "第 9 批"))
            #expect(open.lowerBound < decided.lowerBound)
            #expect(body.contains("待审核（1 批）"))
            #expect(body.contains("租地费（甲村）"))
        }
        #expect(try await rig.store.approvalBatch(id: 404) == nil)
    }
}
