/// Where a secret lives: a file, or a systemd credential (`LoadCredential=`), never inline.
///
/// The configuration holds references only; the delivery module reads them when it builds its
/// gateways, so a secret never passes through a settings value, a log line or a diagnostic.
public enum SecretReference: Sendable, Hashable, CustomStringConvertible {
    /// A file path, absolute once the configuration is loaded (relative paths are resolved
    /// against the folder of fafang.toml).
    case file(String)
    /// A systemd credential name, read from `$CREDENTIALS_DIRECTORY/<name>`.
    case credential(String)

    /// `file /etc/fafang/secrets/kannel-password` or `credential kannel-password`: names the
    /// place, never the content.
    public var description: String {
        switch self {
        case let .file(path): return "file \(path)"
        case let .credential(name): return "credential \(name)"
        }
    }
}

/// How an SMS gateway wants the number written.
public enum PhoneNumberFormat: String, CaseIterable, Sendable, Hashable {
    /// `138…` written as 11 digits, for example 138 1234 5678 without spaces.
    case national
    /// `+86` and the 11 digits, for example +86 138 1234 5678 without spaces.
    case e164

    /// The number in this format. Full digits: for the request alone, never for logs.
    public func format(_ phone: PhoneNumber) -> String {
        switch self {
        case .national: return phone.digits
        case .e164: return "+86" + phone.digits
        }
    }
}
