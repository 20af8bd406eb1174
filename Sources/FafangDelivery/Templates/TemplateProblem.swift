import FafangCore

/// One problem `TemplateChecker` found in a templates folder, located by file and line.
///
/// Prints like a configuration diagnostic:
/// `Templates/payment_recorded.sms.mustache:1: {{amout}}: unknown field for payment_recorded (allowed: …)`.
public struct TemplateProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable {
        /// Harmless but probably a mistake (a template nothing sends).
        case warning
        /// A message would go out wrong, or not at all.
        case error
    }

    /// The template file (or the one that should exist).
    public var file: String
    /// 1-based; 0 when about the file as a whole.
    public var line: Int
    /// The field concerned (`amout`), or empty.
    public var field: String
    /// What is printed before the message: the tag as written (`{{#amout}}`), `max_segments`, or empty.
    public var key: String
    public var message: String
    public var severity: Severity

    public init(file: String, line: Int, field: String = "", key: String = "", message: String,
                severity: Severity = .error) {
        self.file = file
        self.line = line
        self.field = field
        self.key = key
        self.message = Mask.digitRuns(in: message)
        self.severity = severity
    }

    public var description: String {
        var text = line > 0 ? "\(file):\(line): " : "\(file): "
        if !key.isEmpty { text += "\(key): " }
        if severity == .warning { text += "warning: " }
        return text + message
    }
}
