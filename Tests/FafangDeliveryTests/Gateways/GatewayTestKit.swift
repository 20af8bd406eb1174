import FafangCore
import FafangDelivery
import Foundation

/// Every gateway built with fixed, fake secrets and a fixed clock, for the shared tests.
///
/// All secrets contain `SECRET-XYZ` and all URL tokens `TOKEN-`, so a test can look for any
/// fragment of them in what must stay clean.
enum GatewayTestKit {
    /// 2021-06-20T01:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_624_150_800)
    static let phone = PhoneNumber("13812345678")!  // a literal known valid; Phone's own tests cover parsing
    static let rules = SMSTextRules(signature: "银城铺乡财政所", maxSegments: 3)
    static let timeouts = GatewayTimeouts(connectMilliseconds: 3_000, totalMilliseconds: 10_000)

    static let dingtalkURL = Secret("https://oapi.dingtalk.com/robot/send?access_token=TOKEN-DINGTALK-0123456789")
    static let dingtalkSecret = Secret("SECRET-XYZ-dingtalk-0123456789")
    static let wecomURL = Secret("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=TOKEN-WECOM-0123456789")
    static let feishuURL = Secret("https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN-FEISHU-0123456789")
    static let feishuSecret = Secret("SECRET-XYZ-feishu-0123456789")
    static let webhookURL = "https://hooks.village.example/fafang?token=TOKEN-WEBHOOK-0123456789"
    /// The Standard Webhooks specification's example secret.
    static let webhookSecret = Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    static let kannelPassword = Secret("SECRET-XYZ-kannel")
    static let aliyunSecret = Secret("SECRET-XYZ-aliyun")
    static let tencentSecret = Secret("SECRET-XYZ-tencent")
    static let httpSecret = Secret("SECRET-XYZ-http")

    /// Fragments that must never appear in a reason, an error or a printed URL.
    static let forbidden = ["SECRET-XYZ", "TOKEN-", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "13812345678"]

    static func dingtalk(_ format: Endpoint.Format = .text) -> DingTalkRobotGateway {
        DingTalkRobotGateway(name: "village-v01", url: dingtalkURL, secret: dingtalkSecret, format: format, timeouts: timeouts)
    }

    static func wecom(_ format: Endpoint.Format = .text) -> WeComRobotGateway {
        WeComRobotGateway(name: "village-v02", url: wecomURL, format: format, timeouts: timeouts)
    }

    static func feishu() -> FeishuBotGateway {
        FeishuBotGateway(name: "village-v03", url: feishuURL, secret: feishuSecret, timeouts: timeouts)
    }

    static func webhook() throws -> StandardWebhookGateway {
        StandardWebhookGateway(name: "village-v04", url: webhookURL,
                               signer: try StandardWebhookSigner(secrets: [webhookSecret]), timeouts: timeouts)
    }

    static let kannelSettings = KannelSettings(
        url: "http://127.0.0.1:13013/cgi-bin/sendsms", username: "fafang", password: .file("/unused"), from: "10690000",
        receiptURL: "http://127.0.0.1:8088/receipts/kannel")

    static func kannel(_ settings: KannelSettings = kannelSettings) -> KannelGateway {
        KannelGateway(name: "kannel", settings: settings, password: kannelPassword, rules: rules, timeouts: timeouts)
    }

    /// The approved templates of the cloud gateways: payment_recorded with the payee's name and the amount.
    static let cloudTemplates: [DueEvent.Kind: CloudSMSTemplate] = [
        .paymentRecorded: CloudSMSTemplate(code: "SMS_000001", parameters: ["payee_name", "amount"]),
    ]

    static let aliyunSettings = AliyunSMSSettings(accessKeyID: "LTAI-test-id", accessKeySecret: .file("/unused"),
                                                  signName: "银城铺乡财政所", templates: cloudTemplates)

    static func aliyun() -> AliyunSMSGateway {
        AliyunSMSGateway(name: "aliyun", settings: aliyunSettings, accessKeySecret: aliyunSecret, timeouts: timeouts,
                         nonce: { "6a4b0d5e-4f3c-4b8e-9a0d-2f1e3c4b5a69" })
    }

    static let tencentSettings = TencentSMSSettings(
        secretID: "AKID-test-id", secretKey: .file("/unused"), smsSdkAppID: "1400000000", signName: "银城铺乡财政所",
        templates: [.paymentRecorded: CloudSMSTemplate(code: "1000001", parameters: ["payee_name", "amount"])])

    static func tencent() -> TencentSMSGateway {
        TencentSMSGateway(name: "tencent", settings: tencentSettings, secretKey: tencentSecret, timeouts: timeouts)
    }

    static let httpSettings = HTTPSMSSettings(
        url: "https://sms.county.example/api/send?key={secret}", method: "POST",
        headers: [.init(name: "X-Request-Id", value: "{id}")],
        body: #"{"mobile": "{phone}", "content": "{text}", "ref": "{id}"}"#, bodyFormat: .json, secret: .file("/unused"),
        successJSONPath: "status", successJSONValue: "0", referenceJSONPath: "data.msgid")

    static func http(_ settings: HTTPSMSSettings = httpSettings) -> HTTPSMSGateway {
        HTTPSMSGateway(name: "county-sms", settings: settings, secret: httpSecret, rules: rules, timeouts: timeouts)
    }

    /// A household SMS with template parameters for the cloud gateways (more than their
    /// templates take: only the configured ones are sent).
    static let smsMessage = OutboundMessage(
        idempotencyKey: "pay:RENT01:H1:2021-06-20", recipient: .phone(phone),
        text: "王一户：天柱租地费 2,160.00 元已于6月20日发放，请查收。咨询 0315-0000000。", kind: .paymentRecorded,
        templateParameters: ["payee_name": "王一", "amount": "2160.00", "hotline": "0315-0000000"])

    /// A committee message for endpoint `name`; it mentions a household's number, which only the
    /// request body may carry.
    static func robotMessage(_ name: String) -> OutboundMessage {
        OutboundMessage(idempotencyKey: "digest:V1:2021-06-20", recipient: .endpoint(name),
                        text: "甲村：今日发放 2 户，王一（13812345678）已到账。", title: "发放日报")
    }

    static func response(_ status: Int, _ body: String, headers: [HTTPHeader] = []) -> HTTPOutcome {
        HTTPOutcome(result: .success(HTTPResponse(status: status, headers: headers, body: Array(body.utf8))))
    }
}
