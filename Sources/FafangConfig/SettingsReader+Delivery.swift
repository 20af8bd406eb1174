import FafangCore
import Foundation

extension SettingsReader {
    /// The largest timeouts accepted: 10 minutes to connect, an hour for a transfer.
    static let maximumConnectMilliseconds = 600_000
    static let maximumTotalMilliseconds = 3_600_000

    /// `[delivery]`: the HTTP engine. Every key is optional; a missing table gives the defaults.
    static func readDelivery(_ fields: TOMLFields?, directory: String) -> HTTPEngineSettings {
        var settings = HTTPEngineSettings()
        guard let fields else { return settings }
        defer { fields.finish() }
        if let value = fields.int("max_concurrent_transfers", required: false, range: 1...1024) {
            settings.maxConcurrentTransfers = value
        }
        if let value = fields.int("max_connections_per_host", required: false, range: 1...256) {
            settings.maxConnectionsPerHost = value
        }
        if let proxy = fields.string("proxy", required: false) {
            let schemes = ["http://", "https://", "socks4://", "socks4a://", "socks5://", "socks5h://"]
            if !schemes.contains(where: proxy.hasPrefix) {
                fields.error("proxy", "must be a URL such as http://10.0.0.1:3128 (schemes: http, https, socks4, socks4a, socks5, socks5h)")
            } else if proxy.contains("@") {
                fields.error("proxy", "must not carry a user name or password")
            } else {
                settings.proxy = proxy
            }
        }
        if let bundle = fields.string("ca_bundle", required: false) {
            let path = resolve(bundle, against: directory)
            if FileManager.default.fileExists(atPath: path) {
                settings.caBundle = path
            } else {
                fields.error("ca_bundle", "no such file: \(path)")
            }
        }
        if let value = fields.int("max_response_bytes", required: false, range: 1024...(64 * 1024 * 1024)) {
            settings.maxResponseBytes = value
        }
        if let value = milliseconds(fields, "connect_timeout_ms", maximum: maximumConnectMilliseconds) {
            settings.connectTimeoutMilliseconds = value
        }
        if let value = milliseconds(fields, "total_timeout_ms", maximum: maximumTotalMilliseconds) {
            settings.totalTimeoutMilliseconds = value
        }
        if settings.connectTimeoutMilliseconds > settings.totalTimeoutMilliseconds {
            fields.error("connect_timeout_ms", "must not exceed total_timeout_ms (\(settings.connectTimeoutMilliseconds) > \(settings.totalTimeoutMilliseconds))")
        }
        return settings
    }
}
