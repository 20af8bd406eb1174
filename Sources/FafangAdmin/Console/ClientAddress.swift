import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The address a request came from, for throttling logins: the peer's, or, when the peer is a
/// proxy on this machine, the last address it added to `X-Forwarded-For`.
enum ClientAddress {
    static func of<Context: RemoteAddressRequestContext>(_ request: Request, context: Context) -> String {
        let peer = context.remoteAddress?.ipAddress
        let loopback = peer.map { $0.hasPrefix("127.") || $0 == "::1" || $0 == "::ffff:127.0.0.1" } ?? false
        if loopback, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!],
           let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty, last.count <= 45 {
            return last
        }
        return peer ?? "unknown"
    }
}
