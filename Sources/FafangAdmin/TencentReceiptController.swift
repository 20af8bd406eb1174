import Foundation
import Hummingbird
import Logging

/// `POST /receipts/tencent`: Tencent Cloud SMS delivery status callbacks (短信下发状态通知): a JSON
/// array of `{"user_receive_time", "nationcode", "mobile", "report_status": "SUCCESS"|"FAIL",
/// "errmsg", "description", "sid", "ext"}`. `sid` is the SerialNo SendSms returned (stored as the
/// gateway reference); `ext`, when Tencent has enabled it for the account, echoes the
/// SessionContext we sent (our idempotency key). `session_context` is taken as a synonym.
///
/// Replies `{"result": 0, "errmsg": "OK"}` with 200 once the batch is recorded (an unknown
/// message is logged and skipped); 400 for a body that is not such an array; 500 (Tencent tries
/// twice more) when the store cannot be written.
public struct TencentReceiptController: Sendable {
    let recorder: ReceiptRecorder
    let maxBodyBytes: Int

    public init(recorder: ReceiptRecorder, maxBodyBytes: Int) {
        self.recorder = recorder
        self.maxBodyBytes = maxBodyBytes
    }

    struct Report: Decodable {
        var sid: String?
        var reportStatus: String?
        var errmsg: String?
        var description: String?
        var mobile: String?
        var userReceiveTime: String?
        var sessionContext: String?

        enum CodingKeys: String, CodingKey {
            case sid, reportStatus = "report_status", errmsg, description, mobile, userReceiveTime = "user_receive_time"
            case ext, sessionContext = "session_context"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            sid = try container.decodeIfPresent(String.self, forKey: .sid)
            reportStatus = try container.decodeIfPresent(String.self, forKey: .reportStatus)
            errmsg = try container.decodeIfPresent(String.self, forKey: .errmsg)
            description = try container.decodeIfPresent(String.self, forKey: .description)
            mobile = try container.decodeIfPresent(String.self, forKey: .mobile)
            userReceiveTime = try container.decodeIfPresent(String.self, forKey: .userReceiveTime)
            // `ext` is a string in Tencent's documentation; anything else is not our key.
            sessionContext = (try? container.decodeIfPresent(String.self, forKey: .ext))
                ?? (try? container.decodeIfPresent(String.self, forKey: .sessionContext))
        }

        /// The report as the recorder takes it, or nil when `report_status` is neither SUCCESS nor FAIL.
        var receipt: ReceiptRecorder.Report? {
            let status = reportStatus?.uppercased()
            guard status == "SUCCESS" || status == "FAIL" else { return nil }
            let delivered = status == "SUCCESS"
            var detail = [errmsg, description].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            if let userReceiveTime, !userReceiveTime.isEmpty { detail += " (\(userReceiveTime))" }
            return ReceiptRecorder.Report(source: "tencent", keys: [sessionContext ?? "", sid ?? ""], delivered: delivered,
                                          status: delivered ? "delivered" : "failed", detail: detail, phone: mobile)
        }
    }

    struct Reply: Encodable {
        var result: Int
        var errmsg: String
    }

    public func add<Context: RequestContext>(to group: RouterGroup<Context>) {
        group.post("tencent") { request, context in try await self.receive(request, logger: context.logger) }
    }

    func receive(_ request: Request, logger: Logger) async throws -> Response {
        let reports: [Report]
        do {
            reports = try JSONDecoder().decode([Report].self, from: try await AdminJSON.body(of: request, limit: maxBodyBytes))
        } catch AdminJSON.BodyError.tooLarge(let limit) {
            return AdminJSON.tooLarge(limit)
        } catch {
            let reason = AdminJSON.describe(error)
            logger.warning("tencent receipts refused: malformed body", metadata: ["receipt.source": "tencent", "reason": "\(reason)"])
            return AdminJSON.response(.badRequest, Reply(result: 1, errmsg: "expected a JSON array of status reports: \(reason)"))
        }
        var known = 0
        var unreadable = 0
        do {
            for report in reports {
                guard let receipt = report.receipt else {
                    unreadable += 1
                    logger.warning("tencent receipt skipped: unknown report_status", metadata: [
                        "receipt.source": "tencent", "receipt.status": "\(report.reportStatus ?? "")",
                    ])
                    continue
                }
                if try recorder.record(receipt, logger: logger) != nil { known += 1 }
            }
        } catch {
            logger.error("tencent receipts not recorded", metadata: ["receipt.source": "tencent", "error": "\(error)"])
            return AdminJSON.response(.internalServerError, Reply(result: 1, errmsg: "could not record the reports"))
        }
        logger.info("tencent receipts received", metadata: [
            "receipt.count": "\(reports.count)", "receipt.unknown": "\(reports.count - known - unreadable)",
        ])
        return AdminJSON.response(.ok, Reply(result: 0, errmsg: "OK"))
    }
}
