import FafangCore
import FafangDelivery
import Foundation
import Testing

@Suite("Gateway factory: settings and secrets to gateways")
struct GatewayFactoryTests {
    let rules = SMSTextRules(signature: "测试乡财政所", maxSegments: 3)

    @Test func buildsEveryKind() throws {
        let root = try SecretStoreTests.folder([
            "kannel": "SECRET-XYZ-kannel\n", "aliyun": "SECRET-XYZ-aliyun", "tencent": "SECRET-XYZ-tencent",
            "dingtalk-url": "https://oapi.dingtalk.com/robot/send?access_token=TOKEN-1\n", "dingtalk": "SECabc\n",
            "whsec": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let endpoints: [String: Endpoint] = [
            "v01": Endpoint(name: "v01", kind: .dingtalk, urlSecret: .file(root + "/dingtalk-url"), secret: .file(root + "/dingtalk"), format: .markdown),
            "v02": Endpoint(name: "v02", kind: .wecom, url: "http://127.0.0.1:9/robots/wecom"),
            "v03": Endpoint(name: "v03", kind: .feishu, url: "http://127.0.0.1:9/robots/feishu"),
            "v04": Endpoint(name: "v04", kind: .webhook, url: "https://hooks.example/x", secrets: .file(root + "/whsec")),
        ]
        let sms: [String: SMSGatewaySettings] = [
            "kannel": .init(name: "kannel", details: .kannel(.init(url: "http://127.0.0.1:13013/cgi-bin/sendsms", username: "u",
                                                                   password: .file(root + "/kannel"))), totalTimeoutMilliseconds: 4_000),
            "aliyun": .init(name: "aliyun", details: .aliyun(.init(accessKeyID: "id", accessKeySecret: .file(root + "/aliyun"),
                                                                   signName: "测试", templates: [:]))),
            "tencent": .init(name: "tencent", details: .tencent(.init(secretID: "id", secretKey: .file(root + "/tencent"),
                                                                      smsSdkAppID: "1400", signName: "测试", templates: [:]))),
            "http": .init(name: "http", details: .http(.init(url: "https://sms.example/send?to={phone}&msg={text}", method: "GET"))),
        ]
        let factory = GatewayFactory(secrets: SecretStore(credentialsDirectory: nil),
                                     engine: HTTPEngineSettings(connectTimeoutMilliseconds: 1_000, totalTimeoutMilliseconds: 9_000), sms: rules)
        let gateways = try factory.gateways(endpoints: endpoints, smsGateways: sms)
        #expect(Set(gateways.keys) == ["v01", "v02", "v03", "v04", "kannel", "aliyun", "tencent", "http"])
        #expect(gateways["v01"] is DingTalkRobotGateway)
        #expect(gateways["v04"] is StandardWebhookGateway)
        #expect(gateways["kannel"] is KannelGateway)

        let now = Date(timeIntervalSince1970: 1_624_150_800)
        let phone = try #require(PhoneNumber("13812345678"))
        let kannel = try #require(gateways["kannel"]).request(for: OutboundMessage(idempotencyKey: "k1", recipient: .phone(phone), text: "你好"), now: now)
        #expect(kannel.url.contains("password=SECRET-XYZ-kannel&"))  // newline trimmed
        #expect(kannel.connectTimeoutMilliseconds == 1_000)
        #expect(kannel.totalTimeoutMilliseconds == 4_000)             // the gateway's own
        let dingtalk = try #require(gateways["v01"]).request(for: OutboundMessage(idempotencyKey: "d1", recipient: .endpoint("v01"), text: "x"), now: now)
        #expect(dingtalk.url.hasPrefix("https://oapi.dingtalk.com/robot/send?access_token=TOKEN-1&timestamp="))
        #expect(String(decoding: dingtalk.body, as: UTF8.self).contains(#""msgtype":"markdown""#))
        #expect(dingtalk.totalTimeoutMilliseconds == 9_000)
    }

    @Test func reportsEveryProblemAtOnceWithoutSecrets() throws {
        let root = try SecretStoreTests.folder(["bad-whsec": "whsec_SECRET-XYZ-not-base64\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let endpoints: [String: Endpoint] = [
            "v01": Endpoint(name: "v01", kind: .dingtalk, urlSecret: .file(root + "/missing-url")),
            "v04": Endpoint(name: "v04", kind: .webhook, url: "https://hooks.example/x", secret: .file(root + "/bad-whsec")),
        ]
        let sms: [String: SMSGatewaySettings] = [
            "kannel": .init(name: "kannel", details: .kannel(.init(url: "http://127.0.0.1:13013/cgi-bin/sendsms", username: "u",
                                                                   password: .credential("kannel-password")))),
            "v01": .init(name: "v01", details: .http(.init(url: "https://sms.example/send"))),
        ]
        let factory = GatewayFactory(secrets: SecretStore(credentialsDirectory: nil), sms: rules)
        #expect {
            _ = try factory.gateways(endpoints: endpoints, smsGateways: sms)
        } throws: { error in
            guard let error = error as? GatewaySetupError else { return false }
            let text = error.description
            return error.problems.count == 4
                && text.contains("endpoints.v01: url: file \(root)/missing-url does not exist")
                && text.contains("endpoints.v04: signing secret: the secret is not whsec_ followed by base64")
                && text.contains("gateways.kannel: password: credential kannel-password needs $CREDENTIALS_DIRECTORY")
                && text.contains("gateways.v01: the name is also an endpoint")
                && !text.contains("SECRET-XYZ")
        }
    }

    @Test func httpTemplatesWithThePhoneInThePathAreRefused() {
        let factory = GatewayFactory(secrets: SecretStore(credentialsDirectory: nil), sms: rules)
        let settings = SMSGatewaySettings(name: "h", details: .http(.init(url: "https://sms.example/send/{phone}")))
        #expect {
            _ = try factory.gateway(for: settings)
        } throws: { "\($0)".contains("{phone} may appear in the query only") }
    }
}
