import Foundation
import Hummingbird
import Logging

/// Logs each request once it is answered: method, path (never the query: Kannel's carries the
/// token), status and duration, at debug for scrapes and health checks and at info otherwise.
public struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let status: HTTPResponse.Status
        do {
            let response = try await next(request, context)
            status = response.status
            log(request, context: context, status: status, started: started)
            return response
        } catch let error as any HTTPResponseError {
            log(request, context: context, status: error.status, started: started)
            throw error
        } catch {
            log(request, context: context, status: .internalServerError, started: started)
            throw error
        }
    }

    private func log(_ request: Request, context: Context, status: HTTPResponse.Status, started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let quiet = request.uri.path == "/metrics" || request.uri.path == "/healthz"
        context.logger.log(level: quiet && status.code < 400 ? .debug : .info, "request answered", metadata: [
            "http.method": "\(request.method)", "http.path": "\(request.uri.path)", "http.status": "\(status.code)",
            "http.duration_ms": "\(Int(milliseconds.rounded()))",
        ])
    }
}
