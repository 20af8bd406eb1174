import FafangCore
import Foundation

/// The kinds of `[store]`, for its error message.
enum StoreKindName: String, CaseIterable {
    case sqlite, postgresql
}

extension SettingsReader {
    /// `[store]`: `kind` ("sqlite", the default, or "postgresql"); for PostgreSQL the connection
    /// string from `url_file` or `url_credential` (never inline: it holds the password), `tls`
    /// (disable, prefer, require), `tls_ca_file`, `pool_size`, `poll_seconds`,
    /// `leader_retry_seconds`.
    static func readStore(_ fields: TOMLFields?, directory: String) -> StoreSettings {
        guard let fields else { return .sqlite }
        defer { fields.finish() }
        let kind = choice(fields, "kind", StoreKindName.self) ?? .sqlite
        let postgresKeys = ["url", "url_file", "url_credential", "tls", "tls_ca_file", "pool_size", "poll_seconds", "leader_retry_seconds"]
        guard kind == .postgresql else {
            for key in postgresKeys where fields.has(key) {
                _ = fields.value(key)
                fields.error(key, "applies to kind = \"postgresql\" only")
            }
            return .sqlite
        }
        let url = secretReference(fields, "url", required: true, directory: directory, what: "the connection string (it holds the password)")
        let tls = choice(fields, "tls", PostgresSettings.TLSMode.self) ?? .prefer
        var caFile: String?
        if let path = fields.string("tls_ca_file", required: false) {
            let resolved = resolve(path, against: directory)
            if FileManager.default.isReadableFile(atPath: resolved) { caFile = resolved } else { fields.error("tls_ca_file", "no such readable file: \(resolved)") }
            if tls == .disable { fields.error("tls_ca_file", "is of no use with tls = \"disable\"") }
        }
        let defaults = PostgresSettings(url: .file(""))
        let poolSize = fields.int("pool_size", required: false, range: 2...200) ?? defaults.poolSize
        let poll = fields.int("poll_seconds", required: false, range: 1...300).map(Double.init) ?? defaults.pollSeconds
        let retry = fields.int("leader_retry_seconds", required: false, range: 1...60).map(Double.init) ?? defaults.leaderRetrySeconds
        guard let url else { return .sqlite }
        return .postgresql(PostgresSettings(url: url, tls: tls, caFile: caFile, poolSize: poolSize, pollSeconds: poll, leaderRetrySeconds: retry))
    }
}
