/// What a gateway made of one delivery attempt, and so what may be done next: the gateway's
/// word, which `MessageLifecycle` turns into the message's next state.
public enum DeliveryVerdict: Sendable, Hashable {
    /// Accepted by the gateway; `reference` is its message id when it gives one.
    case delivered(reference: String?)
    /// Not delivered, and trying again may help; `after` is the server's Retry-After when given.
    case retry(reason: String, after: Duration?)
    /// Not delivered, and trying again cannot help (bad number, rejected signature, 4xx).
    case permanent(reason: String)

    public var isRetryable: Bool {
        if case .retry = self { return true }
        return false
    }

    /// The verdict's name, as an attempt records it.
    public var name: AttemptVerdict {
        switch self {
        case .delivered: return .delivered
        case .retry: return .retry
        case .permanent: return .permanent
        }
    }

    /// The gateway's words: the reference it gave, or why it failed.
    public var reason: String {
        switch self {
        case let .delivered(reference): return reference.map { "accepted, reference \($0)" } ?? "accepted"
        case let .retry(text, _): return text
        case let .permanent(text): return text
        }
    }
}

/// How an attempt ended, as recorded with it (`delivery_attempt.verdict`).
public enum AttemptVerdict: String, Sendable, Hashable, Codable, CaseIterable {
    case delivered, retry, permanent
}
