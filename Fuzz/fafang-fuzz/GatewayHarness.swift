import FafangCore
import FafangDelivery
import FafangFuzzKit
import Foundation

/// Every gateway's `interpret`: its reading of the vendor's reply (JSON bodies, Kannel's text,
/// `Retry-After`), for one message and, for the cloud SMS gateways, for a batch.
///
/// Input: byte 0 picks the gateway, byte 1 the HTTP status, byte 2 the batch size (bits 0–1),
/// whether the body's first line is a `Retry-After` value (bit 2) and whether the body was
/// truncated (bit 3); the rest is the body.
enum GatewayHarness {
    static let now = Date(timeIntervalSince1970: 1_624_150_800)
    static let timeouts = GatewayTimeouts(connectMilliseconds: 3_000, totalMilliseconds: 10_000)
    static let rules = SMSTextRules(signature: "银城铺乡财政所", maxSegments: 3)
    static let templates: [DueEvent.Kind: CloudSMSTemplate] = [
        .paymentRecorded: CloudSMSTemplate(code: "SMS_000001", parameters: ["payee_name", "amount"]),
    ]
    static let statuses = [200, 201, 202, 204, 301, 400, 401, 403, 404, 408, 413, 429, 500, 502, 503, 504]

    static let gateways: [any Gateway] = {
        var all: [any Gateway] = [
            DingTalkRobotGateway(name: "dingtalk", url: Secret("https://oapi.dingtalk.com/robot/send?access_token=TOKEN"),
                                 secret: Secret("SECRET-dingtalk"), timeouts: timeouts),
            WeComRobotGateway(name: "wecom", url: Secret("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=TOKEN"), timeouts: timeouts),
            FeishuBotGateway(name: "feishu", url: Secret("https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN"),
                             secret: Secret("SECRET-feishu"), timeouts: timeouts),
            KannelGateway(name: "kannel", settings: KannelSettings(url: "http://127.0.0.1:13013/cgi-bin/sendsms", username: "fafang",
                                                                  password: .file("/unused"), from: "10690000"),
                          password: Secret("SECRET-kannel"), rules: rules, timeouts: timeouts),
            AliyunSMSGateway(name: "aliyun", settings: AliyunSMSSettings(accessKeyID: "LTAI-id", accessKeySecret: .file("/unused"),
                                                                         signName: "银城铺乡财政所", templates: templates),
                             accessKeySecret: Secret("SECRET-aliyun"), timeouts: timeouts),
            TencentSMSGateway(name: "tencent", settings: TencentSMSSettings(secretID: "AKID-id", secretKey: .file("/unused"),
                                                                            smsSdkAppID: "1400000000", signName: "银城铺乡财政所",
                                                                            templates: templates),
                              secretKey: Secret("SECRET-tencent"), timeouts: timeouts),
            HTTPSMSGateway(name: "county-sms", settings: HTTPSMSSettings(
                url: "https://sms.county.example/api/send?key={secret}", method: "POST",
                body: #"{"mobile": "{phone}", "content": "{text}", "ref": "{id}"}"#, bodyFormat: .json, secret: .file("/unused"),
                successJSONPath: "status", successJSONValue: "0", referenceJSONPath: "data.msgid"),
                secret: Secret("SECRET-http"), rules: rules, timeouts: timeouts),
            HTTPSMSGateway(name: "plain-sms", settings: HTTPSMSSettings(url: "https://sms.county.example/send?to={phone}", method: "GET", successContains: "OK"),
                           secret: nil, rules: rules, timeouts: timeouts),
        ]
        if let signer = try? StandardWebhookSigner(secrets: [Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]) {
            all.append(StandardWebhookGateway(name: "webhook", url: "https://hooks.village.example/fafang", signer: signer, timeouts: timeouts))
        }
        return all
    }()

    static let messages: [OutboundMessage] = (1...3).map { number in
        OutboundMessage(idempotencyKey: "pay:RENT01:H\(number):2021-06-20", recipient: .phone(phone(number)),
                        text: "王一户：天柱租地费 2,160.00 元已于6月20日发放，请查收。", kind: .paymentRecorded,
                        templateParameters: ["payee_name": "王一", "amount": "2160.00"])
    }

    /// 1381234567N, valid for every N from 1 to 3 (Phone's own tests cover parsing).
    private static func phone(_ number: Int) -> PhoneNumber {
        guard let phone = PhoneNumber("1381234567\(number)") else { preconditionFailure("1381234567\(number) is a valid mobile number") }
        return phone
    }

    static func run(_ data: Data) {
        guard data.count >= 3 else { return }
        let bytes = [UInt8](data)
        let gateway = gateways[Int(bytes[0]) % gateways.count]
        let status = statuses[Int(bytes[1]) % statuses.count]
        let flags = bytes[2]
        var body = Array(bytes[3...])
        var headers: [HTTPHeader] = []
        if flags & 4 != 0 {
            let end = body.firstIndex(of: UInt8(ascii: "\n")) ?? body.endIndex
            headers.append(HTTPHeader("Retry-After", String(decoding: body[..<end], as: UTF8.self)))
            body = Array(body[min(end + 1, body.endIndex)...])
        }
        let outcome = HTTPOutcome(result: .success(HTTPResponse(status: status, headers: headers, body: body, bodyTruncated: flags & 8 != 0)))
        let batch = gateway.batchLimit > 1 ? Array(messages.prefix(1 + Int(flags & 3) % 3)) : [messages[0]]
        if batch.count == 1 {
            blackHole(gateway.interpret(outcome, for: batch[0], now: now))
        } else {
            blackHole(gateway.interpret(outcome, for: batch, now: now))
        }
    }
}
