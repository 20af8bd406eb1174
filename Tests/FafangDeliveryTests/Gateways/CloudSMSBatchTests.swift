import FafangCore
@testable import FafangDelivery
import Foundation
import Testing

/// Aliyun SendBatchSms and Tencent SendSms with several numbers: the requests, the per-number
/// results, what a batch may hold, and how `batches(_:)` groups messages for the dispatcher.
@Suite("Gateways: cloud SMS batches")
struct CloudSMSBatchTests {
    static let now = GatewayTestKit.now

    /// A payment_recorded SMS to 170-0000-000`n` (test numbers), for `name` and `amount`.
    static func message(_ n: Int, name: String = "王一", amount: String = "2160.00", kind: DueEvent.Kind? = .paymentRecorded) -> OutboundMessage {
        OutboundMessage(idempotencyKey: "pay:RENT01:H\(n):2021-06-20", recipient: .phone(PhoneNumber("1700000000\(n)")!),
                        text: "unused by cloud gateways", kind: kind,
                        templateParameters: ["payee_name": name, "amount": amount, "hotline": "0315-0000000"])
    }

    static let templates: [DueEvent.Kind: CloudSMSTemplate] = [
        .paymentRecorded: CloudSMSTemplate(code: "SMS_000001", parameters: ["payee_name", "amount"]),
        .paymentInProgress: CloudSMSTemplate(code: "SMS_000002", parameters: ["hotline"]),
    ]

    static func aliyun() -> AliyunSMSGateway {
        var settings = GatewayTestKit.aliyunSettings
        settings.templates = templates
        return AliyunSMSGateway(name: "aliyun", settings: settings, accessKeySecret: GatewayTestKit.aliyunSecret,
                                timeouts: GatewayTestKit.timeouts, nonce: { "6a4b0d5e-4f3c-4b8e-9a0d-2f1e3c4b5a69" })
    }

    static func tencent() -> TencentSMSGateway {
        var settings = GatewayTestKit.tencentSettings
        settings.templates = templates
        return TencentSMSGateway(name: "tencent", settings: settings, secretKey: GatewayTestKit.tencentSecret, timeouts: GatewayTestKit.timeouts)
    }

    /// `a=1&b=2` decoded.
    static func form(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            result[PercentEncoding.decode(parts[0]) ?? parts[0]] = parts.count > 1 ? PercentEncoding.decode(parts[1]) : ""
        }
        return result
    }

    // MARK: Aliyun

    /// The signature computed independently (Python 3, stdlib only):
    /// params = {AccessKeyId: LTAI-test-id, Action: SendBatchSms, Format: JSON, PhoneNumberJson: ["17000000001","17000000002"],
    ///   RegionId: cn-hangzhou, SignNameJson: ["银城铺乡财政所","银城铺乡财政所"], SignatureMethod: HMAC-SHA1,
    ///   SignatureNonce: 6a4b0d5e-…, SignatureVersion: 1.0, TemplateCode: SMS_000001,
    ///   TemplateParamJson: json.dumps([{"payee_name":"王一","amount":"2160.00"},{"payee_name":"李二","amount":"1,080.00"}],
    ///   sort_keys=True, separators=(",",":"), ensure_ascii=False), Timestamp: 2021-06-20T01:00:00Z, Version: 2017-05-25}
    /// canonical = "&".join(quote(k,"-_.~")+"="+quote(v,"-_.~") for k,v in sorted(params.items()))
    /// base64(hmac.new(b"SECRET-XYZ-aliyun&", ("POST&%2F&"+quote(canonical,"-_.~")).encode(), sha1).digest())
    @Test func aliyunBatchIsASignedFormPostOfSendBatchSms() throws {
        let messages = [Self.message(1), Self.message(2, name: "李二", amount: "1,080.00")]
        let request = try Self.aliyun().request(for: messages, now: Self.now)
        #expect(request.method == .post)
        #expect(request.url == "https://dysmsapi.aliyuncs.com/")
        #expect(request.headers.value(for: "Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(body.hasPrefix("Signature=Furx47MjL4L9uyp5YXAmJxdeq90%3D&AccessKeyId=LTAI-test-id&Action=SendBatchSms&"))
        let parameters = Self.form(body)
        #expect(parameters["PhoneNumberJson"] == #"["17000000001","17000000002"]"#)
        #expect(parameters["SignNameJson"] == #"["银城铺乡财政所","银城铺乡财政所"]"#)
        #expect(parameters["TemplateCode"] == "SMS_000001")
        #expect(parameters["TemplateParamJson"] == #"[{"amount":"2160.00","payee_name":"王一"},{"amount":"1,080.00","payee_name":"李二"}]"#)
        #expect(parameters["OutId"] == nil, "one OutId per request: it must not look like one message's key")
        #expect(parameters["TemplateParam"] == nil && parameters["PhoneNumbers"] == nil)
        #expect(request.connectTimeoutMilliseconds == 3_000 && request.totalTimeoutMilliseconds == 10_000)
    }

    @Test func aliyunSingleMessageInABatchIsSendSms() throws {
        let gateway = Self.aliyun()
        let single = try gateway.request(for: [Self.message(1)], now: Self.now)
        #expect(single == (try gateway.request(for: Self.message(1), now: Self.now)))
        #expect(single.method == .get && single.url.contains("Action=SendSms&"))
        #expect(single.url.contains("OutId=pay%3ARENT01%3AH1%3A2021-06-20"))
        // Only the template's parameters are sent, not every field the message has.
        #expect(single.url.contains("TemplateParam=%7B%22amount%22%3A%222160.00%22%2C%22payee_name%22%3A%22%E7%8E%8B%E4%B8%80%22%7D&"))
    }

    @Test func aliyunTemplateWithoutVariablesSendsNoTemplateParamJson() throws {
        var settings = GatewayTestKit.aliyunSettings
        settings.templates = [.paymentRecorded: CloudSMSTemplate(code: "SMS_000009", parameters: [])]
        let gateway = AliyunSMSGateway(name: "aliyun", settings: settings, accessKeySecret: GatewayTestKit.aliyunSecret)
        let request = try gateway.request(for: [Self.message(1), Self.message(2)], now: Self.now)
        let parameters = Self.form(String(decoding: request.body, as: UTF8.self))
        #expect(parameters["TemplateParamJson"] == nil && parameters["TemplateCode"] == "SMS_000009")
    }

    @Test func aliyunBatchOfMixedKindsIsRefused() {
        let messages = [Self.message(1), Self.message(2, kind: .paymentInProgress)]
        #expect {
            _ = try Self.aliyun().request(for: messages, now: Self.now)
        } throws: { error in
            "\(error)".contains("a batch takes one kind of message (one TemplateCode), not payment_recorded and payment_in_progress")
        }
    }

    @Test func aBatchWithOneNumberTwiceIsRefusedWithTheNumberMasked() {
        for gateway in [Self.aliyun() as any Gateway, Self.tencent()] {
            #expect {
                _ = try gateway.request(for: [Self.message(1), Self.message(1)], now: Self.now)
            } throws: { error in
                "\(error)".contains("170****0001 is twice in one batch") && !"\(error)".contains("17000000001")
            }
        }
    }

    @Test func aliyunAnswersForTheWholeBatch() {
        let gateway = Self.aliyun()
        let messages = [Self.message(1), Self.message(2), Self.message(3)]
        // SendBatchSms's documented reply: one BizId for the request.
        let ok = GatewayTestKit.response(200, #"{"Code": "OK", "Message": "OK", "BizId": "9006197469364984400", "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"}"#)
        #expect(gateway.interpret(ok, for: messages, now: Self.now) == Array(repeating: .delivered(reference: "9006197469364984400"), count: 3))
        let limited = GatewayTestKit.response(200, #"{"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发天级流控Permits:10", "RequestId": "A1"}"#)
        let verdicts = gateway.interpret(limited, for: messages, now: Self.now)
        #expect(verdicts.count == 3)
        for verdict in verdicts {
            guard case let .retry(reason, after) = verdict else {
                Issue.record("\(verdict)")
                continue
            }
            #expect(after == .seconds(3600))
            #expect(reason.contains("isv.BUSINESS_LIMIT_CONTROL (HTTP 200, for a batch of 3)"))
        }
    }

    // MARK: Tencent

    /// Tencent's documented SendSms example (API Explorer, 2021-01-11): two numbers, one template
    /// parameter; the reply lists +8618511122233 first though the request named it second.
    @Test func tencentDocumentedExampleMatchesRowsByNumber() throws {
        var settings = GatewayTestKit.tencentSettings
        settings.smsSdkAppID = "1400006666"
        settings.signName = "腾讯云"
        settings.templates = [.paymentRecorded: CloudSMSTemplate(code: "1234", parameters: ["amount"])]
        let gateway = TencentSMSGateway(name: "tencent", settings: settings, secretKey: GatewayTestKit.tencentSecret)
        func message(_ phone: String) -> OutboundMessage {
            OutboundMessage(idempotencyKey: "k-\(phone)", recipient: .phone(PhoneNumber(phone)!), text: "", kind: .paymentRecorded,
                            templateParameters: ["amount": "12345"])
        }
        let messages = [message("18511122266"), message("18511122233")]
        let request = try gateway.request(for: messages, now: Self.now)
        #expect(String(decoding: request.body, as: UTF8.self)
            == #"{"PhoneNumberSet":["+8618511122266","+8618511122233"],"SignName":"腾讯云","SmsSdkAppId":"1400006666","TemplateId":"1234","TemplateParamSet":["12345"]}"#)
        let reply = GatewayTestKit.response(200, """
        {"Response": {"SendStatusSet": [
          {"SerialNo": "5000:1045710669157053657849499619", "PhoneNumber": "+8618511122233", "Fee": 1, "SessionContext": "test",
           "Code": "Ok", "Message": "send success", "IsoCode": "CN"},
          {"SerialNo": "5000:1045710669157053657849499718", "PhoneNumber": "+8618511122266", "Fee": 1, "SessionContext": "test",
           "Code": "Ok", "Message": "send success", "IsoCode": "CN"}],
         "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279"}}
        """)
        #expect(gateway.interpret(reply, for: messages, now: Self.now)
            == [.delivered(reference: "5000:1045710669157053657849499718"), .delivered(reference: "5000:1045710669157053657849499619")])
    }

    /// The documented reply shape with the middle number throttled and one row missing.
    @Test func tencentPartlyFailedRequestGivesEachNumberItsOwnVerdict() {
        let messages = [Self.message(1), Self.message(2), Self.message(3), Self.message(4)]
        let reply = GatewayTestKit.response(200, """
        {"Response": {"SendStatusSet": [
          {"SerialNo": "5000:0003", "PhoneNumber": "+8617000000003", "Fee": 1, "SessionContext": "", "Code": "Ok", "Message": "send success", "IsoCode": "CN"},
          {"SerialNo": "", "PhoneNumber": "+8617000000002", "Fee": 0, "SessionContext": "",
           "Code": "LimitExceeded.PhoneNumberThirtySecondLimit",
           "Message": "the number of sms messages sent from a single mobile number within 30 seconds exceeds the upper limit", "IsoCode": "CN"},
          {"SerialNo": "5000:0001", "PhoneNumber": "+8617000000001", "Fee": 1, "SessionContext": "", "Code": "Ok", "Message": "send success", "IsoCode": "CN"}],
         "RequestId": "b0"}}
        """)
        let verdicts = Self.tencent().interpret(reply, for: messages, now: Self.now)
        #expect(verdicts.count == 4)
        #expect(verdicts[0] == .delivered(reference: "5000:0001"))
        #expect(verdicts[2] == .delivered(reference: "5000:0003"))
        guard case let .retry(reason, after) = verdicts[1] else {
            Issue.record("\(verdicts[1])")
            return
        }
        #expect(after == .seconds(30) && reason.contains("LimitExceeded.PhoneNumberThirtySecondLimit"))
        guard case let .permanent(missing) = verdicts[3] else {
            Issue.record("\(verdicts[3])")
            return
        }
        #expect(missing.contains("no status for this number") && !missing.contains("17000000004"))
    }

    @Test func tencentWholeRequestErrorIsEveryNumbersVerdict() {
        let messages = [Self.message(1), Self.message(2)]
        let reply = GatewayTestKit.response(200, #"{"Response": {"Error": {"Code": "FailedOperation.InsufficientBalanceInSmsPackage", "Message": "insufficient balance"}, "RequestId": "b9"}}"#)
        let verdicts = Self.tencent().interpret(reply, for: messages, now: Self.now)
        #expect(verdicts.count == 2)
        for verdict in verdicts {
            guard case let .retry(reason, after) = verdict else {
                Issue.record("\(verdict)")
                continue
            }
            #expect(after == .seconds(3600) && reason.contains("InsufficientBalanceInSmsPackage"))
        }
    }

    @Test func tencentBatchTakesOneParameterSet() throws {
        let same = [Self.message(1), Self.message(2), Self.message(3)]
        let request = try Self.tencent().request(for: same, now: Self.now)
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(body.contains(#""PhoneNumberSet":["+8617000000001","+8617000000002","+8617000000003"]"#))
        #expect(body.contains(#""TemplateParamSet":["王一","2160.00"]"#))
        #expect(!body.contains("SessionContext"), "one SessionContext per request: it must not look like one message's key")
        #expect(try Self.tencent().request(for: [Self.message(1)], now: Self.now).body.count > 0)
        #expect(String(decoding: try Self.tencent().request(for: Self.message(1), now: Self.now).body, as: UTF8.self)
            .contains(#""SessionContext":"pay:RENT01:H1:2021-06-20""#))

        #expect {
            _ = try Self.tencent().request(for: [Self.message(1), Self.message(2, name: "李二")], now: Self.now)
        } throws: { error in
            let text = "\(error)"
            return text.contains("one TemplateParamSet for every number") && !text.contains("李二")
        }
        #expect {
            _ = try Self.tencent().request(for: [Self.message(1), Self.message(2, kind: .paymentInProgress)], now: Self.now)
        } throws: { "\($0)".contains("one kind of message (one TemplateId)") }
    }

    // MARK: Templates

    @Test func aMessageWithoutKindOrTemplateIsRefused() {
        for gateway in [Self.aliyun() as any Gateway, Self.tencent()] {
            #expect {
                _ = try gateway.request(for: Self.message(1, kind: nil), now: Self.now)
            } throws: { "\($0)".contains("the message has no kind") && "\($0)".contains("--kind") }
            #expect {
                _ = try gateway.request(for: Self.message(1, kind: .milestoneOverdue), now: Self.now)
            } throws: { "\($0)".contains("no template for milestone_overdue messages: add milestone_overdue = \"…\" to [gateways.\(gateway.name).templates]") }
        }
    }

    @Test func aMissingParameterIsNamedNotItsValue() {
        var message = Self.message(1)
        message.templateParameters["amount"] = nil
        for gateway in [Self.aliyun() as any Gateway, Self.tencent()] {
            #expect {
                _ = try gateway.request(for: message, now: Self.now)
            } throws: { error in
                let text = "\(error)"
                return text.contains("the payment_recorded message lacks template parameter \"amount\"") && !text.contains("王一")
            }
        }
    }

    // MARK: Grouping

    @Test func aliyunGroupsByKindTencentByKindAndParameters() {
        let messages = [
            Self.message(1), Self.message(2, name: "李二"), Self.message(3, kind: .paymentInProgress),
            Self.message(4), Self.message(5, kind: nil), Self.message(1, name: "王一"), Self.message(6, kind: .paymentInProgress),
        ]
        func phones(_ batches: [[OutboundMessage]]) -> [[String]] {
            batches.map { $0.map { if case let .phone(phone) = $0.recipient { String(phone.digits.suffix(1)) } else { "?" } } }
        }
        // One number once per batch: the second message to …0001 starts another.
        #expect(phones(Self.aliyun().batches(messages)) == [["1", "2", "4"], ["3", "6"], ["5"], ["1"]])
        #expect(phones(Self.tencent().batches(messages)) == [["1", "4"], ["2"], ["3", "6"], ["5"], ["1"]])
        #expect(phones(GatewayTestKit.kannel().batches(messages)).count == messages.count)
        // The batches the gateways build requests for are the batches they accept.
        for gateway in [Self.aliyun() as any Gateway, Self.tencent()] {
            #expect(gateway.batches(messages).count < messages.count, "grouped through `any Gateway` too")
            for batch in gateway.batches(messages) where batch.first?.kind != nil {
                #expect(throws: Never.self) { _ = try gateway.request(for: batch, now: Self.now) }
            }
        }
    }

    @Test func batchesRespectTheLimit() {
        let many = (0..<250).map { index in
            OutboundMessage(idempotencyKey: "k\(index)", recipient: .phone(PhoneNumber(String(17_000_000_000 + index))!), text: "",
                            kind: .paymentRecorded, templateParameters: ["payee_name": "王一", "amount": "1.00"])
        }
        #expect(Self.aliyun().batches(many).map(\.count) == [100, 100, 50])
        #expect(Self.tencent().batches(many).map(\.count) == [200, 50])
        #expect(Self.aliyun().batchLimit == 100 && Self.tencent().batchLimit == 200)
    }
}
