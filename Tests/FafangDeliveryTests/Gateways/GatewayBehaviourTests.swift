import FafangCore
@testable import FafangDelivery
import Foundation
import Testing

/// The choices each gateway makes beyond the recorded exchange: encodings, limits, options.
@Suite("Gateways: options and limits")
struct GatewayBehaviourTests {
    let now = GatewayTestKit.now

    func query(_ request: HTTPRequest) -> [String: String] {
        let query = request.url.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        var items: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            items[parts[0]] = parts.count > 1 ? PercentEncoding.decode(parts[1]) : ""
        }
        return items
    }

    @Test func kannelDeliveryReportURLCarriesTheKey() throws {
        let request = try GatewayTestKit.kannel().request(for: GatewayTestKit.smsMessage, now: now)
        let items = query(request)
        #expect(items["dlr-mask"] == "27")
        #expect(items["dlr-url"] == "http://127.0.0.1:8088/receipts/kannel?id=pay%3ARENT01%3AH1%3A2021-06-20&type=%d&reply=%A&at=%T")
        #expect(items["coding"] == "2" && items["charset"] == "UTF-8")
        #expect(items["text"]?.hasPrefix("【银城铺乡财政所】王一户") == true)
    }

    @Test func kannelWithoutReceiptURLAsksForNoReports() throws {
        var settings = GatewayTestKit.kannelSettings
        settings.receiptURL = nil
        settings.numberFormat = .e164
        settings.from = nil
        let items = query(try GatewayTestKit.kannel(settings).request(for: GatewayTestKit.smsMessage, now: now))
        #expect(items["dlr-mask"] == nil && items["dlr-url"] == nil && items["from"] == nil)
        #expect(items["to"] == "+8613812345678")
    }

    @Test func kannelSendsSevenBitForAllGSMText() throws {
        let gateway = KannelGateway(name: "kannel", settings: GatewayTestKit.kannelSettings, password: GatewayTestKit.kannelPassword,
                                    rules: SMSTextRules(signature: "", maxSegments: 1))
        var message = GatewayTestKit.smsMessage
        message.text = "Payment of 2160.00 yuan sent."
        #expect(query(try gateway.request(for: message, now: now))["coding"] == "0")
    }

    @Test func kannelRefusesKeysThatCannotTravelInADLRURL() {
        var message = GatewayTestKit.smsMessage
        message.idempotencyKey = "发放:1"
        #expect(throws: GatewayError.self) { _ = try GatewayTestKit.kannel().request(for: message, now: now) }
    }

    @Test func kannelRefusesTooLongText() {
        var message = GatewayTestKit.smsMessage
        message.text = String(repeating: "发", count: 200)
        #expect {
            _ = try GatewayTestKit.kannel().request(for: message, now: now)
        } throws: { "\($0)".contains("4 segments, more than max_segments = 3") }
    }

    @Test("WeCom cuts on a character boundary within the byte limit", arguments: [
        (WeComRobotGateway.textByteLimit, Endpoint.Format.text), (WeComRobotGateway.markdownByteLimit, .markdown),
    ])
    func weComTruncates(limit: Int, format: Endpoint.Format) throws {
        var message = GatewayTestKit.robotMessage("village-v02")
        message.title = nil
        message.text = String(repeating: "发放", count: 2000)  // 12,000 bytes
        let request = try GatewayTestKit.wecom(format).request(for: message, now: now)
        let content = try #require(JSONReply(request.body).string(at: "\(format.rawValue).content"))
        #expect(content.utf8.count <= limit)
        #expect(content.utf8.count > limit - 6)
        #expect(content.hasSuffix(WeComRobotGateway.truncationMarker))
        #expect(WeComRobotGateway.truncated("短", toBytes: limit) == "短")
    }

    @Test func dingTalkMarkdownHasATitle() throws {
        let request = try GatewayTestKit.dingtalk(.markdown).request(for: GatewayTestKit.robotMessage("village-v01"), now: now)
        let reply = JSONReply(request.body)
        #expect(reply.string(at: "msgtype") == "markdown")
        #expect(reply.string(at: "markdown.title") == "发放日报")
        #expect(reply.string(at: "markdown.text")?.hasPrefix("### 发放日报\n\n甲村") == true)
    }

    @Test func unsignedRobotsAndWebhooks() throws {
        let feishu = FeishuBotGateway(name: "village-v03", url: GatewayTestKit.feishuURL, secret: nil)
        let body = JSONReply(try feishu.request(for: GatewayTestKit.robotMessage("village-v03"), now: now).body)
        #expect(body.string(at: "sign") == nil && body.string(at: "timestamp") == nil && body.string(at: "msg_type") == "text")
        let dingtalk = DingTalkRobotGateway(name: "village-v01", url: GatewayTestKit.dingtalkURL, secret: nil)
        #expect(try dingtalk.request(for: GatewayTestKit.robotMessage("village-v01"), now: now).url == GatewayTestKit.dingtalkURL.reveal)
        let webhook = StandardWebhookGateway(name: "village-v04", url: "http://127.0.0.1:9/hook", signer: nil)
        let request = try webhook.request(for: GatewayTestKit.robotMessage("village-v04"), now: now)
        #expect(request.headers.value(for: "webhook-signature") == nil)
        #expect(request.headers.value(for: "webhook-id") == "digest:V1:2021-06-20")
    }

    @Test func robotsTakeOnlyTheirOwnEndpoint() {
        #expect(throws: GatewayError.self) {
            _ = try GatewayTestKit.dingtalk().request(for: GatewayTestKit.robotMessage("village-v09"), now: now)
        }
        #expect(throws: GatewayError.self) {
            _ = try GatewayTestKit.kannel().request(for: GatewayTestKit.robotMessage("village-v01"), now: now)
        }
    }

    @Test(arguments: ["a.b", "", "a b", String(repeating: "k", count: 256)])
    func webhookIDsThatCannotBeSigned(key: String) throws {
        var message = GatewayTestKit.robotMessage("village-v04")
        message.idempotencyKey = key
        #expect(throws: GatewayError.self) { _ = try GatewayTestKit.webhook().request(for: message, now: now) }
    }

    @Test func feishuRefusesBodiesOver20KB() {
        var message = GatewayTestKit.robotMessage("village-v03")
        message.text = String(repeating: "发", count: 7_000)
        #expect(throws: GatewayError.self) { _ = try GatewayTestKit.feishu().request(for: message, now: now) }
    }

    @Test func tencentNeedsEveryTemplateParameter() {
        var message = GatewayTestKit.smsMessage
        message.templateParameters = ["payee_name": "王一"]
        #expect {
            _ = try GatewayTestKit.tencent().request(for: message, now: now)
        } throws: { "\($0)".contains("template parameter \"amount\"") }
    }

    @Test func httpFormGetAndHeaders() throws {
        let form = HTTPSMSSettings(url: "https://sms.example/send", body: "to={phone}&msg={text}&ref={id}", bodyFormat: .form,
                                   numberFormat: .e164, successContains: "OK")
        let request = try GatewayTestKit.http(form).request(for: GatewayTestKit.smsMessage, now: now)
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(body.hasPrefix("to=%2B8613812345678&msg=%E3%80%90"))
        #expect(request.headers.value(for: "Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
        let gateway = GatewayTestKit.http(form)
        #expect(gateway.interpret(GatewayTestKit.response(200, "OK 1 sent"), for: GatewayTestKit.smsMessage, now: now) == .delivered(reference: nil))
        #expect(!gateway.interpret(GatewayTestKit.response(200, "FAIL"), for: GatewayTestKit.smsMessage, now: now).isRetryable)

        let get = HTTPSMSSettings(url: "https://sms.example/send?to={phone}&msg={text}", method: "GET",
                                  headers: [.init(name: "X-Text", value: "{text}")])
        var message = GatewayTestKit.smsMessage
        message.text = "第一行\n第二行"
        #expect(throws: GatewayError.self) { _ = try GatewayTestKit.http(get).request(for: message, now: now) }
        let plain = try GatewayTestKit.http(HTTPSMSSettings(url: get.url, method: "GET")).request(for: message, now: now)
        #expect(plain.method == .get && plain.body.isEmpty)
        #expect(plain.url.contains("msg=%E3%80%90") && plain.url.contains("%0A"))
    }
}
