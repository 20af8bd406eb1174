import Hummingbird
import NIOCore

/// The admin server's request context: Hummingbird's basic one, and the peer's address (the
/// console throttles failed logins per client address).
public struct AdminRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
