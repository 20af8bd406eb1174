/// Maps the key paths of a TOML document to the lines they are written on, so that a problem
/// found in a parsed value can be reported as `file:line: key.path: …`.
///
/// TOMLKit parses values but keeps no positions; this scans the text once. Paths look like
/// `budget.total_wan`, `plan[2].deadline` (the third `[[plan]]`), `goals[1]` (an element of a
/// multi-line array). Lookups of a path that is not written fall back to its nearest parent.
struct TOMLLineIndex: Sendable {
    private(set) var lines: [String: Int] = [:]

    init(text: String) {
        var prefix = ""
        var arrayCounts: [String: Int] = [:]
        var openArray: (path: String, depth: Int, count: Int)?
        var openString: String?  // the closing delimiter of a multi-line string
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if let closing = openString {
                if line.contains(closing) { openString = nil }
                continue
            }
            if var array = openArray {
                for piece in Self.topLevelPieces(line) where !piece.isEmpty {
                    record("\(array.path)[\(array.count)]", number)
                    array.count += 1
                }
                array.depth += Self.bracketDelta(line)
                openArray = array.depth > 0 ? array : nil
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[[") {
                let name = Self.normalizeKey(Self.headerName(line, open: "[[", close: "]]"))
                let index = arrayCounts[name, default: 0]
                arrayCounts[name] = index + 1
                prefix = "\(name)[\(index)]"
                record(prefix, number)
                continue
            }
            if line.hasPrefix("[") {
                prefix = Self.normalizeKey(Self.headerName(line, open: "[", close: "]"))
                record(prefix, number)
                continue
            }
            guard let equals = Self.indexOfTopLevel("=", in: line) else { continue }
            let key = Self.normalizeKey(String(line[..<equals]))
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            record(path, number)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\"\"\"") || value.hasPrefix("'''") {
                let delimiter = String(value.prefix(3))
                if !value.dropFirst(3).contains(delimiter) { openString = delimiter }
            } else if value.hasPrefix("[") {
                let depth = Self.bracketDelta(value)
                let inner = value.dropFirst()
                var count = 0
                for piece in Self.topLevelPieces(String(inner)) where !piece.isEmpty && piece != "]" {
                    record("\(path)[\(count)]", number)
                    count += 1
                }
                if depth > 0 { openArray = (path, depth, count) }
            }
        }
    }

    private mutating func record(_ path: String, _ line: Int) {
        if lines[path] == nil { lines[path] = line }
    }

    /// The line of `path`, or of its nearest written parent; 0 if nothing of it is written.
    func line(for path: String) -> Int {
        var current = path
        while !current.isEmpty {
            if let line = lines[current] { return line }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            current = String(current[..<cut])
        }
        return 0
    }

    static func headerName(_ line: String, open: String, close: String) -> String {
        var body = Substring(line.dropFirst(open.count))
        if let end = body.range(of: close) { body = body[..<end.lowerBound] }
        return String(body)
    }

    /// `a . "b-c" .d` → `a.b-c.d`.
    static func normalizeKey(_ raw: String) -> String {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for char in raw {
            if let q = quote {
                if char == q { quote = nil } else { current.append(char) }
            } else if char == "\"" || char == "'" {
                quote = char
            } else if char == "." {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(char)
            }
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts.joined(separator: ".")
    }

    /// The first `target` outside quotes.
    static func indexOfTopLevel(_ target: Character, in line: String) -> String.Index? {
        var quote: Character?
        var index = line.startIndex
        while index < line.endIndex {
            let char = line[index]
            if let q = quote {
                if char == "\\", q == "\"" { index = line.index(after: index) } else if char == q { quote = nil }
            } else if char == "\"" || char == "'" {
                quote = char
            } else if char == target {
                return index
            } else if char == "#" {
                return nil
            }
            if index < line.endIndex { index = line.index(after: index) }
        }
        return nil
    }

    /// Net `[` minus `]` outside strings and comments.
    private static func bracketDelta(_ line: String) -> Int {
        var depth = 0
        scan(line) { char, inString in
            guard !inString else { return }
            if char == "[" { depth += 1 } else if char == "]" { depth -= 1 }
        }
        return depth
    }

    /// The comma-separated pieces of an array line, outside strings and nested brackets.
    private static func topLevelPieces(_ line: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var depth = 0
        scan(line) { char, inString in
            if inString {
                current.append(char)
                return
            }
            if char == "[" || char == "{" { depth += 1 }
            if char == "]" || char == "}" { depth -= 1 }
            if char == ",", depth == 0 {
                pieces.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else if depth >= 0 {
                current.append(char)
            }
        }
        pieces.append(current.trimmingCharacters(in: .whitespaces))
        return pieces.filter { !$0.isEmpty && $0 != "]" }
    }

    /// Calls `body` with each character up to a comment, saying whether it lies inside a string.
    private static func scan(_ line: String, _ body: (Character, Bool) -> Void) {
        var quote: Character?
        var escaped = false
        for char in line {
            if let q = quote {
                body(char, true)
                if escaped { escaped = false } else if char == "\\", q == "\"" { escaped = true } else if char == q { quote = nil }
                continue
            }
            if char == "#" { return }
            if char == "\"" || char == "'" {
                quote = char
                body(char, true)
                continue
            }
            body(char, false)
        }
    }
}
