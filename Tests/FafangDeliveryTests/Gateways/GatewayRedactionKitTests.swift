import FafangCore
import FafangDelivery
import Foundation
import Testing

/// The shared no-leak rules, held against every gateway alike: whatever a gateway prints (its
/// request's `redactedURL`, a `GatewayError`, a verdict's reason) never carries a secret, a URL
/// token or a full phone number, even when the far end echoes the whole request back.
@Suite("Gateways: no secret, token or phone number leaks")
struct GatewayRedactionKitTests {
    static let names = GatewayFixtureTests.names

    /// What the gateway holds that a hostile reply might quote: its own secrets.
    static func heldSecrets(_ name: String) -> [String] {
        switch name {
        case "dingtalk": return [GatewayTestKit.dingtalkSecret.reveal, GatewayTestKit.dingtalkURL.reveal]
        case "wecom": return [GatewayTestKit.wecomURL.reveal]
        case "feishu": return [GatewayTestKit.feishuSecret.reveal, GatewayTestKit.feishuURL.reveal]
        case "webhook": return [GatewayTestKit.webhookURL]
        case "kannel": return [GatewayTestKit.kannelPassword.reveal]
        case "aliyun": return [GatewayTestKit.aliyunSecret.reveal]
        case "tencent": return [GatewayTestKit.tencentSecret.reveal]
        case "http": return [GatewayTestKit.httpSecret.reveal]
        default: return []
        }
    }

    static func assertClean(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for fragment in GatewayTestKit.forbidden {
            #expect(!text.contains(fragment), "\(what) leaks \(fragment): \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test("the request carries what the gateway needs; its printed URL does not", arguments: names)
    func request(name: String) throws {
        let (gateway, message) = try GatewayFixtureTests.subject(name)
        let request = try gateway.request(for: message, now: GatewayTestKit.now)
        Self.assertClean(request.redactedURL, "redactedURL")
        let whole = request.url + request.headers.map(\.value).joined() + String(decoding: request.body, as: UTF8.self)
        switch name {
        case "kannel", "aliyun", "http": #expect(whole.contains("13812345678"))
        case "tencent": #expect(whole.contains("+8613812345678"))
        default: #expect(whole.contains("13812345678"))  // the committee text names the number
        }
        switch name {
        case "kannel": #expect(request.url.contains("password=SECRET-XYZ-kannel"))
        case "http": #expect(request.url.contains("key=SECRET-XYZ-http"))
        case "dingtalk": #expect(request.url.contains("access_token=TOKEN-DINGTALK") && request.url.contains("&sign="))
        case "wecom": #expect(request.url.contains("key=TOKEN-WECOM"))
        case "feishu": #expect(request.url.contains("TOKEN-FEISHU") && whole.contains("\"sign\":"))
        case "webhook": #expect(request.headers.value(for: "webhook-signature")?.hasPrefix("v1,") == true)
        case "aliyun": #expect(request.url.contains("Signature=") && !whole.contains("SECRET-XYZ"))
        case "tencent": #expect(request.headers.value(for: "Authorization")?.contains("Signature=") == true && !whole.contains("SECRET-XYZ"))
        default: Issue.record("no expectation for \(name)")
        }
    }

    @Test("replies that echo the request and the secrets leave clean reasons", arguments: names)
    func echoedReplies(name: String) throws {
        let (gateway, message) = try GatewayFixtureTests.subject(name)
        let request = try gateway.request(for: message, now: GatewayTestKit.now)
        let echo = (Self.heldSecrets(name) + [request.url] + request.headers.map { "\($0.name): \($0.value)" }
            + [String(decoding: request.body, as: UTF8.self), "+8613812345678", "13812345678"]).joined(separator: " ")
        let quoted = String(decoding: (try? JSONEncoder().encode(echo)) ?? Data(), as: UTF8.self)
        let bodies = [
            echo,
            #"{"errcode": 310000, "errmsg": \#(quoted)}"#,
            #"{"code": 19021, "msg": \#(quoted)}"#,
            #"{"StatusCode": 19024, "StatusMessage": \#(quoted)}"#,
            #"{"Code": "SignatureDoesNotMatch", "Message": \#(quoted)}"#,
            #"{"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": \#(quoted)}}}"#,
            #"{"Response": {"SendStatusSet": [{"Code": "InvalidParameterValue.IncorrectPhoneNumber", "Message": \#(quoted)}]}}"#,
            #"{"status": "-1", "msg": \#(quoted)}"#,
        ]
        for status in [200, 202, 400, 403, 429, 500, 503] {
            for body in bodies {
                let verdict = gateway.interpret(GatewayTestKit.response(status, body), for: message, now: GatewayTestKit.now)
                switch verdict {
                case .delivered: continue
                case let .retry(reason, _), let .permanent(reason):
                    Self.assertClean(reason, "\(name) HTTP \(status) reason")
                }
            }
        }
        let failure = TransportError(kind: .connect, code: 7, call: "curl_multi_perform", message: "Failed to connect to \(request.url) " + echo)
        if case let .retry(reason, _) = gateway.interpret(HTTPOutcome(result: .failure(failure)), for: message, now: GatewayTestKit.now) {
            Self.assertClean(reason, "\(name) transport reason")
        } else {
            Issue.record("a refused connection is retried")
        }
    }

    @Test("gateway errors are clean", arguments: names)
    func errors(name: String) throws {
        let (gateway, message) = try GatewayFixtureTests.subject(name)
        var wrong = message
        switch message.recipient {
        case .phone: wrong.recipient = .endpoint("village-v99")
        case .endpoint: wrong.recipient = .phone(GatewayTestKit.phone)
        }
        var long = message
        long.text = String(repeating: "发放通知13812345678。", count: 40)
        var unkeyed = message
        unkeyed.idempotencyKey = "id.with.dots 13812345678 \u{1}"
        unkeyed.templateParameters = [:]
        var failures = 0
        for candidate in [wrong, long, unkeyed] {
            do {
                _ = try gateway.request(for: candidate, now: GatewayTestKit.now)
            } catch {
                failures += 1
                Self.assertClean(error.description, "\(name) GatewayError")
                #expect(error.gateway == gateway.name)
            }
        }
        #expect(failures >= 1)
    }
}
