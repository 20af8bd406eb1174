import FafangCore
import Foundation
import PostgresNIO

/// A connection string as libpq writes it, `postgresql://USER:PASSWORD@HOST:PORT/DATABASE`,
/// made into a pool's configuration with `[store]`'s TLS and pool size. A socket directory may
/// stand for the host (`postgresql://fafang@/fafang?host=/run/postgresql`). Errors never repeat
/// the string: it holds the password.
public enum PostgresConnectionString {
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let problem: String
        public var description: String { "the PostgreSQL connection string \(problem)" }
    }

    public static func configuration(_ text: String, settings: PostgresSettings) throws -> PostgresClient.Configuration {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("postgresql://") || trimmed.hasPrefix("postgres://") else {
            throw Invalid(problem: "must start with postgresql:// (as in postgresql://USER:PASSWORD@HOST:5432/DATABASE)")
        }
        guard let components = URLComponents(string: trimmed) else { throw Invalid(problem: "is not a URL") }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else { throw Invalid(problem: "names no user") }
        let password = components.password?.removingPercentEncoding
        let database = String(components.path.drop(while: { $0 == "/" })).removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let port = components.port ?? query["port"].flatMap(Int.init) ?? 5432
        var configuration: PostgresClient.Configuration
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            configuration = .init(unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            guard let host = components.host, !host.isEmpty else { throw Invalid(problem: "names no host") }
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: try tls(settings))
        }
        configuration.options.maximumConnections = settings.poolSize
        configuration.options.minimumConnections = 1
        return configuration
    }

    static func tls(_ settings: PostgresSettings) throws -> PostgresClient.Configuration.TLS {
        guard settings.tls != .disable else { return .disable }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile { tls.trustRoots = .file(caFile) }
        switch settings.tls {
        case .disable: return .disable
        case .prefer:
            // Preferred, as libpq's sslmode=prefer: encrypted when offered, not verified.
            tls.certificateVerification = .none
            return .prefer(tls)
        case .require:
            return .require(tls)
        }
    }
}
