/// Settings of the HTTP engine every message leaves through (`[delivery]` in fafang.toml).
public struct HTTPEngineSettings: Sendable, Hashable {
    /// Transfers running at once; more wait in the engine's queue (their timeouts not yet started).
    public var maxConcurrentTransfers: Int
    /// Connections to one host at once.
    public var maxConnectionsPerHost: Int
    /// A proxy URL such as `http://10.0.0.1:3128`; nil means no proxy, whatever the environment says.
    public var proxy: String?
    /// A CA bundle file for TLS verification; nil for the system's. Verification is always on.
    public var caBundle: String?
    /// A response body is cut at this many bytes.
    public var maxResponseBytes: Int
    public var connectTimeoutMilliseconds: Int
    public var totalTimeoutMilliseconds: Int

    public init(maxConcurrentTransfers: Int = 64, maxConnectionsPerHost: Int = 16, proxy: String? = nil,
                caBundle: String? = nil, maxResponseBytes: Int = 64 * 1024,
                connectTimeoutMilliseconds: Int = 5_000, totalTimeoutMilliseconds: Int = 15_000) {
        self.maxConcurrentTransfers = maxConcurrentTransfers
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.proxy = proxy
        self.caBundle = caBundle
        self.maxResponseBytes = maxResponseBytes
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.totalTimeoutMilliseconds = totalTimeoutMilliseconds
    }
}
