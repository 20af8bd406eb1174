import FafangCore

/// The timeouts a gateway puts on its requests: a gateway's own, else the engine's `[delivery]` ones.
public struct GatewayTimeouts: Sendable, Hashable {
    public var connectMilliseconds: Int
    public var totalMilliseconds: Int

    public init(connectMilliseconds: Int = 5_000, totalMilliseconds: Int = 15_000) {
        self.connectMilliseconds = connectMilliseconds
        self.totalMilliseconds = totalMilliseconds
    }

    public init(engine: HTTPEngineSettings, connectMilliseconds: Int? = nil, totalMilliseconds: Int? = nil) {
        self.init(connectMilliseconds: connectMilliseconds ?? engine.connectTimeoutMilliseconds,
                  totalMilliseconds: totalMilliseconds ?? engine.totalTimeoutMilliseconds)
    }

    /// A request with these timeouts.
    func request(_ method: HTTPRequest.Method, _ url: String, headers: [HTTPHeader] = [], body: [UInt8] = []) -> HTTPRequest {
        HTTPRequest(method: method, url: url, headers: headers, body: body,
                    connectTimeoutMilliseconds: connectMilliseconds, totalTimeoutMilliseconds: totalMilliseconds)
    }
}
