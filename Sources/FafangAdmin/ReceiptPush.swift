import FafangCore
import Foundation
import Hummingbird
import Logging

/// One report of a cloud SMS status push, as the store records it (nil: not a report to record).
protocol PushedReport: Decodable {
    var receipt: ReceiptRecorder.Report? { get }
}

/// What Aliyun's and Tencent's status pushes have in common: a JSON array of reports, recorded
/// together; 413 over the size limit, 400 for a body that is not such an array, 500 (the vendor
/// pushes again) when the store cannot be written (503 with Retry-After when for lack of space:
/// `StoreSpaceMiddleware`), else the vendor's "received" reply. A report
/// for an unknown message is logged and skipped: sending it again would not help.
enum ReceiptPush {
    static func receive<Report: PushedReport, Reply: Encodable>(
        _ request: Request, reports _: Report.Type, source: String, maxBodyBytes: Int, recorder: ReceiptRecorder, logger: Logger,
        reply: (_ code: Int, _ message: String) -> Reply, received: String
    ) async throws -> Response {
        let reports: [Report]
        do {
            reports = try JSONDecoder().decode([Report].self, from: try await AdminJSON.body(of: request, limit: maxBodyBytes))
        } catch AdminJSON.BodyError.tooLarge(let limit) {
            return AdminJSON.tooLarge(limit)
        } catch {
            let reason = AdminJSON.describe(error)
            logger.warning("receipts refused: malformed body", metadata: ["receipt.source": "\(source)", "reason": "\(reason)"])
            return AdminJSON.response(.badRequest, reply(1, "expected a JSON array of status reports: \(reason)"))
        }
        var known = 0
        do {
            for report in reports {
                guard let receipt = report.receipt else { continue }
                if try await recorder.record(receipt, logger: logger) != nil { known += 1 }
            }
        } catch {
            if StoreSpace.isOutOfSpace(error) { throw error }
            logger.error("receipts not recorded", metadata: ["receipt.source": "\(source)", "error": "\(error)"])
            return AdminJSON.response(.internalServerError, reply(1, "could not record the reports"))
        }
        logger.info("receipts received", metadata: ["receipt.source": "\(source)", "receipt.count": "\(reports.count)",
                                                     "receipt.unknown": "\(reports.count - known)"])
        return AdminJSON.response(.ok, reply(0, received))
    }
}
