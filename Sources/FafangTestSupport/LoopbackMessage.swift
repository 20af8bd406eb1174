/// A header line as the loopback server received or sends it.
public struct LoopbackHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One request as the loopback server received it.
public struct LoopbackRequest: Sendable, Hashable {
    public var method: String
    /// The request target without its query, e.g. `/cgi-bin/sendsms`.
    public var path: String
    /// The query without its `?`; nil when the target had none.
    public var query: String?
    /// In the order received; a name may repeat.
    public var headers: [LoopbackHeader]
    /// The body, de-chunked when it came with `Transfer-Encoding: chunked`.
    public var body: [UInt8]
    /// Which accepted connection carried it (1 for the first).
    public var connection: Int

    public init(method: String, path: String, query: String?, headers: [LoopbackHeader], body: [UInt8], connection: Int) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.connection = connection
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every value of a header, matched case-insensitively.
    public func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A response for the loopback server to send.
public struct LoopbackResponse: Sendable, Hashable {
    public var status: Int
    /// Sent after the status line; `Content-Length` is added by the server.
    public var headers: [LoopbackHeader]
    public var body: [UInt8]
    /// Send `Connection: close` and close the connection after this response.
    public var closeConnection: Bool

    public init(status: Int, headers: [LoopbackHeader] = [], body: [UInt8] = [], closeConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.closeConnection = closeConnection
    }
}

/// What the loopback server does with a request: the handler's answer.
public enum LoopbackReply: Sendable, Hashable {
    /// Send `response`, after `delay` (interrupted if the server stops).
    case respond(LoopbackResponse, after: Duration = .zero)
    /// Never answer: keep the connection open until the client closes it or the server stops.
    case hold
    /// Close the connection without answering.
    case close
    /// Announce `bytes` bytes of body (`Content-Length`) and send them in 64 KiB pieces,
    /// stopping early when the client goes away.
    case huge(status: Int, bytes: Int)

    /// A response with a UTF-8 text body.
    public static func text(_ text: String, status: Int = 200, headers: [LoopbackHeader] = []) -> LoopbackReply {
        .respond(LoopbackResponse(status: status, headers: headers, body: Array(text.utf8)))
    }

    /// A response with no body.
    public static func status(_ status: Int, headers: [LoopbackHeader] = []) -> LoopbackReply {
        .respond(LoopbackResponse(status: status, headers: headers))
    }
}

/// Counters of a loopback server, read together.
public struct LoopbackServerStatistics: Sendable, Hashable {
    /// Requests received (recorded or not).
    public var requests: Int
    /// Connections accepted since the server started.
    public var connectionsAccepted: Int
    /// Connections open now.
    public var openConnections: Int
    /// The most connections that were open at once.
    public var peakOpenConnections: Int
}
