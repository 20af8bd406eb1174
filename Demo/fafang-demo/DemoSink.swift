import FafangCore
import FafangDelivery
import FafangTestSupport
import Foundation
import Synchronization

/// The demo's stand-in for the outside world: answers as Kannel's sendsms does ("0: Accepted
/// for delivery") and as the DingTalk, WeCom and Feishu robots and a signed webhook do, and
/// counts what arrived (phones only masked).
final class DemoSink: Sendable {
    struct Counts: Sendable {
        var sms = 0
        var webhook = 0
        var byEndpoint: [String: Int] = [:]
        var phones: Set<String> = []
        /// Requests answered 503 on purpose (`failPercent`).
        var refused = 0
    }

    private let state = Mutex(Counts())
    /// The share of requests answered 503, each drawn independently.
    private let failPercent: Int
    private let random: Mutex<SplitMix64>
    /// Sends Kannel's delivery reports back to the daemon, as a real SMSC would through Kannel.
    private let engine: CurlEngine

    init(failPercent: Int = 0, seed: UInt64 = 2021) throws {
        self.failPercent = max(0, min(100, failPercent))
        random = Mutex(SplitMix64(seed: seed))
        engine = try CurlEngine(settings: HTTPEngineSettings(maxConcurrentTransfers: 8, maxConnectionsPerHost: 8))
    }

    var counts: Counts { state.withLock { $0 } }

    func stop() async { await engine.shutdown(gracePeriod: .seconds(2)) }

    func handle(_ request: LoopbackRequest) -> LoopbackReply {
        if failPercent > 0, random.withLock({ Int($0.next() % 100) }) < failPercent {
            state.withLock { $0.refused += 1 }
            return .respond(LoopbackResponse(status: 503, body: Array("unavailable (the demo sink's failure rate)".utf8)))
        }
        if request.path == "/cgi-bin/sendsms" {
            let to = Self.query(request.query ?? "", "to") ?? "?"
            state.withLock { $0.sms += 1; $0.phones.insert(Mask.phone(to)) }
            if let report = Self.query(request.query ?? "", "dlr-url") {
                // Kannel fills in %d (1: delivered), %A (the SMSC's reply) and %T (the time).
                let url = report.replacingOccurrences(of: "%d", with: "1").replacingOccurrences(of: "%A", with: "")
                    .replacingOccurrences(of: "%T", with: String(Int(Date().timeIntervalSince1970)))
                let engine = self.engine
                Task { _ = await engine.send(HTTPRequest(method: .get, url: url)) }
            }
            return .respond(LoopbackResponse(status: 202, body: Array("0: Accepted for delivery".utf8)))
        }
        let endpoint = String(request.path.split(separator: "/").last ?? "?")
        state.withLock { $0.webhook += 1; $0.byEndpoint[endpoint, default: 0] += 1 }
        if request.path.contains("/feishu/") { return .text("{\"code\":0,\"msg\":\"success\",\"data\":{}}") }
        if request.path.contains("/dingtalk/") || request.path.contains("/wecom/") { return .text("{\"errcode\":0,\"errmsg\":\"ok\"}") }
        return .status(204)
    }

    static func query(_ query: String, _ name: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == name { return String(parts[1]).removingPercentEncoding }
        }
        return nil
    }
}
