import Foundation
import Hummingbird
import HummingbirdCore
import Logging

/// `GET /receipts/kannel?id=KEY&type=N&reply=…&at=…&token=T`: Kannel's delivery reports, as the
/// `dlr-url` that `KannelGateway` sends asks for them (`id` is our idempotency key; Kannel fills
/// `type` with `%d`, `reply` with `%A`, `at` with `%T`).
///
/// DLR types are a bit mask (1 delivered to phone, 2 not delivered to phone, 4 queued on SMSC,
/// 8 accepted by SMSC, 16 rejected by SMSC; Kannel also sends 0x22 expired and 0x42 unknown):
/// 1 → delivered; 2 or 16 → failed; 8 → `accepted`, 4 → `queued` (intermediate: recorded, the
/// message stays `sent`). 200 when recorded, 404 for an unknown id (nothing recorded), 400 for a
/// report that names no id or no known type.
public struct KannelReceiptController: Sendable {
    let recorder: ReceiptRecorder

    public init(recorder: ReceiptRecorder) { self.recorder = recorder }

    /// What a DLR type says, or nil for a type with none of the known bits.
    public static func classify(type: Int) -> (delivered: Bool, status: String)? {
        if type & 1 != 0 { return (true, "delivered") }
        if type & 16 != 0 { return (false, "rejected") }
        if type & 2 != 0 { return (false, "undelivered") }
        if type & 8 != 0 { return (false, "accepted") }
        if type & 4 != 0 { return (false, "queued") }
        return nil
    }

    struct Reply: Encodable {
        var recorded: Bool
        var state: String
    }

    public func add<Context: RequestContext>(to group: RouterGroup<Context>) {
        group.get("kannel") { request, context in try await self.receive(request, logger: context.logger) }
    }

    /// Why a DLR query is refused.
    enum Refusal: Error, Equatable {
        case noID
        case unknownType(String)
    }

    /// The report the query of a DLR request carries, or why it is refused.
    static func report(_ uri: URI) -> Result<ReceiptRecorder.Report, Refusal> {
        let query = uri.queryParameters
        guard let id = query["id"].map(String.init), !id.isEmpty else { return .failure(.noID) }
        guard let typeText = query["type"], let type = Int(typeText), let (delivered, status) = Self.classify(type: type) else {
            return .failure(.unknownType(query["type"].map(String.init) ?? ""))
        }
        let reply = query["reply"].map(String.init) ?? ""
        let at = query["at"].map(String.init) ?? ""
        var detail = "type \(type)"
        if !at.isEmpty { detail += " at \(at)" }
        if !reply.isEmpty { detail += ": \(reply)" }
        return .success(ReceiptRecorder.Report(source: "kannel", keys: [id], delivered: delivered, status: status, detail: detail))
    }

    func receive(_ request: Request, logger: Logger) async throws -> Response {
        let report: ReceiptRecorder.Report
        switch Self.report(request.uri) {
        case let .success(found):
            report = found
        case .failure(.noID):
            logger.warning("kannel receipt refused: no id", metadata: ["receipt.source": "kannel"])
            return AdminJSON.error(.badRequest, "id (the message's idempotency key) is required")
        case let .failure(.unknownType(type)):
            logger.warning("kannel receipt refused: unknown type", metadata: ["receipt.source": "kannel", "receipt.type": "\(type)"])
            return AdminJSON.error(.badRequest, "type must be a Kannel DLR type such as 1, 2, 4, 8 or 16")
        }
        guard let outcome = try await recorder.record(report, logger: logger) else {
            return AdminJSON.error(.notFound, "no message with this id")
        }
        return AdminJSON.response(.ok, Reply(recorded: true, state: outcome.message.state.rawValue))
    }
}
