import FafangCore
import Foundation

extension SettingsReader {
    /// The largest upload `[console] max_upload_bytes` may allow: 64 MiB.
    static let maximumUploadBytes = 64 * 1024 * 1024

    /// `[console]`: the operators' web console on the admin server. Every key is optional; the
    /// operators file defaults to `operators.toml` beside fafang.toml. Without the table the
    /// file is still read when it exists; with it, the file must exist.
    static func readConsole(_ fields: TOMLFields?, directory: String, adminConfigured: Bool) -> ConsoleSettings {
        var settings = ConsoleSettings()
        settings.operatorsFile = resolve(settings.operatorsFile, against: directory)
        guard let fields else { return settings }
        defer { fields.finish() }
        if let file = fields.string("operators", required: false) {
            settings.operatorsFile = resolve(file, against: directory)
        }
        if !FileManager.default.fileExists(atPath: settings.operatorsFile) {
            fields.error("operators", "no operators file \(settings.operatorsFile): create it with `fafang passwd NAME --role clerk --display-name 张会计`")
        } else if SettingsReader.isDirectory(settings.operatorsFile) {
            fields.error("operators", "is a directory, not a file: \(settings.operatorsFile)")
        }
        if let minutes = fields.int("session_minutes", required: false, range: 1...1_440) { settings.sessionMinutes = minutes }
        if let value = choice(fields, "secure_cookies", ConsoleSettings.SecureCookies.self) { settings.secureCookies = value }
        if let count = fields.int("max_failed_logins", required: false, range: 1...100) { settings.maxFailedLogins = count }
        if let minutes = fields.int("lockout_minutes", required: false, range: 1...1_440) { settings.lockoutMinutes = minutes }
        if let flag = fields.bool("public_report", required: false) { settings.publicReport = flag }
        if let bytes = fields.int("max_upload_bytes", required: false, range: 1024...maximumUploadBytes) { settings.maxUploadBytes = bytes }
        if !adminConfigured {
            fields.source.warning(fields.path, "the console is served by the admin server: without [admin] there is no console")
        }
        return settings
    }
}
