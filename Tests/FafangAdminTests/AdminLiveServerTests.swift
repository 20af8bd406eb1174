@testable import FafangAdmin
import FafangCore
import FafangDelivery
import FafangStore
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// The admin server as `fafang run` runs it: bound on 127.0.0.1 (port 0), in a service group,
/// spoken to over real HTTP through libcurl. A delivery report travels the whole way: the dlr-url
/// that `KannelGateway` builds, with its token, filled in as Kannel fills it, settles the message.
@Suite("Admin: live server", .serialized)
struct AdminLiveServerTests {
    /// Runs the admin server until `body` returns, then shuts it down gracefully.
    func withLiveServer(_ rig: AdminTestRig, _ body: @Sendable (String, CurlEngine) async throws -> Void) async throws {
        let (addresses, continuation) = AsyncStream.makeStream(of: ListenAddress.self)
        let app = rig.application { address in continuation.yield(address) }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: rig.log.logger("service-group")))
        let engine = try CurlEngine()
        do {
            try await withRunningGroup(group, addresses: addresses, continuation: continuation) { base in try await body(base, engine) }
        } catch {
            await engine.shutdown(gracePeriod: .seconds(5))
            throw error
        }
        await engine.shutdown(gracePeriod: .seconds(5))
    }

    func send(_ engine: CurlEngine, _ method: HTTPRequest.Method, _ url: String, headers: [HTTPHeader] = [], body: [UInt8] = []) async throws
        -> HTTPResponse {
        let outcome = await engine.send(HTTPRequest(method: method, url: url, headers: headers, body: body))
        return try outcome.result.get()
    }

    @Test func aKannelReportTravelsFromTheDLRURLToTheOutbox() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let key = "pay:RENT01:H1:2021-06-20"
        let id = try await rig.sentMessage(key: key)
        try await withLiveServer(rig) { base, engine in
            // What Fafang asks Kannel for…
            let kannel = KannelGateway(
                name: "kannel",
                settings: KannelSettings(url: "http://127.0.0.1:9/cgi-bin/sendsms", username: "fafang", password: .file("/unused"),
                                         receiptURL: base + "/receipts/kannel"),
                password: Secret("SECRET-XYZ-kannel"), receiptToken: Secret(AdminTestRig.token),
                rules: SMSTextRules(signature: "测试乡财政所", maxSegments: 3))
            let phone = try #require(PhoneNumber(AdminTestRig.phone))
            let request = try kannel.request(for: OutboundMessage(idempotencyKey: key, recipient: .phone(phone), text: "租地费已发放。"),
                                             now: AdminTestRig.now)
            let query = try #require(request.url.split(separator: "?", maxSplits: 1).last)
            let encoded = try #require(query.split(separator: "&").first { $0.hasPrefix("dlr-url=") }?.dropFirst("dlr-url=".count))
            let dlrURL = try #require(PercentEncoding.decode(String(encoded)))
            // …and what Kannel calls back: %d, %A and %T filled in.
            let report = dlrURL.replacingOccurrences(of: "%d", with: "1")
                .replacingOccurrences(of: "%A", with: "id%3A77%20stat%3ADELIVRD")
                .replacingOccurrences(of: "%T", with: "1624154400")
            let response = try await send(engine, .get, report)
            #expect(response.status == 200, "\(response.bodyText)")
            // Again without the token: refused.
            let unsigned = report.replacingOccurrences(of: "&token=" + AdminTestRig.token, with: "")
            #expect(unsigned != report)
            let status1 = try await send(engine, .get, unsigned).status
            #expect(status1 == 401)
        }
        #expect(try await rig.state(id) == .delivered)
        #expect(try await rig.receiptRecords(id).first?.detail == "type 1 at 1624154400: id:77 stat:DELIVRD")
        #expect(rig.log.all.contains { $0.hasPrefix("notice admin server listening") && $0.contains("admin.address=127.0.0.1:") })
        #expect(rig.log.all.contains { $0.hasPrefix("info request answered") && $0.contains("http.path=/receipts/kannel") && $0.contains("http.status=200") })
        rig.expectCleanLogs()
    }

    @Test func healthSizeLimitsAndUnknownPathsOverHTTP() async throws {
        let rig = try AdminTestRig(maxBodyBytes: 4096)
        defer { rig.remove() }
        try await withLiveServer(rig) { base, engine in
            let health = try await send(engine, .get, base + "/healthz")
            #expect(health.status == 200)
            #expect(health.bodyText == #"{"database":"ok","outbox_pending":0,"status":"ok"}"#)
            let big = Array(repeating: UInt8(ascii: "x"), count: 100_000)
            let auth = [HTTPHeader("Authorization", "Bearer \(AdminTestRig.token)"), HTTPHeader("Content-Type", "application/json")]
            let status2 = try await send(engine, .post, base + "/v1/ledger", headers: auth, body: big).status
            #expect(status2 == 413)
            let status3 = try await send(engine, .post, base + "/receipts/aliyun", headers: auth, body: big).status
            #expect(status3 == 413)
            let status4 = try await send(engine, .get, base + "/nowhere").status
            #expect(status4 == 404)
            let status5 = try await send(engine, .post, base + "/v1/ledger", body: Array(#"{"entries": []}"#.utf8)).status
            #expect(status5 == 401)
            let metrics = try await send(engine, .get, base + "/metrics")
            #expect(metrics.status == 200 && metrics.bodyText.contains("fafang_outbox_depth"))
        }
        rig.expectCleanLogs()
    }
}
