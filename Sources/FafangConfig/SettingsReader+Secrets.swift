import FafangCore
import Foundation

extension SettingsReader {
    /// Reads a secret reference written as `<base>_file` (a path, resolved against the config
    /// folder, that must exist) or `<base>_credential` (a systemd credential name). A secret
    /// written inline as `<base> = "…"` is refused, without echoing it, unless `inlineAllowed`
    /// (an endpoint's `url`, which the caller reads and checks itself).
    static func secretReference(_ fields: TOMLFields, _ base: String, required: Bool, directory: String,
                                what: String, inlineAllowed: Bool = false) -> SecretReference? {
        let fileKey = base + "_file"
        let credentialKey = base + "_credential"
        if !inlineAllowed, fields.has(base) {
            _ = fields.string(base, required: false, allowEmpty: true)  // read, so it is not also "unknown"
            fields.error(base, "\(what) must not be written in fafang.toml: put it in a file and name it with \(fileKey) (or \(credentialKey) for a systemd credential)")
        }
        let file = fields.string(fileKey, required: false)
        let credential = fields.string(credentialKey, required: false)
        switch (file, credential) {
        case let (file?, nil):
            let path = resolve(file, against: directory)
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                fields.error(fileKey, "no such file: \(path)")
                return nil
            }
            if isDirectory.boolValue {
                fields.error(fileKey, "is a directory, not a file: \(path)")
                return nil
            }
            return .file(path)
        case let (nil, name?):
            guard !name.contains("/"), name != ".", name != ".." else {
                fields.error(credentialKey, "must be a credential name (as in LoadCredential=NAME:…), not a path")
                return nil
            }
            return .credential(name)
        case (.some, .some):
            fields.error(credentialKey, "give \(fileKey) or \(credentialKey), not both")
            return nil
        case (nil, nil):
            if required, !fields.has(base) {
                fields.error(fileKey, "missing (\(what): give \(fileKey), or \(credentialKey) for a systemd credential)")
            }
            return nil
        }
    }

    /// An optional timeout in milliseconds, 1 ms to `maximum`.
    static func milliseconds(_ fields: TOMLFields, _ key: String, maximum: Int) -> Int? {
        fields.int(key, required: false, range: 1...maximum)
    }

    /// An optional http(s) URL.
    static func httpURL(_ fields: TOMLFields, _ key: String, required: Bool = false) -> String? {
        guard let url = fields.string(key, required: required) else { return nil }
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            fields.error(key, "must start with https:// or http://")
            return nil
        }
        return url
    }

    /// An optional value of a string enumeration, reported with the known values.
    static func choice<T: RawRepresentable & CaseIterable>(_ fields: TOMLFields, _ key: String, _ type: T.Type) -> T?
    where T.RawValue == String {
        guard let text = fields.string(key, required: false) else { return nil }
        guard let value = T(rawValue: text) else {
            let known = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            fields.error(key, "must be one of \(known) (got \"\(text)\")")
            return nil
        }
        return value
    }

    /// Whether a URL points at this machine (a demo or test sink).
    static func isLoopback(_ url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host else { return false }
        return host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]"
    }
}
