import FafangCore
import FafangDaemon
import Foundation
import Hummingbird

/// A request whose write failed for lack of space (`StoreSpace.isOutOfSpace`) is answered 503
/// with Retry-After, whatever route it came by: nothing of it was recorded, and the gateway,
/// the bank's system or the operator can send it again once space is freed. The daemon's
/// `StoreHealth` is told, so systemd's STATUS, the metrics and the dispatcher know.
///
/// The console's pages and forms (`/console/…`) get the same answer as a Chinese page, for the
/// operator in a browser, with a link back to the console.
struct StoreSpaceMiddleware<Context: RequestContext>: RouterMiddleware {
    let health: StoreHealth
    /// The township the console's pages are of (the running configuration's).
    let township: @Sendable () -> String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            guard health.failed(error, during: "answering \(request.method) \(request.uri.path)") else { throw error }
            context.logger.error("request not recorded: the database has no space left", metadata: ["http.path": "\(request.uri.path)"])
            guard request.uri.path == "/console" || request.uri.path.hasPrefix("/console/") else {
                return AdminJSON.outOfSpace(retryAfter: health.retryAfterSeconds)
            }
            let page = ConsoleMessagePage.render(
                title: "服务器磁盘已满", message: "服务器磁盘已满，这次操作没有保存，也没有任何内容被部分写入。请信息员腾出磁盘空间后，回到上一页重新操作。",
                township: township(), session: nil, link: ("/console/", "返回首页"))
            return page.response(status: .serviceUnavailable, headers: [.retryAfter: "\(health.retryAfterSeconds)"])
        }
    }
}

extension AdminJSON {
    /// 503 with Retry-After: not recorded for lack of space, to be sent again.
    static func outOfSpace(retryAfter seconds: Int) -> Response {
        var response = error(.serviceUnavailable, "the database has no space left: nothing was recorded; send this again later")
        response.headers[.retryAfter] = "\(seconds)"
        return response
    }
}
