import Foundation

/// One `{{…}}` tag of a template, with the line it starts on.
struct TemplateTag: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// `{{name}}`
        case variable
        /// `{{{name}}}` or `{{&name}}`
        case unescaped
        /// `{{#name}}`
        case section
        /// `{{^name}}`
        case inverted
        /// `{{/name}}`
        case close
        /// `{{! … }}`
        case comment
        /// `{{> name}}`
        case partial
        /// `{{<name}}` (a partial with inheritance; closed by `{{/name}}`)
        case parent
        /// `{{$name}}` (a block; closed by `{{/name}}`)
        case block
        /// `{{% NAME: VALUE}}`
        case pragma
        /// `{{=<% %>=}}`
        case delimiter
    }

    var kind: Kind
    /// The name as written, trimmed: `amount`, `uppercased(name)`, `CONTENT_TYPE: TEXT`.
    var name: String
    /// The whole tag as written: `{{#amount}}`.
    var text: String
    /// 1-based.
    var line: Int

    /// The field a variable or section reads: the innermost argument of a transform
    /// (`uppercased(name)` → `name`), the first part of a dotted name (`a.b` → `a`); `.` for the
    /// implicit iterator.
    var field: String {
        var name = Substring(name)
        if let open = name.lastIndex(of: "(") { name = name[name.index(after: open)...] }
        while name.hasSuffix(")") { name = name.dropLast() }
        if name == "." { return "." }
        return String(name.split(separator: ".", maxSplits: 1).first ?? name)
    }

    /// Whether it opens a section that `{{/name}}` must close.
    var opensSection: Bool { [.section, .inverted, .parent, .block].contains(kind) }
}

/// Finds the tags of a template with their lines, and the structural mistakes a reader can
/// point at (a tag never finished, a section never closed or closed by another name), without
/// Mustache's own parser, whose errors do not always name the right line.
struct TemplateTagScanner {
    struct Problem: Hashable, Sendable {
        var line: Int
        var tag: String
        var message: String
    }

    private(set) var tags: [TemplateTag] = []
    private(set) var problems: [Problem] = []

    init(_ text: String) {
        let chars = Array(text)
        var index = 0
        var line = 1
        var open: [TemplateTag] = []
        func advance(to end: Int) {
            while index < end {
                if chars[index] == "\n" { line += 1 }
                index += 1
            }
        }
        func find(_ needle: [Character], from start: Int) -> Int? {
            var i = start
            while i + needle.count <= chars.count {
                if chars[i..<(i + needle.count)].elementsEqual(needle) { return i }
                i += 1
            }
            return nil
        }
        while let start = find(["{", "{"], from: index) {
            advance(to: start)
            let triple = start + 2 < chars.count && chars[start + 2] == "{"
            let closer: [Character] = triple ? ["}", "}", "}"] : ["}", "}"]
            guard let end = find(closer, from: start + 2) else {
                problems.append(Problem(line: line, tag: "{{", message: "tag is never finished with \(String(closer))"))
                return
            }
            let whole = String(chars[start..<(end + closer.count)])
            var inner = Substring(String(chars[(start + (triple ? 3 : 2))..<end]))
            let tagLine = line
            advance(to: end + closer.count)
            var kind = TemplateTag.Kind.variable
            if triple {
                kind = .unescaped
            } else if let sigil = inner.first {
                let kinds: [Character: TemplateTag.Kind] = [
                    "#": .section, "^": .inverted, "/": .close, "!": .comment, ">": .partial, "<": .parent,
                    "$": .block, "%": .pragma, "=": .delimiter, "&": .unescaped,
                ]
                if let found = kinds[sigil] {
                    kind = found
                    inner = inner.dropFirst()
                }
            }
            let tag = TemplateTag(kind: kind, name: inner.trimmingCharacters(in: .whitespacesAndNewlines),
                                  text: whole, line: tagLine)
            tags.append(tag)
            switch kind {
            case .delimiter:
                problems.append(Problem(line: tagLine, tag: whole,
                                        message: "set-delimiter tags are not supported in message templates"))
                return
            case .close:
                guard let last = open.popLast() else {
                    problems.append(Problem(line: tagLine, tag: whole, message: "closes a section that was never opened"))
                    continue
                }
                if last.name != tag.name {
                    problems.append(Problem(line: tagLine, tag: whole,
                                            message: "closes \(last.text) opened on line \(last.line)"))
                }
            default:
                if tag.opensSection { open.append(tag) }
            }
        }
        for tag in open.reversed() {
            problems.append(Problem(line: tag.line, tag: tag.text, message: "section is never closed (with {{/\(tag.name)}})"))
        }
    }
}
