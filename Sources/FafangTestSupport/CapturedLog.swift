import Logging
import Synchronization

/// Log lines caught by a local handler (never the global bootstrap), rendered as
/// `level message key=value …` so a test can look for what must not be there.
public final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}
    public func append(_ line: String) { lines.withLock { $0.append(line) } }
    public var all: [String] { lines.withLock { $0 } }
    public var text: String { all.joined(separator: "\n") }

    public func logger(_ label: String = "test") -> Logger {
        Logger(label: label) { _ in CapturingHandler(log: self) }
    }
}

public struct CapturingHandler: LogHandler {
    let log: CapturedLog
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let data = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        log.append("\(event.level) \(event.message) \(data)")
    }
}
