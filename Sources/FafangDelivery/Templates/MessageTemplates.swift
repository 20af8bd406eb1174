import Foundation
import Mustache

/// The message templates of a folder (`Templates/KIND.CHANNEL.mustache`, partials as
/// `_NAME.mustache`), compiled once and rendered as plain text.
///
/// Mustache HTML-escapes `{{x}}` by default; SMS and robot texts are not HTML, so every template
/// is compiled with the `{{% CONTENT_TYPE: TEXT}}` pragma put in front of it: `&` and `<` come
/// out as written. A rendered message is trimmed of leading and trailing blanks.
public struct MessageTemplates: Sendable {
    /// The extension of a template file, without the dot.
    public static let fileExtension = "mustache"
    /// Prepended to every template, on a line of its own (a standalone tag, so it leaves no
    /// trace in the output; line numbers of errors are corrected for it).
    static let textPragma = "{{% CONTENT_TYPE: TEXT}}\n"

    /// The names loaded (file names without `.mustache`), sorted.
    public let names: [String]
    private let library: MustacheLibrary

    /// Loads and compiles every `*.mustache` of `directory`; the first file that cannot be read
    /// or compiled is the error (`TemplateChecker` reports all problems at once).
    public init(directory: String) throws(TemplateError) {
        var sources: [String: String] = [:]
        for (name, path) in try Self.files(in: directory) {
            guard let data = FileManager.default.contents(atPath: path),
                  let text = String(data: data, encoding: .utf8)
            else { throw .unreadable(file: path, reason: "not readable as UTF-8 text") }
            sources[name] = text
        }
        try self.init(sources: sources, directory: directory)
    }

    /// Compiles templates given as text, by name (`payment_recorded.sms`); `directory` only
    /// names the files in errors.
    public init(sources: [String: String], directory: String? = nil) throws(TemplateError) {
        var compiled: [String: MustacheTemplate] = [:]
        for (name, text) in sources.sorted(by: { $0.key < $1.key }) {
            let file = Self.path(of: name, in: directory)
            compiled[name] = try Self.compile(text, file: file)
        }
        self.init(compiled: compiled)
    }

    init(compiled: [String: MustacheTemplate]) {
        names = compiled.keys.sorted()
        library = MustacheLibrary(templates: compiled)
    }

    /// Whether there is a template for this pair.
    public func has(kind: TemplateKind, channel: TemplateChannel) -> Bool {
        library.getTemplate(named: Self.name(kind, channel)) != nil
    }

    /// The message for `context`, told on `channel`.
    public func render(kind: TemplateKind, channel: TemplateChannel, context: TemplateContext) throws(TemplateError) -> String {
        guard let text = library.render(context.renderable, withTemplate: Self.name(kind, channel)) else {
            throw .missing(kind: kind, channel: channel)
        }
        let trimmed = Self.trimmed(text)
        guard !trimmed.isEmpty else { throw .empty(kind: kind, channel: channel) }
        return trimmed
    }

    /// `text` without leading and trailing white space (Unicode's, newlines included).
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    /// `payment_recorded.sms`.
    public static func name(_ kind: TemplateKind, _ channel: TemplateChannel) -> String {
        "\(kind.rawValue).\(channel.rawValue)"
    }

    /// The `.mustache` files of `directory` as (name without extension, path), sorted by name.
    static func files(in directory: String) throws(TemplateError) -> [(name: String, path: String)] {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .unreadable(file: directory, reason: "cannot list the templates folder")
        }
        let suffix = "." + fileExtension
        return entries.filter { $0.hasSuffix(suffix) && $0.count > suffix.count }.sorted().map { entry in
            (String(entry.dropLast(suffix.count)), (directory as NSString).appendingPathComponent(entry))
        }
    }

    static func path(of name: String, in directory: String?) -> String {
        let file = name + "." + fileExtension
        guard let directory else { return file }
        return (directory as NSString).appendingPathComponent(file)
    }

    /// Compiles one template as plain text.
    static func compile(_ text: String, file: String) throws(TemplateError) -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: textPragma + text)
        } catch let error as MustacheTemplate.ParserError {
            let line = max(1, error.context.lineNumber - 1)
            throw .syntax(file: file, line: line, message: describe(error.error))
        } catch {
            throw .syntax(file: file, line: 0, message: "not a valid template: \(error)")
        }
    }

    /// An operator's reading of a Mustache parser error.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "Mustache syntax error: \(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "Mustache syntax error: a closing tag {{/…}} does not match the open section"
        case .unfinishedName: return "Mustache syntax error: a tag is not finished (a name, then }})"
        case .expectedSectionEnd: return "Mustache syntax error: a section {{#…}} or {{^…}} is never closed"
        case .invalidSetDelimiter: return "Mustache syntax error: bad set-delimiter tag"
        case .invalidConfigVariableSyntax, .unrecognisedConfigVariable: return "Mustache syntax error: bad pragma {{% …}}"
        default: return "Mustache syntax error: \(error)"
        }
    }
}
