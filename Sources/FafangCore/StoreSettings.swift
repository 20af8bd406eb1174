import Foundation

/// `[store]`: where the daemon keeps its state. SQLite in the state directory (the default, one
/// township), or a PostgreSQL database several daemons share (a county).
public enum StoreSettings: Sendable, Hashable {
    case sqlite
    case postgresql(PostgresSettings)

    /// The PostgreSQL settings, nil on SQLite.
    public var postgres: PostgresSettings? {
        if case let .postgresql(settings) = self { return settings }
        return nil
    }

    public var kindName: String {
        switch self {
        case .sqlite: return "sqlite"
        case .postgresql: return "postgresql"
        }
    }
}

/// How to reach the county's PostgreSQL.
public struct PostgresSettings: Sendable, Hashable {
    /// Whether the connection is encrypted: `disable` (a socket or loopback only), `prefer`
    /// (TLS when the server offers it), `require` (refused without TLS, the certificate checked).
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable, prefer, require
    }

    /// The connection string, `postgresql://USER:PASSWORD@HOST:PORT/DATABASE`: a secret (it holds
    /// the password), read from a file or a systemd credential.
    public var url: SecretReference
    public var tls: TLSMode
    /// A PEM bundle of the certificate authorities the server's certificate must chain to (the
    /// system's when absent).
    public var caFile: String?
    /// Connections each daemon keeps at most.
    public var poolSize: Int
    /// Seconds between looks for due work when no notification came (LISTEN/NOTIFY is the fast
    /// path; this is the fallback).
    public var pollSeconds: Double
    /// Seconds a daemon that is not the scheduler waits between tries to become it: a leader
    /// that dies is replaced within this.
    public var leaderRetrySeconds: Double

    public init(url: SecretReference, tls: TLSMode = .prefer, caFile: String? = nil, poolSize: Int = 8, pollSeconds: Double = 5,
                leaderRetrySeconds: Double = 2) {
        self.url = url
        self.tls = tls
        self.caFile = caFile
        self.poolSize = poolSize
        self.pollSeconds = pollSeconds
        self.leaderRetrySeconds = leaderRetrySeconds
    }
}
