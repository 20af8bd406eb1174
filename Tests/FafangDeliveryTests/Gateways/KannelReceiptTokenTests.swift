import FafangCore
@testable import FafangDelivery
import Foundation
import Testing

/// Kannel's receipt token: it travels as `token=` in the dlr-url (Kannel can authenticate in the
/// query only) and nowhere else, held to the same no-leak rules as the password.
@Suite("Gateways: Kannel receipt token")
struct KannelReceiptTokenTests {
    static let token = Secret("TOKEN-admin-0123456789")

    static func gateway() -> KannelGateway {
        KannelGateway(name: "kannel", settings: GatewayTestKit.kannelSettings, password: GatewayTestKit.kannelPassword,
                      receiptToken: token, rules: GatewayTestKit.rules, timeouts: GatewayTestKit.timeouts)
    }

    func dlrURL(_ request: HTTPRequest) -> String? {
        let query = request.url.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        for pair in query.split(separator: "&") where pair.hasPrefix("dlr-url=") {
            return PercentEncoding.decode(String(pair.dropFirst("dlr-url=".count)))
        }
        return nil
    }

    @Test func theTokenTravelsInTheDLRURLOnly() throws {
        let request = try Self.gateway().request(for: GatewayTestKit.smsMessage, now: GatewayTestKit.now)
        #expect(dlrURL(request) == "http://127.0.0.1:8088/receipts/kannel?id=pay%3ARENT01%3AH1%3A2021-06-20&token=TOKEN-admin-0123456789&type=%d&reply=%A&at=%T")
        GatewayRedactionKitTests.assertClean(request.redactedURL, "redactedURL")
        // Without a token the dlr-url is what it always was.
        let plain = try GatewayTestKit.kannel().request(for: GatewayTestKit.smsMessage, now: GatewayTestKit.now)
        #expect(dlrURL(plain)?.contains("token=") == false)
    }

    @Test("only tokens that need no percent-encoding can travel", arguments: [
        ("0123456789abcdef", true), ("TOKEN-admin_0.1~x", true), ("a+b/c=d", false), ("令牌", false), ("two words", false), ("", false),
    ])
    func tokenCharacters(token: String, valid: Bool) {
        #expect(KannelGateway.isValidReceiptToken(Secret(token)) == valid)
    }

    @Test func repliesThatEchoTheTokenLeaveCleanReasons() throws {
        let gateway = Self.gateway()
        let request = try gateway.request(for: GatewayTestKit.smsMessage, now: GatewayTestKit.now)
        let echo = [Self.token.reveal, PercentEncoding.encode(Self.token.reveal), request.url, "13812345678"].joined(separator: " ")
        for status in [400, 403, 500, 503] {
            switch gateway.interpret(GatewayTestKit.response(status, echo), for: GatewayTestKit.smsMessage, now: GatewayTestKit.now) {
            case .delivered: Issue.record("HTTP \(status) is not a delivery")
            case let .retry(reason, _), let .permanent(reason): GatewayRedactionKitTests.assertClean(reason, "HTTP \(status) reason")
            }
        }
        let failure = TransportError(kind: .connect, code: 7, call: "curl_multi_perform", message: "Failed to connect to \(request.url) " + echo)
        if case let .retry(reason, _) = gateway.interpret(HTTPOutcome(result: .failure(failure)), for: GatewayTestKit.smsMessage,
                                                          now: GatewayTestKit.now) {
            GatewayRedactionKitTests.assertClean(reason, "transport reason")
        } else {
            Issue.record("a refused connection is retried")
        }
    }

    @Test func theFactoryLoadsTheTokenAndRefusesOneThatCannotTravel() throws {
        let root = try SecretStoreTests.folder(["kannel": "SECRET-XYZ-kannel\n", "token": "TOKEN-admin-0123456789\n", "bad": "TOKEN 令牌\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let factory = GatewayFactory(secrets: SecretStore(credentialsDirectory: nil), sms: GatewayTestKit.rules)
        func settings(_ token: String) -> SMSGatewaySettings {
            .init(name: "kannel", details: .kannel(.init(url: "http://127.0.0.1:13013/cgi-bin/sendsms", username: "u",
                                                         password: .file(root + "/kannel"),
                                                         receiptURL: "http://127.0.0.1:8088/receipts/kannel",
                                                         receiptToken: .file(root + "/" + token))))
        }
        let request = try factory.gateway(for: settings("token")).request(for: GatewayTestKit.smsMessage, now: GatewayTestKit.now)
        #expect(dlrURL(request)?.contains("&token=TOKEN-admin-0123456789&") == true)
        do {
            _ = try factory.gateway(for: settings("bad"))
            Issue.record("a token with a space and non-ASCII text is refused")
        } catch {
            // (The folder is not compared: a long digit run in its random name would be masked.)
            #expect(error.description.hasPrefix("gateways.kannel: receipt_token: file "))
            #expect(error.description.hasSuffix("/bad must hold letters, digits and - _ . ~ only (it travels in Kannel's dlr-url)"))
            GatewayRedactionKitTests.assertClean(error.description, "setup error")
            #expect(!error.description.contains("令牌"))
        }
    }
}
