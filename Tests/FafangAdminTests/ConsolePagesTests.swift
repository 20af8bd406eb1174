import FafangAdmin
import FafangCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// 发送记录, 外发队列 and 审计日志: what they show, who may act on them, and that every page
/// escapes what it shows and never shows a full phone number.
@Suite("Console: pages", .serialized)
struct ConsolePagesTests {
    static let pages = ["/console/batches", "/console/batches/7", "/console/deliveries", "/console/deliveries?phone=0011", "/console/outbox",
                        "/console/ledger", "/console/audit"]

    /// A dead message to the test phone, for the pages to show.
    static func deadMessage(_ rig: ConsoleRig, key: String = "dead-1") async throws -> Int64 {
        let id = try await rig.admin.sentMessage(key: key, reference: "REF-\(key)", attempt: true)
        _ = try await rig.store.applyReceipt(matching: [key], phone: nil, status: .failed, statusText: "failed", detail: "用户 17000000011 关机",
                                             clock: AdminTestRig.clock)
        return id
    }

    @Test("no page shows a full phone number, and hostile text stays text")
    func privacyAndEscaping() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        _ = try await Self.deadMessage(rig)
        rig.store.addBatch(id: 7, recordedBy: ["evil"], messages: [ConsoleRig.heldMessage(id: 1, text: "<img src=x onerror=alert(1)> 王一户")])
        try await rig.admin.database.save(GatewayHealth(name: "<b>kannel</b>", failures: 6, lastFailure: "timeout to 17000000011",
                                                        pausedAt: AdminTestRig.now, pauseCause: .failing), requeueWaitingAt: nil)
        try await rig.application().test(.router) { client in
            for account in ["evil", "lisz"] {
                let browser = try await ConsoleBrowser.login(client, account: account)
                for path in Self.pages {
                    let response = try await browser.get(path)
                    #expect(response.status == .ok, "\(path)")
                    let body = String(buffer: response.body)
                    #expect(!body.contains(AdminTestRig.phone), "\(path) shows a full phone number")
                    #expect(!body.contains("<script>alert"), "\(path) carries the hostile name as markup")
                    #expect(!body.contains("<img src=x"), "\(path)")
                    #expect(!body.contains("<b>kannel"), "\(path)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'self'") == true)
                }
            }
            let evil = try await ConsoleBrowser.login(client, account: "evil")
            let batch = String(buffer: try await evil.get("/console/batches/7").body)
            #expect(batch.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;王&quot;"))
            #expect(batch.contains("&lt;img src=x onerror=alert(1)&gt; 王一户"))
            #expect(batch.contains("170****0011"))
        }
    }

    @Test func deliveriesAreSearchedAndShowAttemptsAndReports() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        let dead = try await Self.deadMessage(rig)
        let other = try await rig.admin.sentMessage(key: "other", recipient: "17000000012")
        try await rig.application().test(.router) { client in
            let browser = try await ConsoleBrowser.login(client, account: "wangcn")
            let all = String(buffer: try await browser.get("/console/deliveries").body)
            #expect(all.contains(">\(dead)</td>") && all.contains(">\(other)</td>"))
            #expect(all.contains("第 1 次 2021-06-20 10:00：成功 HTTP 202 Accepted"))
            #expect(all.contains("回执"))
            #expect(all.contains("用户 170****0011 关机"))
            let byTail = String(buffer: try await browser.get("/console/deliveries?phone=0012").body)
            #expect(byTail.contains(">\(other)</td>"))
            #expect(!byTail.contains(">\(dead)</td>"))
            let byState = String(buffer: try await browser.get("/console/deliveries?state=failed").body)
            #expect(byState.contains(">\(dead)</td>") && !byState.contains(">\(other)</td>"))
            let bad = try await browser.get("/console/deliveries?phone=170000&from=2021-13-01")
            let text = String(buffer: bad.body)
            #expect(text.contains("手机尾号须为 4 位数字"))
            #expect(text.contains("起始日期须为"))
            let later = String(buffer: try await browser.get("/console/deliveries?from=2021-06-21").body)
            #expect(later.contains("没有符合条件的记录"))
        }
    }

    @Test("a clerk retries a dead message and resumes a paused gateway; a viewer may not")
    func outboxActions() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        let dead = try await Self.deadMessage(rig)
        #expect(try await rig.store.pause(gateway: "kannel", now: AdminTestRig.now))
        try await rig.application().test(.router) { client in
            let viewer = try await ConsoleBrowser.login(client, account: "wangcn")
            let seen = String(buffer: try await viewer.get("/console/outbox").body)
            #expect(seen.contains("操作员暂停"))
            #expect(!seen.contains("/console/outbox/retry"))
            #expect(try await viewer.post("/console/outbox/retry", [("id", "\(dead)")]).status == .forbidden)
            #expect(try await viewer.post("/console/outbox/resume", [("gateway", "kannel")]).status == .forbidden)

            let clerk = try await ConsoleBrowser.login(client, account: "zhangkj")
            let page = String(buffer: try await clerk.get("/console/outbox").body)
            #expect(page.contains("name=\"id\" value=\"\(dead)\""))
            #expect(page.contains("回执：failed 用户 170****0011 关机"))
            let retried = try await clerk.post("/console/outbox/retry", [("id", "\(dead)")])
            #expect(retried.headers[.location] == "/console/outbox?done=retried")
            #expect(try await rig.admin.state(dead) == .pending)
            #expect(try await clerk.post("/console/outbox/retry", [("id", "\(dead)")]).headers[.location] == "/console/outbox?done=unchanged")
            let resumed = try await clerk.post("/console/outbox/resume", [("gateway", "kannel")])
            #expect(resumed.headers[.location] == "/console/outbox?done=resumed")
            #expect(try await rig.store.health(of: "kannel").isPaused == false)
        }
        #expect(rig.store.state.audit.filter { $0.action == "retry" }.map(\.subject) == ["message:\(dead)"])
        #expect(rig.store.state.audit.filter { $0.action == "resume" }.map(\.subject) == ["gateway:kannel"])
        #expect(rig.hooks.outboxChanged.withLock { $0 } == 2)
        #expect(rig.hooks.resumed.withLock { $0 } == ["kannel"])
    }

    @Test func theAuditLogIsNewestFirstAndPaged() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        for index in 1...60 {
            try await rig.store.recordAudit(AuditEntry(at: AdminTestRig.now, actor: "api", action: "retry", subject: "message:\(index)"))
        }
        try await rig.application().test(.router) { client in
            let browser = try await ConsoleBrowser.login(client, account: "wangcn")
            let first = String(buffer: try await browser.get("/console/audit").body)
            #expect(first.contains("账号 wangcn"), "the login just made is first")
            #expect(first.contains("消息 60") && !first.contains("消息 10<"))
            #expect(first.contains("/console/audit?before=12"))
            let second = String(buffer: try await browser.get("/console/audit?before=12").body)
            #expect(second.contains("消息 11") && second.contains("消息 1<") && !second.contains("消息 12<"))
            #expect(!second.contains("下一页"))
        }
    }

    @Test("the layout names the operator and marks the section")
    func layout() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let browser = try await ConsoleBrowser.login(client, account: "lisz")
            let body = String(buffer: try await browser.get("/console/outbox").body)
            #expect(body.contains("<html lang=\"zh-CN\">"))
            #expect(body.contains("测试乡人民政府"))
            #expect(body.contains("李所长（审核人）"))
            #expect(body.contains("<a href=\"/console/outbox\" aria-current=\"page\">外发队列</a>"))
            for (path, title) in [("/console/", "总览"), ("/console/batches", "审核"), ("/console/deliveries", "发送记录"), ("/console/ledger", "录入付款"),
                                  ("/console/audit", "审计日志"), ("/public/", "公示")] {
                #expect(body.contains("<a href=\"\(path)\">\(title)</a>"), "\(path)")
            }
            #expect(body.contains("action=\"/console/logout\""))
            #expect(!body.contains("http://") && !body.contains("https://"), "nothing is loaded from elsewhere")
        }
    }
}
