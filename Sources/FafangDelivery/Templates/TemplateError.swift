/// Why message templates could not be loaded or a message not rendered.
public enum TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The folder or a file in it could not be read.
    case unreadable(file: String, reason: String)
    /// A template is not valid Mustache (1-based line; 0 when unknown).
    case syntax(file: String, line: Int, message: String)
    /// No template for this kind and channel.
    case missing(kind: TemplateKind, channel: TemplateChannel)
    /// The template rendered to nothing but blanks.
    case empty(kind: TemplateKind, channel: TemplateChannel)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): \(reason)"
        case let .syntax(file, line, message): return line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
        case let .missing(kind, channel): return "no template \(kind.rawValue).\(channel.rawValue).mustache"
        case let .empty(kind, channel): return "template \(kind.rawValue).\(channel.rawValue).mustache rendered an empty message"
        }
    }
}
