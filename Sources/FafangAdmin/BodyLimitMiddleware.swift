import Hummingbird
import Logging

/// Refuses, with 413, a request whose declared `Content-Length` exceeds the limit, before its body
/// is read; a body sent without a length is held to the same limit as it is collected
/// (`AdminJSON.body(of:limit:)`). A path of `routeLimits` (the console's upload) has its own limit.
public struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int
    let routeLimits: [String: Int]

    public init(maxBytes: Int, routeLimits: [String: Int] = [:]) {
        self.maxBytes = maxBytes
        self.routeLimits = routeLimits
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let maxBytes = routeLimits[request.uri.path] ?? self.maxBytes
        if let text = request.headers[.contentLength], let length = Int(text), length > maxBytes {
            context.logger.warning("request refused: body too large", metadata: [
                "http.method": "\(request.method)", "http.path": "\(request.uri.path)", "http.content_length": "\(length)",
                "admin.max_body_bytes": "\(maxBytes)",
            ])
            return AdminJSON.tooLarge(maxBytes)
        }
        return try await next(request, context)
    }
}
