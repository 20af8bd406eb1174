import FafangCore
@testable import FafangDelivery
import Foundation
import Testing

/// A gateway's recorded exchange: the request it must build for the kit's message (computed
/// independently in Python by `Fixtures/gateways/make_requests.py`) and vendor replies with the
/// verdict each must give.
struct GatewayFixture: Decodable {
    struct Request: Decodable {
        var method: String
        var url: String
        var redactedURL: String
        var headers: [[String]]
        var body: String
    }

    struct Verdict: Decodable {
        var kind: String
        var reference: String?
        var after: Int?
        var reasonContains: String?
    }

    struct Response: Decodable {
        var name: String
        var status: Int
        var headers: [[String]]?
        var body: String
        var verdict: Verdict
    }

    var gateway: String
    var request: Request
    var responses: [Response]

    static func load(_ name: String) throws -> GatewayFixture {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/gateways/\(name)", withExtension: "json"))
        return try JSONDecoder().decode(GatewayFixture.self, from: Data(contentsOf: url))
    }
}

@Suite("Gateways: recorded requests and replies")
struct GatewayFixtureTests {
    static let names = ["dingtalk", "wecom", "feishu", "webhook", "kannel", "aliyun", "tencent", "http"]

    /// The gateway a fixture is about, and the message it sends.
    static func subject(_ name: String) throws -> (any Gateway, OutboundMessage) {
        switch name {
        case "dingtalk": return (GatewayTestKit.dingtalk(), GatewayTestKit.robotMessage("village-v01"))
        case "wecom": return (GatewayTestKit.wecom(), GatewayTestKit.robotMessage("village-v02"))
        case "feishu": return (GatewayTestKit.feishu(), GatewayTestKit.robotMessage("village-v03"))
        case "webhook": return (try GatewayTestKit.webhook(), GatewayTestKit.robotMessage("village-v04"))
        case "kannel": return (GatewayTestKit.kannel(), GatewayTestKit.smsMessage)
        case "aliyun": return (GatewayTestKit.aliyun(), GatewayTestKit.smsMessage)
        case "tencent": return (GatewayTestKit.tencent(), GatewayTestKit.smsMessage)
        case "http": return (GatewayTestKit.http(), GatewayTestKit.smsMessage)
        default: throw CocoaError(.featureUnsupported)
        }
    }

    @Test("request shape", arguments: names)
    func request(name: String) throws {
        let fixture = try GatewayFixture.load(name)
        let (gateway, message) = try Self.subject(name)
        let request = try gateway.request(for: message, now: GatewayTestKit.now)
        #expect(request.method.rawValue == fixture.request.method)
        #expect(request.url == fixture.request.url)
        #expect(request.redactedURL == fixture.request.redactedURL)
        #expect(request.headers.map { [$0.name, $0.value] } == fixture.request.headers)
        #expect(String(decoding: request.body, as: UTF8.self) == fixture.request.body)
        #expect(request.connectTimeoutMilliseconds == 3_000)
        #expect(request.totalTimeoutMilliseconds == 10_000)
    }

    @Test("reply interpretation", arguments: names)
    func replies(name: String) throws {
        let fixture = try GatewayFixture.load(name)
        let (gateway, message) = try Self.subject(name)
        #expect(!fixture.responses.isEmpty)
        for recorded in fixture.responses {
            let headers = (recorded.headers ?? []).map { HTTPHeader($0[0], $0[1]) }
            let outcome = GatewayTestKit.response(recorded.status, recorded.body, headers: headers)
            let verdict = gateway.interpret(outcome, for: message, now: GatewayTestKit.now)
            let expected = recorded.verdict
            let label = "\(name) / \(recorded.name): \(verdict)"
            switch verdict {
            case let .delivered(reference):
                #expect(expected.kind == "delivered", "\(label)")
                #expect(reference == expected.reference, "\(label)")
            case let .retry(reason, after):
                #expect(expected.kind == "retry", "\(label)")
                #expect(after == expected.after.map { .seconds($0) }, "\(label)")
                #expect(reason.contains(expected.reasonContains ?? ""), "\(label)")
            case let .permanent(reason):
                #expect(expected.kind == "permanent", "\(label)")
                #expect(reason.contains(expected.reasonContains ?? ""), "\(label)")
            }
        }
    }

    @Test("transport failures follow the shared classifier", arguments: names)
    func transport(name: String) throws {
        let (gateway, message) = try Self.subject(name)
        let refused = HTTPOutcome(result: .failure(TransportError(kind: .connect, code: 7, call: "curl_multi_perform", message: "Connection refused")))
        #expect(gateway.interpret(refused, for: message, now: GatewayTestKit.now).isRetryable)
        let badCertificate = HTTPOutcome(result: .failure(TransportError(kind: .tls, code: 60, call: "curl_multi_perform",
                                                                         message: "SSL peer certificate or SSH remote key was not OK")))
        #expect(!gateway.interpret(badCertificate, for: message, now: GatewayTestKit.now).isRetryable)
    }
}
