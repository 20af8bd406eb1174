/// What became of one request: a response, or a transport error, with timings.
public struct HTTPOutcome: Sendable {
    public var result: Result<HTTPResponse, TransportError>
    /// Seconds from the start of the transfer until it finished or failed.
    public var totalSeconds: Double
    /// Seconds until the connection was established (0 when a connection was reused).
    public var connectSeconds: Double

    public init(result: Result<HTTPResponse, TransportError>, totalSeconds: Double = 0, connectSeconds: Double = 0) {
        self.result = result
        self.totalSeconds = totalSeconds
        self.connectSeconds = connectSeconds
    }

    public var response: HTTPResponse? { try? result.get() }
    public var error: TransportError? {
        if case let .failure(error) = result { return error }
        return nil
    }
}

/// A response as received, its body cut at the engine's cap.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// True when the server sent more than the cap and the rest was dropped.
    public var bodyTruncated: Bool

    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = [], bodyTruncated: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A failure below HTTP: no connection, a timeout, TLS, cancellation, or a libcurl call that failed.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure, for classification.
    public enum Kind: String, Sendable, Hashable {
        case connect          // refused, unreachable, DNS
        case timeout
        case tls
        case sendOrReceive    // connection broke mid-transfer
        case cancelled
        case bodyTooLarge
        case misuse           // a bad option or URL: retrying will not help
        case other
    }

    public var kind: Kind
    /// The CURLcode (or CURLMcode), 0 when not from curl.
    public var code: Int32
    /// The libcurl call that failed, e.g. `curl_easy_perform` or `curl_easy_setopt(CURLOPT_URL)`.
    public var call: String
    /// curl's own error text (the error buffer, else curl_easy_strerror), already redacted.
    public var message: String

    public init(kind: Kind, code: Int32, call: String, message: String) {
        self.kind = kind
        self.code = code
        self.call = call
        self.message = Redaction.text(message)
    }

    public var description: String { "\(call) failed: curl error \(code): \(message)" }
}

/// Sends requests. The libcurl engine is the real one; tests may pass their own.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async -> HTTPOutcome
}
