import FafangCore
import FafangDaemon
import Foundation
import Hummingbird
import Logging

/// The inbound SMS routes (token as for receipts; 404 while `[inquiry]` is absent):
///
/// | route | from | answer |
/// |---|---|---|
/// | `GET`/`POST /inquiries/kannel?id=%I&sender=%p&…` | Kannel's `sms-service` `post-url` | 200 with an empty body (`omit-empty`: Kannel sends nothing back itself) |
/// | `POST /inquiries/aliyun` | Aliyun SmsUp | `{"code":0,"msg":"接收成功"}` |
/// | `POST /inquiries/tencent` | Tencent 短信回复 | `{"result":0,"errmsg":"OK"}` |
///
/// A push that cannot be read is 400 (the vendor's shape, code 1); a store that cannot be written
/// 500, so the provider pushes again (a duplicate id is then dropped).
public struct InquiryController: Sendable {
    let service: InquiryService
    let maxBodyBytes: Int

    public init(service: InquiryService, maxBodyBytes: Int) {
        self.service = service
        self.maxBodyBytes = maxBodyBytes
    }

    struct AliyunReply: Encodable { var code: Int; var msg: String }
    struct TencentReply: Encodable { var result: Int; var errmsg: String }

    public func add<Context: RequestContext>(to group: RouterGroup<Context>) {
        group.get("kannel") { request, context in try await self.kannel(request, logger: context.logger) }
        group.post("kannel") { request, context in try await self.kannel(request, logger: context.logger) }
        group.post("aliyun") { request, context in
            try await self.push(request, logger: context.logger, parse: InquiryPushes.aliyun, reply: { AliyunReply(code: $0, msg: $1) }, received: "接收成功")
        }
        group.post("tencent") { request, context in
            try await self.push(request, logger: context.logger, parse: InquiryPushes.tencent, reply: { TencentReply(result: $0, errmsg: $1) }, received: "OK")
        }
    }

    func kannel(_ request: Request, logger: Logger) async throws -> Response {
        let inbound: InquiryService.Inbound
        do {
            inbound = try InquiryPushes.kannel(query: request.uri.query ?? "")
        } catch {
            logger.warning("inbound SMS refused: malformed", metadata: ["inquiry.intake": "kannel", "reason": "\(error)"])
            return AdminJSON.error(.badRequest, error.description)
        }
        switch await take([inbound], logger: logger) {
        case .taken: return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init())
        case let .refused(reason): return AdminJSON.error(.badRequest, reason)
        case .failed: return AdminJSON.error(.internalServerError, "could not record the inbound SMS")
        case let .outOfSpace(error): throw error
        case .notConfigured: return AdminJSON.error(.notFound, InquiryService.Refusal.notConfigured.description)
        }
    }

    func push<Reply: Encodable>(_ request: Request, logger: Logger, parse: (Data) throws -> [InquiryService.Inbound],
                                reply: (Int, String) -> Reply, received: String) async throws -> Response {
        let inbound: [InquiryService.Inbound]
        do {
            inbound = try parse(try await AdminJSON.body(of: request, limit: maxBodyBytes))
        } catch AdminJSON.BodyError.tooLarge(let limit) {
            return AdminJSON.tooLarge(limit)
        } catch {
            let reason = AdminJSON.describe(error)
            logger.warning("inbound SMS refused: malformed", metadata: ["reason": "\(reason)"])
            return AdminJSON.response(.badRequest, reply(1, "expected the documented inbound SMS push: \(reason)"))
        }
        switch await take(inbound, logger: logger) {
        case .taken: return AdminJSON.response(.ok, reply(0, received))
        case let .refused(reason): return AdminJSON.response(.badRequest, reply(1, reason))
        case .failed: return AdminJSON.response(.internalServerError, reply(1, "could not record the inbound SMS"))
        case let .outOfSpace(error): throw error
        case .notConfigured: return AdminJSON.response(.notFound, reply(1, InquiryService.Refusal.notConfigured.description))
        }
    }

    /// `outOfSpace`: rethrown, for `StoreSpaceMiddleware` to answer 503.
    enum Taken { case taken, refused(String), failed, outOfSpace(any Error), notConfigured }

    /// Each inbound SMS through the service; a refused one is skipped (logged) unless it is the only one.
    func take(_ inbound: [InquiryService.Inbound], logger: Logger) async -> Taken {
        var refusals: [String] = []
        for one in inbound {
            do {
                try await service.receive(one)
            } catch InquiryService.Refusal.notConfigured {
                return .notConfigured
            } catch let refusal as InquiryService.Refusal {
                logger.warning("inbound SMS refused", metadata: ["inquiry.intake": "\(one.intake.rawValue)", "reason": "\(refusal)"])
                refusals.append(refusal.description)
            } catch {
                if StoreSpace.isOutOfSpace(error) { return .outOfSpace(error) }
                logger.error("inbound SMS not recorded", metadata: ["inquiry.intake": "\(one.intake.rawValue)", "error": "\(error)"])
                return .failed
            }
        }
        if !inbound.isEmpty, refusals.count == inbound.count { return .refused(refusals.joined(separator: "; ")) }
        return .taken
    }
}
