import FafangCore
import Foundation
import Mustache

/// Checks a templates folder before the daemon uses it, reporting every problem at once: a
/// template the scheduler needs that is missing, a Mustache syntax error, a field the template's
/// kind does not have (`{{amout}}`, also in sections), a partial that does not exist, and an SMS
/// whose realistic sample needs more than `maxSegments` segments once signed.
public enum TemplateChecker {
    /// - Parameters:
    ///   - maxSegments: `[sms] max_segments`.
    ///   - signature: `[sms] signature`, without 【】 (the gateway adds it; it counts).
    ///   - settings: the township and hotline the samples quote.
    public static func check(directory: String, maxSegments: Int, signature: String,
                             settings: TemplateContext.Settings = .sample) -> [TemplateProblem] {
        let files: [(name: String, path: String)]
        do {
            files = try MessageTemplates.files(in: directory)
        } catch {
            return [TemplateProblem(file: directory, line: 0, message: "cannot list the templates folder")]
        }
        var problems: [TemplateProblem] = []
        var compiled: [String: MustacheTemplate] = [:]
        let names = Set(files.map(\.name))
        for (name, path) in files {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                problems.append(TemplateProblem(file: path, line: 0, message: "not readable as UTF-8 text"))
                continue
            }
            let (fileProblems, template) = checkFile(name: name, path: path, text: text, partials: names)
            problems += fileProblems
            // A file with an error is not rendered: its sample would only repeat the error.
            if let template, !fileProblems.contains(where: { $0.severity == .error }) { compiled[name] = template }
        }
        for kind in TemplateKind.allCases {
            for channel in TemplateFields.required[kind] ?? [] where !names.contains(MessageTemplates.name(kind, channel)) {
                problems.append(TemplateProblem(
                    file: MessageTemplates.path(of: MessageTemplates.name(kind, channel), in: directory), line: 0,
                    message: "missing: \(kind.rawValue) is sent to \(audience(channel)), and needs this template"))
            }
        }
        let templates = MessageTemplates(compiled: compiled)
        problems += checkSamples(templates, directory: directory, maxSegments: maxSegments, signature: signature,
                                 settings: settings)
        return problems
    }

    /// The problems of one file, and the compiled template when it compiles.
    static func checkFile(name: String, path: String, text: String,
                          partials: Set<String>) -> ([TemplateProblem], MustacheTemplate?) {
        var problems: [TemplateProblem] = []
        let role = Role(name: name)
        switch role {
        case .unknown:
            let kinds = TemplateKind.allCases.map(\.rawValue).joined(separator: ", ")
            let channels = TemplateChannel.allCases.map(\.rawValue).joined(separator: ", ")
            problems.append(TemplateProblem(file: path, line: 0, message: "not a template name: expected KIND.CHANNEL.mustache (kinds: \(kinds); channels: \(channels)) or _PARTIAL.mustache"))
        case let .message(kind, channel) where !TemplateFields.isProduced(kind, channel):
            let sent = (TemplateFields.required[kind] ?? []).map(\.rawValue).joined(separator: ", ")
            problems.append(TemplateProblem(file: path, line: 0, message: "never used: \(kind.rawValue) is sent on \(sent) only", severity: .warning))
        default:
            break
        }
        let scanner = TemplateTagScanner(text)
        for problem in scanner.problems {
            problems.append(TemplateProblem(file: path, line: problem.line, key: problem.tag, message: problem.message))
        }
        for tag in scanner.tags {
            if let problem = check(tag, role: role, path: path, partials: partials) { problems.append(problem) }
        }
        do {
            return (problems, try MessageTemplates.compile(text, file: path))
        } catch {
            // The scanner's structural findings name the right line; Mustache's error repeats them.
            if scanner.problems.isEmpty, case let .syntax(_, line, message) = error {
                problems.append(TemplateProblem(file: path, line: line, message: message))
            }
            return (problems, nil)
        }
    }

    private static func check(_ tag: TemplateTag, role: Role, path: String, partials: Set<String>) -> TemplateProblem? {
        switch tag.kind {
        case .variable, .unescaped, .section, .inverted:
            // A name with blanks inside is a syntax error, which Mustache's parser reports.
            guard let allowed = role.allowed, tag.field != ".", !tag.field.contains(where: \.isWhitespace),
                  !allowed.contains(tag.field)
            else { return nil }
            return TemplateProblem(file: path, line: tag.line, field: tag.field, key: tag.text,
                                   message: "unknown field for \(role.label) (allowed: \(allowed.sorted().joined(separator: ", ")))")
        case .partial, .parent:
            guard !partials.contains(tag.name) else { return nil }
            return TemplateProblem(file: path, line: tag.line, key: tag.text,
                                   message: "no partial \(tag.name).mustache in the templates folder")
        case .pragma:
            let words = tag.name.split(whereSeparator: { $0 == ":" || $0 == " " })
            guard words.map(String.init) != ["CONTENT_TYPE", "TEXT"] else { return nil }
            return TemplateProblem(file: path, line: tag.line, key: tag.text,
                                   message: "messages are plain text: the only pragma allowed is {{% CONTENT_TYPE: TEXT}} (and it is implied)")
        case .close, .comment, .block, .delimiter:
            return nil
        }
    }

    /// Renders every message template with a realistic sample: an SMS must fit `maxSegments`
    /// once signed, and nothing may render empty.
    static func checkSamples(_ templates: MessageTemplates, directory: String, maxSegments: Int, signature: String,
                             settings: TemplateContext.Settings) -> [TemplateProblem] {
        var problems: [TemplateProblem] = []
        for name in templates.names {
            guard case let .message(kind, channel) = Role(name: name), TemplateFields.isProduced(kind, channel) else { continue }
            let path = MessageTemplates.path(of: name, in: directory)
            let context = TemplateContext.sample(kind, channel: channel, settings: settings)
            let body: String
            do {
                body = try templates.render(kind: kind, channel: channel, context: context)
            } catch {
                problems.append(TemplateProblem(file: path, line: 0, message: "renders an empty message for a realistic sample"))
                continue
            }
            guard channel == .sms else { continue }
            let sms = SMSText(signature: signature, body: body)
            if sms.segments > maxSegments {
                problems.append(TemplateProblem(
                    file: path, line: 0, key: "max_segments",
                    message: "a realistic sample is \(sms.units) \(sms.encoding == .ucs2 ? "UCS-2" : "GSM-7") characters with 【\(signature)】: \(sms.segments) segments, more than max_segments = \(maxSegments)"))
            }
        }
        return problems
    }

    private static func audience(_ channel: TemplateChannel) -> String {
        switch channel {
        case .sms: return "households and persons by SMS"
        case .webhook: return "village committees' robots"
        case .office: return "the finance office"
        }
    }

    /// What a file is, from its name.
    enum Role: Hashable {
        case message(TemplateKind, TemplateChannel)
        case partial
        case unknown

        init(name: String) {
            if name.hasPrefix("_") {
                self = .partial
                return
            }
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 2, let kind = TemplateKind(rawValue: String(parts[0])),
               let channel = TemplateChannel(rawValue: String(parts[1])) {
                self = .message(kind, channel)
            } else {
                self = .unknown
            }
        }

        /// The fields a template of this role may use; nil when unknown (not checked).
        var allowed: Set<String>? {
            switch self {
            case let .message(kind, _): return TemplateFields.allowed[kind] ?? []
            case .partial: return TemplateFields.sharedByAll
            case .unknown: return nil
            }
        }

        var label: String {
            switch self {
            case let .message(kind, _): return kind.rawValue
            case .partial: return "a partial (fields of every kind only)"
            case .unknown: return "an unknown kind"
            }
        }
    }
}
