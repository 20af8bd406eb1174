import FafangCore
import FafangDelivery
import Foundation
import Hummingbird

/// The admin server's bearer token: what receipts and the ledger API must present, as
/// `Authorization: Bearer <token>` or (Kannel can do nothing else) a `token=` query parameter.
///
/// It prints as `<secret>`; comparison takes the same time wherever the first difference is.
public struct AdminToken: Sendable, CustomStringConvertible {
    private let bytes: [UInt8]

    public init(_ secret: Secret) { bytes = Array(secret.reveal.utf8) }

    /// Reads the token `[admin]` names through `store` (a file or a systemd credential).
    public static func load(_ reference: SecretReference, store: SecretStore = SecretStore()) throws(SecretLoadError) -> AdminToken {
        AdminToken(try store.load(reference))
    }

    public var description: String { "<secret>" }

    /// Whether `candidate` is the token. Runs over the whole token whatever `candidate` is, so the
    /// time taken tells nothing of how much of it matched (only the token's length is fixed).
    public func matches(_ candidate: some StringProtocol) -> Bool {
        let given = Array(candidate.utf8)
        var difference: UInt8 = given.count == bytes.count ? 0 : 1
        for index in bytes.indices {
            let other = index < given.count ? given[index] : 0
            difference |= bytes[index] ^ other
        }
        return difference == 0 && !bytes.isEmpty
    }

    /// Where a request carries a token, if it does.
    public enum Presented: Sendable, Hashable {
        case none
        case bearer(String)
        case query(String)
    }

    /// The token a request presents: the `Authorization: Bearer` header first, else `token=`.
    public static func presented(in request: Request) -> Presented {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return .bearer(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        if let value = request.uri.queryParameters["token"] {
            return .query(String(value))
        }
        return .none
    }

    /// Whether the request presents this token.
    public func admits(_ request: Request) -> Bool {
        switch Self.presented(in: request) {
        case .none: return false
        case let .bearer(value), let .query(value): return matches(value)
        }
    }
}
