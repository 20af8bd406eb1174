import FafangCore
import Foundation

/// The one place that turns an `HTTPOutcome` into a first verdict: transport errors and HTTP
/// status codes, with `Retry-After`. Gateways call it, then add their own body checks (a robot's
/// `errcode`, Kannel's `0: Accepted`, a cloud `Code`).
///
/// - Transport: `connect`, `timeout`, `sendOrReceive`, `cancelled`, `other` → retry;
///   `tls` → permanent (a certificate that does not verify is a misconfiguration) except curl
///   code 35, a handshake that broke off; `misuse` and `bodyTooLarge` → permanent.
/// - HTTP: 2xx → delivered; 408, 425, 429 and 5xx → retry, honouring `Retry-After`; 3xx
///   (redirects are not followed) and other 4xx → permanent.
public struct DeliveryClassifier: Sendable {
    /// A `Retry-After` longer than this is cut to it: a server's "come back tomorrow" should not
    /// park a message past the dispatcher's own schedule.
    public var maximumRetryAfter: Duration
    /// How much of a reply body a reason quotes.
    public var bodyExcerptLength: Int

    public init(maximumRetryAfter: Duration = .seconds(3600), bodyExcerptLength: Int = 160) {
        self.maximumRetryAfter = maximumRetryAfter
        self.bodyExcerptLength = bodyExcerptLength
    }

    /// curl codes of `.tls` failures that retrying may cure (CURLE_SSL_CONNECT_ERROR: the
    /// handshake broke off). Everything else under `.tls` (60 peer verification, 77 CA file,
    /// 58 client certificate, 83 issuer, 90 pinned key…) is configuration.
    public static let retryableTLSCodes: Set<Int32> = [35]

    /// The verdict of transport and status alone; `now` is the reference for an HTTP-date
    /// `Retry-After`. `secrets` are removed from reasons (before any excerpt is cut, so no
    /// fragment of one survives).
    public func verdict(for outcome: HTTPOutcome, now: Date, removing secrets: [Secret] = []) -> DeliveryVerdict {
        switch outcome.result {
        case let .failure(error):
            return verdict(for: error, removing: secrets)
        case let .success(response):
            return verdict(for: response, now: now, removing: secrets)
        }
    }

    public func verdict(for error: TransportError, removing secrets: [Secret] = []) -> DeliveryVerdict {
        let reason = ReasonText.clean("\(error.kind.rawValue): \(error.description)", removing: secrets)
        switch error.kind {
        case .connect, .timeout, .sendOrReceive, .cancelled, .other:
            return .retry(reason: ReasonText.clean(reason), after: nil)
        case .tls:
            if Self.retryableTLSCodes.contains(error.code) {
                return .retry(reason: ReasonText.clean(reason), after: nil)
            }
            return .permanent(reason: ReasonText.clean("TLS verification failed (check ca_bundle and the URL): " + reason))
        case .bodyTooLarge:
            return .permanent(reason: ReasonText.clean("reply larger than max_response_bytes: " + reason))
        case .misuse:
            return .permanent(reason: ReasonText.clean(reason))
        }
    }

    public func verdict(for response: HTTPResponse, now: Date, removing secrets: [Secret] = []) -> DeliveryVerdict {
        let status = response.status
        switch status {
        case 200...299:
            return .delivered(reference: nil)
        case 408, 425, 429, 500...599:
            let after = response.headers.value(for: "Retry-After").flatMap { retryAfter($0, now: now) }
            return .retry(reason: statusReason(response, removing: secrets), after: after)
        case 300...399:
            return .permanent(reason: ReasonText.clean("HTTP \(status): redirect not followed; check the URL"))
        default:
            return .permanent(reason: statusReason(response, removing: secrets))
        }
    }

    /// `HTTP 503: <body excerpt>`, redacted.
    public func statusReason(_ response: HTTPResponse, removing secrets: [Secret] = []) -> String {
        let excerpt = ReasonText.excerpt(response.bodyText, length: bodyExcerptLength, removing: secrets)
        return ReasonText.clean(excerpt.isEmpty ? "HTTP \(response.status)" : "HTTP \(response.status): \(excerpt)")
    }

    /// A `Retry-After` value (delta-seconds, or an HTTP-date relative to `now`), capped at
    /// `maximumRetryAfter`; a date in the past gives zero. Nil when unreadable.
    public func retryAfter(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.allSatisfy(\.isASCIIDecimalDigit) {
            guard let seconds = Int64(text) else { return maximumRetryAfter }  // absurdly many digits
            return min(.seconds(seconds), maximumRetryAfter)
        }
        guard let date = HTTPDate.parse(text) else { return nil }
        let seconds = date.timeIntervalSince(now)
        if seconds <= 0 { return .zero }
        return min(.seconds(Int64(seconds.rounded(.up))), maximumRetryAfter)
    }
}
