import FafangCore
import Foundation

extension SettingsReader {
    /// The largest request body the admin server may be told to accept: 16 MiB.
    static let maximumAdminBodyBytes = 16 * 1024 * 1024

    /// `[admin]`: the admin HTTP server of `fafang run`. Absent: no admin server. Present: the
    /// token is required (`token_file` or `token_credential`, never inline), `listen` defaults to
    /// 127.0.0.1:8088 and `max_body_bytes` to 64 KiB.
    static func readAdmin(_ fields: TOMLFields?, directory: String) -> AdminSettings? {
        guard let fields else { return nil }
        defer { fields.finish() }
        var listen = AdminSettings.defaultListen
        if let text = fields.string("listen", required: false) {
            if let address = ListenAddress(text) {
                listen = address
                if !address.isLoopback {
                    fields.warning("listen", "listens beyond this machine (\(address)): receipts, tokens and the ledger travel in clear text; put a TLS proxy in front and firewall the port")
                }
            } else {
                fields.error("listen", "must be HOST:PORT with an IP address, such as 127.0.0.1:8088 or [::1]:8088 (got \"\(text)\")")
            }
        }
        let token = secretReference(fields, "token", required: true, directory: directory,
                                    what: "the admin token that receipts and the ledger API must carry")
        let maxBody = fields.int("max_body_bytes", required: false, range: 1024...maximumAdminBodyBytes)
        guard let token else { return nil }
        return AdminSettings(listen: listen, token: token, maxBodyBytes: maxBody ?? AdminSettings.defaultMaxBodyBytes)
    }
}
