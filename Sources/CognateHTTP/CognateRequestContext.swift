import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's basic one plus the peer's address, which
/// sign-in history records (EventContextData.IpAddress). Conforming to
/// RemoteAddressRequestContext also lets Hummingbird's tracing record it.
public struct CognateRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address as text ("127.0.0.1", "::1"); nil for a Unix socket or a test channel.
    var sourceIP: String? { remoteAddress?.ipAddress }
}
