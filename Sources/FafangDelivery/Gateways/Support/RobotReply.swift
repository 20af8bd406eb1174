import FafangCore
import Foundation

/// Reads the `errcode`/`errmsg` (or `code`/`msg`) that group robots answer with, often under
/// HTTP 200, and combines it with the HTTP verdict: a non-zero code has not delivered.
struct RobotReply {
    /// JSON paths of the code, first found wins (`errcode`; Feishu: `code`, older `StatusCode`).
    var codePaths: [String]
    /// JSON paths of the message (`errmsg`; Feishu: `msg`, `StatusMessage`).
    var messagePaths: [String]
    /// Codes that mean "too fast": retry later.
    var rateLimited: Set<Int>
    /// Other codes worth retrying (the service's "system busy").
    var transient: Set<Int> = []
    /// For the reason: `DingTalk`, `WeCom`, `Feishu`.
    var service: String

    func verdict(base: DeliveryVerdict, outcome: HTTPOutcome, now: Date, classifier: DeliveryClassifier,
                 secrets: [Secret]) -> DeliveryVerdict {
        guard let response = outcome.response else { return base }
        let reply = JSONReply(response.body)
        guard let code = reply.firstInt(codePaths), code != 0 else { return base }
        let message = reply.firstString(messagePaths) ?? ""
        let reason = ReasonText.clean("\(service) code \(code) (HTTP \(response.status)): \(message)", removing: secrets)
        if case let .retry(_, after) = base { return .retry(reason: reason, after: after) }
        if rateLimited.contains(code) || transient.contains(code) {
            let after = response.headers.value(for: "Retry-After").flatMap { classifier.retryAfter($0, now: now) }
            return .retry(reason: reason, after: after)
        }
        return .permanent(reason: reason)
    }
}
