import FafangConfig
import FafangDelivery

extension Diagnostic {
    /// A template problem in the format of the configuration's own diagnostics.
    public init(_ problem: TemplateProblem) {
        self.init(file: problem.file, line: problem.line, keyPath: problem.key, message: problem.message,
                  severity: problem.severity == .warning ? .warning : .error)
    }
}
