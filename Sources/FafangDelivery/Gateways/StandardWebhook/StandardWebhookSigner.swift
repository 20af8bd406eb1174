import Crypto
import FafangCore
import Foundation

/// Signs webhooks as the Standard Webhooks specification says (standardwebhooks.com, v1.0.0):
/// `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), one per secret, separated by
/// spaces, so a receiver verifies during a rotation with either its old or its new secret.
public struct StandardWebhookSigner: Sendable {
    /// Why a secret is not a usable `whsec_` secret. Never quotes the secret.
    public struct KeyError: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// One HMAC per decoded key, in the order the secrets were given, keyed once (the padded
    /// key's two blocks hashed): each signature starts from a copy.
    private let keyed: [HMAC<SHA256>]

    /// Secrets as `whsec_<base64>` (the prefix may be left out, as the reference libraries allow);
    /// the key is the decoded part, 24 to 64 bytes as the specification asks.
    public init(secrets: [Secret]) throws(KeyError) {
        guard !secrets.isEmpty else { throw KeyError(description: "no signing secret") }
        var keyed: [HMAC<SHA256>] = []
        for (index, secret) in secrets.enumerated() {
            let which = secrets.count == 1 ? "the secret" : "secret \(index + 1) of \(secrets.count)"
            var text = Substring(secret.reveal)
            if text.hasPrefix("whsec_") { text = text.dropFirst(6) }
            guard let bytes = Data(base64Encoded: String(text)) else {
                throw KeyError(description: "\(which) is not whsec_ followed by base64")
            }
            guard (24...64).contains(bytes.count) else {
                throw KeyError(description: "\(which) decodes to \(bytes.count) bytes; Standard Webhooks secrets are 24 to 64 bytes")
            }
            keyed.append(HMAC<SHA256>(key: SymmetricKey(data: bytes)))
        }
        self.keyed = keyed
    }

    /// The `webhook-signature` header value.
    public func signature(id: String, timestamp: Int64, body: [UInt8]) -> String {
        let prefix = Array("\(id).\(timestamp).".utf8)
        return keyed.map { start in
            var mac = start
            mac.update(data: prefix)
            mac.update(data: body)
            return "v1," + Data(mac.finalize()).base64EncodedString()
        }.joined(separator: " ")
    }
}
