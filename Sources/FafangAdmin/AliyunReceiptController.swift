import Foundation
import Hummingbird
import Logging

/// `POST /receipts/aliyun`: Aliyun SMS status reports (SmsReport, "HTTP 批量推送" mode): a JSON
/// array of `{"phone_number", "send_time", "report_time", "success", "err_code", "err_msg",
/// "sms_size", "biz_id", "out_id"}`. `out_id` is the OutId we sent (our idempotency key),
/// `biz_id` the BizId SendSms returned (stored as the gateway reference).
///
/// Replies `{"code": 0, "msg": "接收成功"}` with 200 once the batch is recorded (a report for an
/// unknown message is logged and skipped: sending it again would not help); 400 for a body that
/// is not such an array; 500 (Aliyun pushes again after 1, 5 and 10 minutes) when the store
/// cannot be written.
public struct AliyunReceiptController: Sendable {
    let recorder: ReceiptRecorder
    let maxBodyBytes: Int

    public init(recorder: ReceiptRecorder, maxBodyBytes: Int) {
        self.recorder = recorder
        self.maxBodyBytes = maxBodyBytes
    }

    /// One report of the array. Every field is optional here: a report without keys is skipped.
    struct Report: PushedReport {
        var outID: String?
        var bizID: String?
        var success: Bool?
        var errCode: String?
        var errMsg: String?
        var phoneNumber: String?
        var reportTime: String?

        enum CodingKeys: String, CodingKey {
            case outID = "out_id", bizID = "biz_id", success, errCode = "err_code", errMsg = "err_msg"
            case phoneNumber = "phone_number", reportTime = "report_time"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            outID = try container.decodeIfPresent(String.self, forKey: .outID)
            bizID = try container.decodeIfPresent(String.self, forKey: .bizID)
            // Documented as a JSON boolean; "true"/"false" strings are taken too.
            if let flag = try? container.decodeIfPresent(Bool.self, forKey: .success) {
                success = flag
            } else {
                success = try container.decodeIfPresent(String.self, forKey: .success).map { $0.lowercased() == "true" }
            }
            errCode = try container.decodeIfPresent(String.self, forKey: .errCode)
            errMsg = try container.decodeIfPresent(String.self, forKey: .errMsg)
            phoneNumber = try container.decodeIfPresent(String.self, forKey: .phoneNumber)
            reportTime = try container.decodeIfPresent(String.self, forKey: .reportTime)
        }

        var receipt: ReceiptRecorder.Report? {
            let delivered = success == true
            var detail = [errCode, errMsg].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            if let reportTime, !reportTime.isEmpty { detail += " (\(reportTime))" }
            return ReceiptRecorder.Report(source: "aliyun", keys: [outID ?? "", bizID ?? ""], delivered: delivered,
                                          status: delivered ? "delivered" : "failed", detail: detail, phone: phoneNumber)
        }
    }

    struct Reply: Encodable {
        var code: Int
        var msg: String
    }

    public func add<Context: RequestContext>(to group: RouterGroup<Context>) {
        group.post("aliyun") { request, context in try await self.receive(request, logger: context.logger) }
    }

    func receive(_ request: Request, logger: Logger) async throws -> Response {
        try await ReceiptPush.receive(request, reports: Report.self, source: "aliyun", maxBodyBytes: maxBodyBytes, recorder: recorder,
                                      logger: logger, reply: { Reply(code: $0, msg: $1) }, received: "接收成功")
    }
}
