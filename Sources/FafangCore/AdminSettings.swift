/// The admin HTTP server of `fafang run` (`[admin]` in fafang.toml): where it listens, the token
/// that delivery receipts and the ledger API must carry, and how large a request body may be.
///
/// The token is a reference (a file or a systemd credential), never the token itself.
public struct AdminSettings: Sendable, Hashable {
    /// Where the server listens: `127.0.0.1:8088` by default.
    public var listen: ListenAddress
    /// The bearer token of `/receipts/*` and `/v1/ledger`.
    public var token: SecretReference
    /// A request body larger than this is refused with 413.
    public var maxBodyBytes: Int

    public static let defaultListen = ListenAddress(host: "127.0.0.1", port: 8088)
    public static let defaultMaxBodyBytes = 64 * 1024

    public init(listen: ListenAddress = AdminSettings.defaultListen, token: SecretReference,
                maxBodyBytes: Int = AdminSettings.defaultMaxBodyBytes) {
        self.listen = listen
        self.token = token
        self.maxBodyBytes = maxBodyBytes
    }
}

/// A TCP listen address, `HOST:PORT`: an IPv4 literal, `localhost`, or a bracketed IPv6 literal
/// (`[::1]:8088`). Port 0 asks the system for a free port (tests).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// Without brackets for IPv6 (`::1`).
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:8088`, `localhost:8088`, `[::1]:8088`; nil for anything else.
    public init?(_ text: String) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }), host.contains(":") else { return nil }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard host == "localhost" || Self.isIPv4(host) else { return nil }
        }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCIIDigit),
              let port = Int(portText), (0...65_535).contains(port)
        else { return nil }
        self.host = String(host)
        self.port = port
    }

    /// Whether only this machine can reach the address.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// `127.0.0.1:8088`, `[::1]:8088`.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    private static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCIIDigit) && (Int(part) ?? 256) <= 255
        }
    }
}
