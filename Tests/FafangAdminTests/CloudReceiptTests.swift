import FafangAdmin
import FafangCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /receipts/aliyun` and `POST /receipts/tencent` with the vendors' documented bodies
/// (Aliyun SmsReport "HTTP 批量推送"; Tencent 短信下发状态通知): matched by our key when the vendor
/// echoes it, else by its reference; answered as each vendor expects.
@Suite("Admin: Aliyun and Tencent status reports", .serialized)
struct CloudReceiptTests {
    static let bearer: HTTPFields = [.authorization: "Bearer \(AdminTestRig.token)", .contentType: "application/json"]

    static func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    /// Aliyun's sample report, with our keys.
    static func aliyunReport(outID: String, bizID: String, success: Bool, phone: String = "13812345678") -> String {
        """
        {"phone_number": "\(phone)", "send_time": "2021-06-20 10:00:00", "report_time": "2021-06-20 10:00:05",
         "success": \(success), "err_code": "\(success ? "DELIVERED" : "MK:0001")", "err_msg": "\(success ? "用户接收成功" : "空号")",
         "sms_size": "1", "biz_id": "\(bizID)", "out_id": "\(outID)"}
        """
    }

    @Test func aliyunReportsSettleByOutIdOrBizId() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let byKey = try await rig.sentMessage(key: "K1", gateway: "aliyun", reference: "900001^0")
        let byReference = try await rig.sentMessage(key: "K2", gateway: "aliyun", reference: "900002^0")
        let body = "[" + Self.aliyunReport(outID: "K1", bizID: "900001^0", success: true) + ","
            + Self.aliyunReport(outID: "", bizID: "900002^0", success: false) + "]"
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: "/receipts/aliyun", method: .post, headers: Self.bearer, body: Self.body(body))
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == #"{"code":0,"msg":"接收成功"}"#)
        }
        #expect(try await rig.state(byKey) == .delivered)
        #expect(try await rig.state(byReference) == .failed)
        #expect(try await rig.receiptRecords(byReference).first?.detail == "MK:0001: 空号 (2021-06-20 10:00:05)")
        #expect(rig.log.all.contains { $0.contains("receipt recorded") && $0.contains("receipt.phone=138****5678") })
        rig.expectCleanLogs()
    }

    @Test func aliyunUnknownMessagesAreAcknowledgedAndChangeNothing() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let id = try await rig.sentMessage(key: "K1", gateway: "aliyun", reference: "900001^0")
        let body = "[" + Self.aliyunReport(outID: "K9", bizID: "999999^0", success: true) + "]"
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: "/receipts/aliyun", method: .post, headers: Self.bearer, body: Self.body(body))
            #expect(response.status == .ok)
        }
        #expect(try await rig.state(id) == .sent)
        #expect(try await rig.receipts(id).isEmpty)
        #expect(rig.log.all.contains { $0.hasPrefix("warning receipt for an unknown message") && $0.contains("receipt.phone=138****5678") })
        rig.expectCleanLogs()
    }

    @Test("malformed Aliyun bodies are 400", arguments: ["not json", #"{"out_id": "K1"}"#, #"[{"out_id": 5}]"#, ""])
    func aliyunMalformed(body: String) async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let id = try await rig.sentMessage(key: "K1", gateway: "aliyun")
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: "/receipts/aliyun", method: .post, headers: Self.bearer, body: Self.body(body))
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).hasPrefix(#"{"code":1,"msg":"expected a JSON array of status reports"#))
        }
        #expect(try await rig.receipts(id).isEmpty)
    }

    /// Tencent's sample callback, with our keys (`ext` only when the account has it enabled).
    static func tencentReport(sid: String, status: String, ext: String? = nil) -> String {
        """
        {"user_receive_time": "2021-06-20 10:00:05", "nationcode": "86", "mobile": "13812345678", "report_status": "\(status)",
         "errmsg": "\(status == "SUCCESS" ? "DELIVRD" : "MK:0001")", "description": "\(status == "SUCCESS" ? "用户短信送达成功" : "空号")",
         "sid": "\(sid)"\(ext.map { #", "ext": "\#($0)""# } ?? "")}
        """
    }

    @Test func tencentReportsSettleBySessionContextOrSerialNo() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let byKey = try await rig.sentMessage(key: "K1", gateway: "tencent", reference: "2433:0001")
        let byReference = try await rig.sentMessage(key: "K2", gateway: "tencent", reference: "2433:0002")
        let body = "[" + Self.tencentReport(sid: "unknown-sid", status: "SUCCESS", ext: "K1") + ","
            + Self.tencentReport(sid: "2433:0002", status: "FAIL") + "]"
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: "/receipts/tencent", method: .post, headers: Self.bearer, body: Self.body(body))
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == #"{"errmsg":"OK","result":0}"#)
        }
        #expect(try await rig.state(byKey) == .delivered)
        #expect(try await rig.state(byReference) == .failed)
        rig.expectCleanLogs()
    }

    @Test func tencentUnknownMessagesAreAcknowledgedAndChangeNothing() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let id = try await rig.sentMessage(key: "K1", gateway: "tencent", reference: "2433:0001")
        let body = "[" + Self.tencentReport(sid: "2433:9999", status: "SUCCESS") + "," + Self.tencentReport(sid: "2433:0001", status: "MAYBE") + "]"
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: "/receipts/tencent", method: .post, headers: Self.bearer, body: Self.body(body))
            #expect(response.status == .ok)
        }
        #expect(try await rig.state(id) == .sent)
        #expect(try await rig.receipts(id).isEmpty)
        rig.expectCleanLogs()
    }

    @Test("malformed Tencent bodies are 400", arguments: ["{", #"{"sid": "x"}"#, #"[{"sid": ["x"]}]"#])
    func tencentMalformed(body: String) async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: "/receipts/tencent", method: .post, headers: Self.bearer, body: Self.body(body))
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).hasPrefix(#"{"errmsg":"expected a JSON array of status reports"#))
        }
    }

    @Test("pushes need the token", arguments: ["/receipts/aliyun", "/receipts/tencent"])
    func pushesNeedTheToken(path: String) async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let id = try await rig.sentMessage(key: "K1", gateway: "aliyun", reference: "900001^0")
        try await rig.application().test(.router) { client in
            let body = Self.body("[" + Self.aliyunReport(outID: "K1", bizID: "900001^0", success: true) + "]")
            let status1 = try await client.execute(uri: path, method: .post, body: body).status
            #expect(status1 == .unauthorized)
            let status2 = try await client.execute(uri: path, method: .post, headers: [.authorization: "Bearer nope"], body: body).status
            #expect(status2 == .unauthorized)
            let status3 = try await client.execute(uri: path, method: .post, headers: [.authorization: "Basic \(AdminTestRig.token)"], body: body).status
            #expect(status3 == .unauthorized)
        }
        #expect(try await rig.state(id) == .sent)
        rig.expectCleanLogs()
    }

    @Test func anOversizedBodyIs413() async throws {
        let rig = try AdminTestRig(maxBodyBytes: 4096)
        defer { rig.remove() }
        let id = try await rig.sentMessage(key: "K1", gateway: "aliyun", reference: "900001^0")
        let reports = Array(repeating: Self.aliyunReport(outID: "K1", bizID: "900001^0", success: true), count: 30).joined(separator: ",")
        #expect(reports.utf8.count > 4096)
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: "/receipts/aliyun", method: .post, headers: Self.bearer, body: Self.body("[" + reports + "]"))
            #expect(response.status == .contentTooLarge)
            #expect(String(buffer: response.body) == #"{"error":"the request body is larger than 4096 bytes"}"#)
        }
        #expect(try await rig.receipts(id).isEmpty)
    }
}
