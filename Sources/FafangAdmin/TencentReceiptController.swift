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

    struct Report: PushedReport {
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
        try await ReceiptPush.receive(request, reports: Report.self, source: "tencent", maxBodyBytes: maxBodyBytes, recorder: recorder,
                                      logger: logger, reply: { Reply(result: $0, errmsg: $1) }, received: "OK")
    }
}
