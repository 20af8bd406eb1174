import HTTPTypes
import FafangConfig
import FafangCore
import FafangDaemon
import Foundation
import Hummingbird
import Logging

/// Who may see a console page or post its forms: the session of the request's cookie, the role
/// its route needs, and (for every POST) the form's `csrf` field, compared in constant time.
/// Handlers go through `page`, `action` or `upload` and receive the session; everyone else gets a
/// redirect to the login (a page) or a Chinese 403 page (a form).
public struct ConsoleAccess: Sendable {
    let sessions: ConsoleSessions
    let runtime: LiveConfiguration<Runtime>
    /// The largest form body other than an upload.
    static let formLimit = 16 * 1024

    /// The township the pages are of.
    public var township: String { runtime.current.configuration.settings.townshipName }
    var settings: ConsoleSettings { runtime.current.configuration.settings.console }
    /// The accounts of the running configuration (a reload changes them).
    var accounts: [OperatorAccount] { runtime.current.configuration.operators }

    /// The live session of the request's cookie.
    public func session(of request: Request) async -> ConsoleSession? {
        guard let id = ConsoleCookies.value(ConsoleCookies.session, in: request), !id.isEmpty else { return nil }
        return await sessions.session(id: id, accounts: accounts, settings: settings)
    }

    /// A page `role` may see: rendered with the session, else a redirect to the login (no
    /// session) or 403 (a lesser role).
    public func page(_ request: Request, logger: Logger, role: OperatorRole = .viewer,
                     _ render: (ConsoleSession) async throws -> Response) async throws -> Response {
        guard let session = await session(of: request) else { return Self.redirect(to: "/console/login") }
        guard session.may(role) else { return forbidden(session, role: role, request: request, logger: logger) }
        return try await render(session)
    }

    /// A posted form (`application/x-www-form-urlencoded`) `role` may send, with its CSRF token
    /// checked: performed with the session and the fields, else 403.
    public func action(_ request: Request, logger: Logger, role: OperatorRole,
                       _ perform: (ConsoleSession, FormFields) async throws -> Response) async throws -> Response {
        guard let session = await session(of: request) else { return loginRequired() }
        let form: FormFields
        do {
            form = FormFields(encoded: String(decoding: try await AdminJSON.body(of: request, limit: Self.formLimit), as: UTF8.self))
        } catch AdminJSON.BodyError.tooLarge {
            return message(.contentTooLarge, "表单过大", "提交的内容过大。", session: session)
        }
        guard ConsoleToken.equal(form["csrf"], session.csrf) else { return csrfRefused(request, session: session, logger: logger) }
        guard session.may(role) else { return forbidden(session, role: role, request: request, logger: logger) }
        return try await perform(session, form)
    }

    /// A posted `multipart/form-data` form with a file, of at most `limit` bytes: the role is
    /// checked before the body is read, the CSRF token (its `csrf` part) after.
    func upload(_ request: Request, logger: Logger, role: OperatorRole, limit: Int,
                _ perform: (ConsoleSession, MultipartForm) async throws -> Response) async throws -> Response {
        guard let session = await session(of: request) else { return loginRequired() }
        guard session.may(role) else { return forbidden(session, role: role, request: request, logger: logger) }
        guard let boundary = request.headers[.contentType].flatMap(MultipartForm.boundary(contentType:)) else {
            return message(.badRequest, "无法读取上传", "请通过页面上的表单上传文件。", session: session)
        }
        let form: MultipartForm
        do {
            form = try MultipartForm(body: try await AdminJSON.body(of: request, limit: limit), boundary: boundary)
        } catch AdminJSON.BodyError.tooLarge {
            return message(.contentTooLarge, "文件过大", "文件超过 \(limit / 1024 / 1024) MB，请拆分后再上传。", session: session)
        } catch {
            return message(.badRequest, "无法读取上传", "上传的内容不完整，请重新选择文件上传。", session: session)
        }
        guard ConsoleToken.equal(form.field("csrf"), session.csrf) else { return csrfRefused(request, session: session, logger: logger) }
        return try await perform(session, form)
    }

    /// A Chinese page saying `text`, with `status`.
    func message(_ status: HTTPResponse.Status, _ title: String, _ text: String, session: ConsoleSession?,
                 link: (href: String, text: String)? = nil) -> Response {
        ConsoleMessagePage.render(title: title, message: text, township: township, session: session, link: link).response(status: status)
    }

    static func redirect(to location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    private func loginRequired() -> Response {
        message(.forbidden, "请先登录", "登录已过期或尚未登录，请重新登录后再操作。", session: nil, link: ("/console/login", "登录"))
    }

    private func forbidden(_ session: ConsoleSession, role: OperatorRole, request: Request, logger: Logger) -> Response {
        logger.warning("console request refused: role", metadata: [
            "operator.name": "\(session.account)", "operator.role": "\(session.role.rawValue)", "http.path": "\(request.uri.path)",
        ])
        return message(.forbidden, "没有权限", "您是\(ConsoleText.role(session.role))，此操作需要\(ConsoleText.role(role))的权限。", session: session)
    }

    private func csrfRefused(_ request: Request, session: ConsoleSession?, logger: Logger) -> Response {
        logger.warning("console form refused: missing or wrong csrf token", metadata: [
            "operator.name": "\(session?.account ?? "-")", "http.path": "\(request.uri.path)",
        ])
        return message(.forbidden, "表单已失效", "安全校验未通过：请回到页面刷新后重新提交。", session: session)
    }
}
