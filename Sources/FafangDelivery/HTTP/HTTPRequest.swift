/// One HTTP request for the delivery engine: everything libcurl needs, owned by value.
public struct HTTPRequest: Sendable, Hashable {
    public enum Method: String, Sendable, Hashable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
    }

    public var method: Method
    /// Absolute http(s) URL. May carry a token in its query: print `redactedURL`, never this.
    public var url: String
    /// In order; a name may repeat.
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// Milliseconds to establish the connection (TCP + TLS); 0 or less: the engine's default.
    public var connectTimeoutMilliseconds: Int
    /// Milliseconds for the whole transfer, from when it starts running (not while it waits in
    /// the engine's queue); 0 or less: the engine's default.
    public var totalTimeoutMilliseconds: Int

    public init(method: Method, url: String, headers: [HTTPHeader] = [], body: [UInt8] = [],
                connectTimeoutMilliseconds: Int = 5_000, totalTimeoutMilliseconds: Int = 15_000) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.totalTimeoutMilliseconds = totalTimeoutMilliseconds
    }

    /// The URL without its query and fragment (where robots and gateways carry tokens).
    public var redactedURL: String { Redaction.url(url) }
}

/// A header line.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HTTPHeader {
    /// The first value of a header, matched case-insensitively.
    public func value(for name: String) -> String? {
        first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
