import FafangCore

/// One problem found in the configuration, located by file, line and key path.
///
/// Prints as `Config/fafang.toml:14: gateways.sms.kannel.timeout_ms: must be > 0 (got -3)`.
/// Messages never carry a full phone, card or ID number: callers pass echoed input through
/// `Mask.digitRuns` (done here too, as a last guard).
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case warning
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
    }

    public var file: String
    /// 1-based; 0 when the problem is about the file as a whole.
    public var line: Int
    /// `budget.total_wan`, `plan[2].deadline`, `phone`; empty when about the file as a whole.
    public var keyPath: String
    public var message: String
    public var severity: Severity
    /// The sheet and cell of a workbook (`殷官屯村!D14`), printed instead of the line (then the
    /// sheet's row number, for sorting); nil for text files.
    public var place: String?

    public init(file: String, line: Int, keyPath: String, message: String, severity: Severity = .error, place: String? = nil) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = Mask.digitRuns(in: message)
        self.severity = severity
        self.place = place
    }

    public var description: String {
        var text = place.map { "\(file):\($0): " } ?? (line > 0 ? "\(file):\(line): " : "\(file): ")
        if !keyPath.isEmpty { text += "\(keyPath): " }
        if severity == .warning { text += "warning: " }
        return text + message
    }
}

/// Collects diagnostics from every loader so that all problems are reported at once.
public struct DiagnosticLog: Sendable {
    public private(set) var entries: [Diagnostic] = []
    /// How many of `entries` are errors (readers ask after every row of a register).
    public private(set) var errorCount = 0

    public init() {}

    public mutating func error(_ file: String, _ line: Int, _ keyPath: String, _ message: String, place: String? = nil) {
        append(Diagnostic(file: file, line: line, keyPath: keyPath, message: message, place: place))
    }

    public mutating func warning(_ file: String, _ line: Int, _ keyPath: String, _ message: String, place: String? = nil) {
        append(Diagnostic(file: file, line: line, keyPath: keyPath, message: message, severity: .warning, place: place))
    }

    public mutating func append(_ diagnostic: Diagnostic) {
        entries.append(diagnostic)
        if diagnostic.severity == .error { errorCount += 1 }
    }

    public mutating func append(contentsOf other: DiagnosticLog) {
        entries += other.entries
        errorCount += other.errorCount
    }

    /// Puts `diagnostics` at `position` of `entries` (a mark taken earlier).
    mutating func insert(_ diagnostics: [Diagnostic], at position: Int) {
        entries.insert(contentsOf: diagnostics, at: position)
        errorCount += diagnostics.count { $0.severity == .error }
    }

    /// Forgets what came after `position` (a mark taken earlier): a register found unreadable
    /// halfway is reported by that alone, as when it was read whole before its rows.
    mutating func truncate(to position: Int) {
        errorCount -= entries[position...].count { $0.severity == .error }
        entries.removeSubrange(position...)
    }

    public var errors: [Diagnostic] { entries.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { entries.filter { $0.severity == .warning } }
    public var hasErrors: Bool { errorCount > 0 }

    /// In file order, then line order, so a clerk can walk through them.
    public var sorted: [Diagnostic] {
        entries.enumerated().sorted { a, b in
            (a.element.file, a.element.line, a.offset) < (b.element.file, b.element.line, b.offset)
        }.map(\.element)
    }
}
