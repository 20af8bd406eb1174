import FafangCore
import FafangDelivery
import FafangTestSupport
import Foundation
import Testing

/// The cloud gateways through libcurl (CurlEngine) against `CloudSMSSink` on 127.0.0.1: what
/// arrives per number, signatures checked by the sink, and each number's verdict.
@Suite("Gateways: cloud SMS through the loopback vendor sink")
struct CloudSMSSinkTests {
    static let verifiers = CloudSMSSink.Verifiers(
        aliyun: { method, parameters in
            var parameters = parameters
            guard let signature = parameters.removeValue(forKey: "Signature") else { return false }
            let toSign = AliyunRPCSignature.stringToSign(method: method, canonicalQuery: AliyunRPCSignature.canonicalQuery(parameters))
            return AliyunRPCSignature.signature(stringToSign: toSign, accessKeySecret: GatewayTestKit.aliyunSecret) == signature
        },
        tencent: { request in
            guard let host = request.header("Host"), let contentType = request.header("Content-Type"),
                  let timestamp = request.header("X-TC-Timestamp").flatMap({ Int64($0) }) else { return false }
            let signer = TC3Signer(secretID: "AKID-test-id", secretKey: GatewayTestKit.tencentSecret, service: "sms")
            return request.header("Authorization")
                == signer.authorization(contentType: contentType, host: host, body: request.body, timestamp: timestamp)
        })

    static func aliyun(_ sink: CloudSMSSink, secret: Secret = GatewayTestKit.aliyunSecret) -> AliyunSMSGateway {
        var settings = GatewayTestKit.aliyunSettings
        settings.endpoint = sink.endpoint
        settings.templates = CloudSMSBatchTests.templates
        return AliyunSMSGateway(name: "aliyun", settings: settings, accessKeySecret: secret)
    }

    static func tencent(_ sink: CloudSMSSink) -> TencentSMSGateway {
        var settings = GatewayTestKit.tencentSettings
        settings.endpoint = sink.endpoint
        settings.templates = CloudSMSBatchTests.templates
        return TencentSMSGateway(name: "tencent", settings: settings, secretKey: GatewayTestKit.tencentSecret)
    }

    /// Sends `messages` as one request and returns each one's verdict.
    static func send(_ messages: [OutboundMessage], through gateway: any Gateway) async throws -> [DeliveryVerdict] {
        let engine = try CurlEngine(settings: HTTPEngineSettings())
        let request = try gateway.request(for: messages, now: Date())
        let outcome = await engine.send(request)
        await engine.shutdown()
        return gateway.interpret(outcome, for: messages, now: Date())
    }

    @Test func aliyunBatchOfThreeArrivesWithEachNumbersParameters() async throws {
        let sink = try CloudSMSSink(verifiers: Self.verifiers)
        defer { sink.stop() }
        let messages = [CloudSMSBatchTests.message(1, name: "王一", amount: "2,160.00"),
                        CloudSMSBatchTests.message(2, name: "李二", amount: "1,080.00"),
                        CloudSMSBatchTests.message(3, name: "欧阳淑兰", amount: "71,496.00")]
        let gateway = Self.aliyun(sink)
        #expect(gateway.batches(messages).count == 1)
        let verdicts = try await Self.send(messages, through: gateway)

        let requests = sink.requests
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.vendor == .aliyun && request.action == "SendBatchSms" && request.raw.method == "POST")
        #expect(request.signatureValid == true)
        #expect(request.templateCode == "SMS_000001")
        #expect(request.context == nil)
        #expect(request.recipients.map(\.phone) == ["17000000001", "17000000002", "17000000003"])
        #expect(request.recipients.map(\.signName) == Array(repeating: "银城铺乡财政所", count: 3))
        #expect(request.recipients.map(\.parameters) == [
            ["payee_name": "王一", "amount": "2,160.00"],
            ["payee_name": "李二", "amount": "1,080.00"],
            ["payee_name": "欧阳淑兰", "amount": "71,496.00"],
        ])
        let bizID = try #require(request.recipients.first?.reference)
        #expect(verdicts == Array(repeating: .delivered(reference: bizID), count: 3))
    }

    @Test func aliyunSingleMessageIsASignedGetWithOutId() async throws {
        let sink = try CloudSMSSink(verifiers: Self.verifiers)
        defer { sink.stop() }
        let message = CloudSMSBatchTests.message(1)
        let verdicts = try await Self.send([message], through: Self.aliyun(sink))
        let request = try #require(sink.requests.first)
        #expect(request.action == "SendSms" && request.raw.method == "GET" && request.signatureValid == true)
        #expect(request.context == message.idempotencyKey)
        #expect(request.recipients.map(\.parameters) == [["payee_name": "王一", "amount": "2160.00"]])
        #expect(verdicts == [.delivered(reference: request.recipients.first?.reference)])
    }

    @Test func aliyunFailuresAreTheWholeRequests() async throws {
        let sink = try CloudSMSSink(verifiers: Self.verifiers)
        defer { sink.stop() }
        let messages = [CloudSMSBatchTests.message(1), CloudSMSBatchTests.message(2)]
        sink.failRequests(code: "isv.AMOUNT_NOT_ENOUGH", message: "账户余额不足")
        let held = try await Self.send(messages, through: Self.aliyun(sink))
        #expect(held.count == 2 && held.allSatisfy(\.isRetryable))

        let forged = try await Self.send(messages, through: Self.aliyun(sink, secret: Secret("SECRET-XYZ-wrong")))
        #expect(sink.requests.last?.signatureValid == false)
        for verdict in forged {
            guard case let .permanent(reason) = verdict else {
                Issue.record("\(verdict)")
                continue
            }
            #expect(reason.contains("SignatureDoesNotMatch") && !reason.contains("SECRET-XYZ"))
        }
    }

    @Test func tencentReplyWithOneFailedNumberGivesOneRetryAndTwoDelivered() async throws {
        let sink = try CloudSMSSink(verifiers: Self.verifiers)
        defer { sink.stop() }
        sink.failNumber("17000000002", code: "LimitExceeded.PhoneNumberThirtySecondLimit",
                        message: "the number of sms messages sent from a single mobile number within 30 seconds exceeds the upper limit")
        // Identical parameters: a Tencent request takes one TemplateParamSet for every number.
        let messages = [CloudSMSBatchTests.message(1), CloudSMSBatchTests.message(2), CloudSMSBatchTests.message(3)]
        let gateway = Self.tencent(sink)
        #expect(gateway.batches(messages).count == 1)
        let verdicts = try await Self.send(messages, through: gateway)

        let request = try #require(sink.requests.first)
        #expect(sink.requests.count == 1)
        #expect(request.vendor == .tencent && request.signatureValid == true && request.templateCode == "SMS_000001")
        #expect(request.recipients.map(\.phone) == ["17000000001", "17000000002", "17000000003"])
        #expect(request.recipients.allSatisfy { $0.parameters == ["1": "王一", "2": "2160.00"] })
        #expect(request.context == nil)

        #expect(verdicts.count == 3)
        #expect(verdicts[0] == .delivered(reference: request.recipients[0].reference))
        #expect(verdicts[2] == .delivered(reference: request.recipients[2].reference))
        #expect(request.recipients[0].reference != request.recipients[2].reference)
        guard case let .retry(reason, after) = verdicts[1] else {
            Issue.record("\(verdicts[1])")
            return
        }
        #expect(after == .seconds(30) && reason.contains("LimitExceeded.PhoneNumberThirtySecondLimit"))
        #expect(verdicts.filter(\.isRetryable).count == 1)
    }

    @Test func tencentWholeRequestFailure() async throws {
        let sink = try CloudSMSSink(verifiers: Self.verifiers)
        defer { sink.stop() }
        sink.failRequests(code: "FailedOperation.TemplateIncorrectOrUnapproved", message: "template is not approved")
        let verdicts = try await Self.send([CloudSMSBatchTests.message(1), CloudSMSBatchTests.message(2)], through: Self.tencent(sink))
        #expect(verdicts.count == 2 && verdicts.allSatisfy { if case .permanent = $0 { true } else { false } })
        #expect(sink.recipients.allSatisfy { $0.code == "FailedOperation.TemplateIncorrectOrUnapproved" && $0.reference == nil })
    }
}
