import FafangCore
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
    }

    private let state = Mutex(Counts())

    var counts: Counts { state.withLock { $0 } }

    func handle(_ request: LoopbackRequest) -> LoopbackReply {
        if request.path == "/cgi-bin/sendsms" {
            let to = Self.query(request.query ?? "", "to") ?? "?"
            state.withLock { $0.sms += 1; $0.phones.insert(Mask.phone(to)) }
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
