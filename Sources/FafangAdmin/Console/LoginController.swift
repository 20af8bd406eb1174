import FafangConfig
import FafangCore
import Foundation
import Hummingbird
import Logging

/// `/console/login` and `/console/logout`: the login form and its check (bcrypt, throttled per
/// account and per client address), and the end of a session. The password is never logged or
/// audited; an unknown account name is not either (it may be a password typed in the wrong box).
struct LoginController: Sendable {
    let parts: ConsoleParts

    /// Checked when the account is unknown or has no password, so a wrong name takes as long as
    /// a wrong password.
    static let decoyHash = OperatorPassword.hash(ConsoleToken.random(), cost: OperatorPassword.defaultCost)

    func add<Context: RemoteAddressRequestContext>(to router: Router<Context>) {
        router.get("/console/login") { request, context in await self.form(request) }
        router.post("/console/login") { request, context in try await self.login(request, context: context) }
        router.post("/console/logout") { request, context in
            try await parts.access.action(request, logger: context.logger, role: .viewer) { session, _ in
                await parts.access.sessions.close(id: session.id)
                await parts.auditor.record(actor: session.account, action: "logout", subject: "account:" + session.account, logger: context.logger)
                let secure = ConsoleCookies.secure(request, parts.access.settings.secureCookies)
                return ConsoleAccess.redirect(to: "/console/login", cookies: [ConsoleCookies.expired(ConsoleCookies.session, path: "/", secure: secure)])
            }
        }
    }

    private func form(_ request: Request) async -> Response {
        if await parts.access.session(of: request) != nil { return ConsoleAccess.redirect(to: "/console/") }
        let token = ConsoleToken.random()
        return LoginPage.render(township: parts.access.township, token: token)
            .response(headers: [.setCookie: ConsoleCookies.loginCookie(token, secure: ConsoleCookies.secure(request, parts.access.settings.secureCookies))])
    }

    private func login<Context: RemoteAddressRequestContext>(_ request: Request, context: Context) async throws -> Response {
        let logger = context.logger
        let settings = parts.access.settings
        let secure = ConsoleCookies.secure(request, settings.secureCookies)
        let form: FormFields
        do {
            form = FormFields(encoded: String(decoding: try await AdminJSON.body(of: request, limit: ConsoleAccess.formLimit), as: UTF8.self))
        } catch AdminJSON.BodyError.tooLarge {
            return parts.access.message(.contentTooLarge, "表单过大", "提交的内容过大。", session: nil)
        }
        guard let cookieToken = ConsoleCookies.value(ConsoleCookies.login, in: request), ConsoleToken.equal(form["csrf"], cookieToken) else {
            logger.warning("console login refused: missing or wrong csrf token", metadata: ["client.address": "\(ClientAddress.of(request, context: context))"])
            return parts.access.message(.forbidden, "登录表单已失效", "安全校验未通过：请重新打开登录页面再登录。", session: nil,
                                  link: ("/console/login", "重新登录"))
        }
        let address = ClientAddress.of(request, context: context)
        let typed = form.text("account") ?? ""
        let account = parts.access.accounts.first { $0.name == typed }
        if let until = await parts.access.sessions.lockedUntil(account: account?.name, address: address) {
            logger.warning("console login refused: locked out", metadata: ["operator.name": "\(account?.name ?? "-")", "client.address": "\(address)"])
            let minutes = max(1, Int((until.timeIntervalSince(await parts.access.sessions.now) / 60).rounded(.up)))
            var response = LoginPage.render(township: parts.access.township, token: cookieToken, account: account?.name ?? "",
                                            error: "登录失败次数过多，请 \(minutes) 分钟后再试。").response(status: .tooManyRequests)
            response.headers[.retryAfter] = "\(minutes * 60)"
            return response
        }
        let hash = account?.passwordHash
        let matches = await OperatorPassword.verifyDetached(form["password"] ?? "", hash: hash ?? Self.decoyHash)
        guard matches, let account, let hash else {
            return await failed(account: account, address: address, token: cookieToken, logger: logger)
        }
        let session = await parts.access.sessions.open(account, passwordHash: hash, settings: settings)
        await parts.auditor.record(actor: account.name, action: "login", subject: "account:" + account.name, detail: "来自 \(address)", logger: logger)
        return ConsoleAccess.redirect(to: "/console/", cookies: [
            ConsoleCookies.sessionCookie(session.id, secure: secure), ConsoleCookies.expired(ConsoleCookies.login, path: "/console/login", secure: secure),
        ])
    }

    private func failed(account: OperatorAccount?, address: String, token: String, logger: Logger) async -> Response {
        let actor = account?.name ?? "unknown"
        logger.warning("console login failed", metadata: ["operator.name": "\(actor)", "client.address": "\(address)"])
        await parts.auditor.record(actor: actor, action: "login_failed", subject: account.map { "account:" + $0.name } ?? "", detail: "来自 \(address)", logger: logger)
        for key in await parts.access.sessions.failed(account: account?.name, address: address, settings: parts.access.settings) {
            logger.warning("console logins locked out", metadata: ["audit.subject": "\(key)", "console.lockout_minutes": "\(parts.access.settings.lockoutMinutes)"])
            await parts.auditor.record(actor: actor, action: "login_lockout", subject: key.subject,
                                 detail: "连续 \(parts.access.settings.maxFailedLogins) 次登录失败，锁定 \(parts.access.settings.lockoutMinutes) 分钟",
                                 logger: logger)
        }
        return LoginPage.render(township: parts.access.township, token: token, account: account?.name ?? "", error: "用户名或密码错误。")
            .response(status: .unauthorized)
    }
}
