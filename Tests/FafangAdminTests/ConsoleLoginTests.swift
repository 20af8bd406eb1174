import FafangAdmin
import FafangCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The console's login: bcrypt check, cookie flags, CSRF on the login form and on every other
/// form, throttling to 429, idle expiry on the wall clock, logout; and that no password, cookie
/// or full phone reaches a log.
@Suite("Console: login and sessions", .serialized)
struct ConsoleLoginTests {
    @Test func loginSetsAStrictHttpOnlySessionCookieAndIsAudited() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let form = try await ConsoleBrowser(client: client).loginForm()
            #expect(form.response.status == .ok)
            let loginCookie = try #require(form.response.headers[values: .setCookie].first)
            #expect(loginCookie.contains("; Path=/console/login; Max-Age=900; HttpOnly; SameSite=Strict"))
            #expect(!loginCookie.contains("Secure"))
            #expect(String(buffer: form.response.body).contains("<form method=\"post\" action=\"/console/login\""))

            let response = try await ConsoleBrowser(client: client).submitLogin(account: "zhangkj", password: ConsoleRig.password)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/console/")
            let cookies = response.headers[values: .setCookie]
            let session = try #require(cookies.first { $0.hasPrefix("fafang_session=") })
            let id = session.dropFirst("fafang_session=".count).prefix { $0 != ";" }
            #expect(id.count == 64 && id.allSatisfy(\.isHexDigit))
            #expect(session.hasSuffix("; Path=/; HttpOnly; SameSite=Strict"))
            #expect(cookies.contains { $0.hasPrefix("fafang_login=;") && $0.contains("Max-Age=0") })

            let browser = try await ConsoleBrowser.login(client, account: "zhangkj")
            let page = try await browser.get("/console/batches")
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("张会计（经办会计）"))
            #expect(!rig.admin.log.text.contains(String(id)), "the session id is never logged")
        }
        let audit = rig.store.state.audit
        #expect(audit.map(\.action) == ["login", "login"])
        #expect(audit.first?.actor == "zhangkj")
        #expect(!rig.admin.log.text.contains(ConsoleRig.password))
    }

    @Test("behind a TLS proxy (auto) and with always, cookies are Secure")
    func secureCookies() async throws {
        for (setting, proto, secure) in [("auto", "https", true), ("auto", "", false), ("always", "", true), ("never", "https", false)] {
            let rig = try ConsoleRig(console: "secure_cookies = \"\(setting)\"\n")
            defer { rig.remove() }
            try await rig.application().test(.router) { client in
                let headers: HTTPFields = proto.isEmpty ? [:] : [HTTPField.Name("X-Forwarded-Proto")!: proto]
                let response = try await ConsoleBrowser(client: client).submitLogin(account: "lisz", password: ConsoleRig.password, headers: headers)
                let session = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("fafang_session=") })
                #expect(session.hasSuffix("; Secure") == secure, "\(setting) \(proto): \(session)")
            }
        }
    }

    @Test func aWrongPasswordIs401AndAuditedWithoutThePassword() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let response = try await ConsoleBrowser(client: client).submitLogin(account: "zhangkj", password: "wrong-password-77")
            #expect(response.status == .unauthorized)
            #expect(String(buffer: response.body).contains("用户名或密码错误"))
            #expect(!response.headers[values: .setCookie].contains { $0.hasPrefix("fafang_session=") })
            let unknown = try await ConsoleBrowser(client: client).submitLogin(account: "nobody-typed-this", password: "x")
            #expect(unknown.status == .unauthorized)
        }
        let audit = rig.store.state.audit
        #expect(audit.map(\.action) == ["login_failed", "login_failed"])
        #expect(audit.map(\.actor) == ["zhangkj", "unknown"])
        let logs = rig.admin.log.text
        #expect(!logs.contains("wrong-password-77"))
        #expect(!logs.contains("nobody-typed-this"), "an unknown name may be a password typed in the wrong box")
        #expect(!audit.contains { $0.detail.contains("wrong-password") || $0.subject.contains("nobody") })
    }

    @Test("after max_failed_logins failures of an account, it waits with 429 until lockout_minutes pass")
    func accountLockout() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let browser = ConsoleBrowser(client: client)
            for _ in 0..<3 {
                #expect(try await browser.submitLogin(account: "lisz", password: "guess-guess").status == .unauthorized)
            }
            let locked = try await browser.submitLogin(account: "lisz", password: ConsoleRig.password)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers[.retryAfter] == "900")
            #expect(String(buffer: locked.body).contains("登录失败次数过多，请 15 分钟后再试"))
            rig.wallClock.advance(by: 14 * 60)
            #expect(try await browser.submitLogin(account: "lisz", password: ConsoleRig.password).status == .tooManyRequests)
            rig.wallClock.advance(by: 61)
            #expect(try await browser.submitLogin(account: "lisz", password: ConsoleRig.password).status == .seeOther)
        }
        let actions = rig.store.state.audit.map(\.action)
        #expect(actions.filter { $0 == "login_failed" }.count == 3)
        #expect(rig.store.state.audit.contains { $0.action == "login_lockout" && $0.subject == "account:lisz" })
        #expect(actions.last == "login")
        #expect(rig.admin.log.all.contains { $0.contains("console logins locked out") })
    }

    @Test("failures from one address lock it out, whichever accounts they tried")
    func addressLockout() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let browser = ConsoleBrowser(client: client)
            for name in ["zhangkj", "lisz", "ghost"] {
                let response = try await browser.submitLogin(account: name, password: "spray-2021")
                #expect(response.status == .unauthorized)
            }
            let locked = try await browser.submitLogin(account: "wangcn", password: ConsoleRig.password)
            #expect(locked.status == .tooManyRequests)
        }
        #expect(rig.store.state.audit.contains { $0.action == "login_lockout" && $0.subject.hasPrefix("address:") })
    }

    @Test("the login form without its token, or with another one, is refused with 403")
    func loginCSRF() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let form = try await ConsoleBrowser(client: client).loginForm()
            let fields = ConsoleBrowser.form([("account", "zhangkj"), ("password", ConsoleRig.password)])
            let noCookie = try await client.execute(uri: "/console/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                    body: ConsoleBrowser.form([("csrf", form.token), ("account", "zhangkj"), ("password", ConsoleRig.password)]))
            #expect(noCookie.status == .forbidden)
            #expect(String(buffer: noCookie.body).contains("安全校验未通过"))
            let noToken = try await client.execute(uri: "/console/login", method: .post, headers: [.cookie: form.cookie], body: fields)
            #expect(noToken.status == .forbidden)
            let other = try await client.execute(uri: "/console/login", method: .post, headers: [.cookie: form.cookie],
                                                 body: ConsoleBrowser.form([("csrf", String(repeating: "0", count: 64)), ("account", "zhangkj"),
                                                                            ("password", ConsoleRig.password)]))
            #expect(other.status == .forbidden)
        }
        #expect(rig.store.state.audit.isEmpty)
    }

    @Test("a form posted without the session's token, or with another, is refused with 403 and does nothing")
    func formCSRF() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        let id = try await rig.admin.sentMessage(key: "dead-1")
        try await rig.application().test(.router) { client in
            let browser = try await ConsoleBrowser.login(client, account: "zhangkj")
            for token in [String?.none, String(repeating: "f", count: 64), ""] {
                let response = try await browser.post("/console/outbox/retry", [("id", "\(id)")], csrf: .some(token))
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("表单已失效"))
            }
            let logout = try await browser.post("/console/logout", csrf: .some(nil))
            #expect(logout.status == .forbidden)
            #expect(try await browser.get("/console/outbox").status == .ok, "still logged in")
        }
        #expect(rig.store.state.audit.map(\.action) == ["login"])
        #expect(rig.hooks.outboxChanged.withLock { $0 } == 0)
    }

    @Test("a session ends after session_minutes without a request (wall clock), and at logout")
    func expiryAndLogout() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let browser = try await ConsoleBrowser.login(client, account: "wangcn")
            rig.wallClock.advance(by: 29 * 60)
            #expect(try await browser.get("/console/audit").status == .ok)
            rig.wallClock.advance(by: 29 * 60)
            #expect(try await browser.get("/console/audit").status == .ok, "each request renews it")
            rig.wallClock.advance(by: 30 * 60 + 1)
            let expired = try await browser.get("/console/audit")
            #expect(expired.status == .seeOther)
            #expect(expired.headers[.location] == "/console/login")

            let again = try await ConsoleBrowser.login(client, account: "wangcn")
            let logout = try await again.post("/console/logout")
            #expect(logout.status == .seeOther)
            #expect(logout.headers[values: .setCookie].contains { $0.hasPrefix("fafang_session=;") && $0.contains("Max-Age=0") })
            #expect(try await again.get("/console/audit").status == .seeOther)
            #expect(try await again.post("/console/logout").status == .forbidden)
        }
        #expect(rig.store.state.audit.map(\.action) == ["login", "login", "logout"])
    }

    @Test("a reload that changes an account's password ends its sessions; one that changes its role applies at once")
    func accountsFollowTheRunningConfiguration() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let browser = try await ConsoleBrowser.login(client, account: "zhangkj")
            var configuration = rig.admin.runtime.current.configuration
            let index = try #require(configuration.operators.firstIndex { $0.name == "zhangkj" })
            configuration.operators[index].role = .viewer
            try rig.reload(configuration)
            let page = try await browser.get("/console/ledger")
            #expect(String(buffer: page.body).contains("张会计（查看员）"))
            #expect(try await browser.post("/console/outbox/retry", [("id", "1")]).status == .forbidden)
            configuration.operators[index].passwordHash = OperatorPassword.hash("another-pass-1", cost: 4)
            try rig.reload(configuration)
            #expect(try await browser.get("/console/ledger").status == .seeOther)
        }
    }

    @Test("pages need a session: a page redirects to the login, a form is refused")
    func anonymous() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            for path in ["/console/batches", "/console/batches/1", "/console/deliveries", "/console/outbox", "/console/ledger", "/console/audit"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .seeOther, "\(path)")
                #expect(response.headers[.location] == "/console/login")
            }
            let post = try await client.execute(uri: "/console/batches/1/approve", method: .post, body: ConsoleBrowser.form([("expected", "1")]))
            #expect(post.status == .forbidden)
            let css = try await client.execute(uri: "/console/static/console.css", method: .get)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(String(buffer: css.body).contains("@media print"))
        }
    }
}
