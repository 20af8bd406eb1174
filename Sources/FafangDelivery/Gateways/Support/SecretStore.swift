import FafangCore
import Foundation

/// Reads secrets from files and systemd credentials (`LoadCredential=` puts them in
/// `$CREDENTIALS_DIRECTORY`). One trailing newline is trimmed, as editors and `echo` add one.
/// Errors name the file, never its content.
///
/// Outside systemd (no `$CREDENTIALS_DIRECTORY`: `fafang check` as root, a command in a shell) a
/// credential is read from `fallbackDirectory`, the configuration folder's `secrets/`: the file
/// fafang.service's `LoadCredential=NAME:/etc/fafang/secrets/NAME` hands the daemon. So a check
/// before the first start reads the very secrets the service will get.
public struct SecretStore: Sendable {
    /// `$CREDENTIALS_DIRECTORY`, when the daemon runs under systemd with credentials.
    public var credentialsDirectory: String?
    /// Where credentials are read when `credentialsDirectory` is nil.
    public var fallbackDirectory: String?
    /// A file larger than this is not a secret: refused rather than read.
    public static let maximumBytes = 64 * 1024

    public init(credentialsDirectory: String?, fallbackDirectory: String? = nil) {
        self.credentialsDirectory = credentialsDirectory
        self.fallbackDirectory = fallbackDirectory
    }

    /// Takes `$CREDENTIALS_DIRECTORY` from `environment`; without it, credentials come from
    /// `configurationDirectory`'s `secrets/` when one is given.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, configurationDirectory: String? = nil) {
        self.init(credentialsDirectory: environment["CREDENTIALS_DIRECTORY"].flatMap { $0.isEmpty ? nil : $0 },
                  fallbackDirectory: configurationDirectory.map { ($0 as NSString).appendingPathComponent("secrets") })
    }

    /// The path a reference reads from.
    public func path(of reference: SecretReference) throws(SecretLoadError) -> String {
        switch reference {
        case let .file(path):
            return path
        case let .credential(name):
            guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                throw SecretLoadError(reference: reference, problem: "is not a valid credential name")
            }
            guard let directory = credentialsDirectory ?? fallbackDirectory else {
                throw SecretLoadError(reference: reference, problem: "needs $CREDENTIALS_DIRECTORY (LoadCredential=\(name):… in the systemd unit)")
            }
            return (directory as NSString).appendingPathComponent(name)
        }
    }

    /// The whole secret (one trailing newline trimmed); empty is an error.
    public func load(_ reference: SecretReference) throws(SecretLoadError) -> Secret {
        var text = try read(reference)
        // "\r\n" is one Character in Swift: one removeLast drops either ending.
        if text.hasSuffix("\r\n") || text.hasSuffix("\n") { text.removeLast() }
        guard !text.isEmpty else { throw SecretLoadError(reference: reference, problem: "is empty") }
        return Secret(text)
    }

    /// One secret per non-blank line (several signing secrets while one is rotated).
    public func loadLines(_ reference: SecretReference) throws(SecretLoadError) -> [Secret] {
        let lines = try read(reference).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !lines.isEmpty else { throw SecretLoadError(reference: reference, problem: "holds no secret") }
        return lines.map(Secret.init)
    }

    private func read(_ reference: SecretReference) throws(SecretLoadError) -> String {
        let path = try path(of: reference)
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SecretLoadError(reference: reference, path: path, problem: "does not exist")
        }
        guard !isDirectory.boolValue else { throw SecretLoadError(reference: reference, path: path, problem: "is a directory") }
        guard manager.isReadableFile(atPath: path) else {
            throw SecretLoadError(reference: reference, path: path, problem: "is not readable by this user (permission denied)")
        }
        let size = (try? manager.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        guard size <= Self.maximumBytes else {
            throw SecretLoadError(reference: reference, path: path, problem: "is larger than \(Self.maximumBytes) bytes: not a secret file")
        }
        guard let data = manager.contents(atPath: path) else {
            throw SecretLoadError(reference: reference, path: path, problem: "could not be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SecretLoadError(reference: reference, path: path, problem: "is not UTF-8 text")
        }
        return text
    }
}

/// A secret that could not be read: names where it was looked for and why, never any content.
public struct SecretLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reference: SecretReference
    /// The file looked at, when known.
    public var path: String?
    public var problem: String

    public init(reference: SecretReference, path: String? = nil, problem: String) {
        self.reference = reference
        self.path = path
        self.problem = problem
    }

    public var description: String {
        switch reference {
        case .file: return "\(reference) \(problem)"
        case .credential: return "\(reference)" + (path.map { " (\($0))" } ?? "") + " \(problem)"
        }
    }
}
