import FafangCore
import Foundation

/// Finds where a key path of `fafang.toml` is written, so that a problem found after loading (by a
/// module that knows more than the reader: the cloud SMS templates checked against the message
/// fields) prints like every other: `Config/fafang.toml:88: gateways.aliyun.parameters.payment_recorded[1]: …`.
public struct SettingsKeyLocator: Sendable {
    /// The settings file, named as `ConfigLoader` names it in its diagnostics.
    public let file: String
    private let index: TOMLLineIndex?

    /// `path` as given to `ConfigLoader.load(path:)`: the config folder or the fafang.toml file.
    public init(configPath path: String) {
        file = SettingsReader.isDirectory(path) ? (path as NSString).appendingPathComponent("fafang.toml") : path
        index = (try? TextFile.read(file)).map { TOMLLineIndex(text: $0.text) }
    }

    /// The line of `keyPath`, or of its nearest written parent; 0 when the file cannot be read.
    public func line(of keyPath: String) -> Int { index?.line(for: keyPath) ?? 0 }

    /// A diagnostic about `keyPath`, at its line.
    public func diagnostic(keyPath: String, message: String, warning: Bool = false) -> Diagnostic {
        Diagnostic(file: file, line: line(of: keyPath), keyPath: keyPath, message: message, severity: warning ? .warning : .error)
    }
}
