import Hummingbird
import Logging

/// Refuses, with 401, a request that does not present the admin token; logs the refusal with the
/// path and where a token was looked for, never the token or the query that may carry it.
public struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: AdminToken

    public init(token: AdminToken) { self.token = token }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard token.admits(request) else {
            let presented: String
            switch AdminToken.presented(in: request) {
            case .none: presented = "none"
            case .bearer: presented = "bearer"
            case .query: presented = "query"
            }
            context.logger.warning("request refused: wrong or missing token", metadata: [
                "http.method": "\(request.method)", "http.path": "\(request.uri.path)", "admin.token_presented": "\(presented)",
            ])
            var response = AdminJSON.error(.unauthorized, "a valid token is required: Authorization: Bearer <token>, or token=<token> in the query")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }
}
