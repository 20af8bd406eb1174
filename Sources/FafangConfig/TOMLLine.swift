/// One line of a TOML file, read as much as an in-place edit needs (`OperatorsFile`): a table
/// header, the key of a `key = value` line, and that line with another value.
enum TOMLLine {
    /// The key parts of a `[table]` header (`[operators."zhangkj"]` → operators, zhangkj); nil
    /// for any other line, and for an array of tables `[[…]]`.
    static func header(of line: String) -> [String]? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("["), !trimmed.hasPrefix("[[") else { return nil }
        return TOMLLineIndex.normalizeKey(TOMLLineIndex.headerName(trimmed, open: "[", close: "]")).split(separator: ".", omittingEmptySubsequences: false)
            .map(String.init)
    }

    /// The key of a `key = value` line (dotted keys joined with `.`); nil for a header, a
    /// comment or a blank line.
    static func key(of line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), !trimmed.hasPrefix("["),
              let equals = TOMLLineIndex.indexOfTopLevel("=", in: trimmed)
        else { return nil }
        return TOMLLineIndex.normalizeKey(String(trimmed[..<equals]))
    }

    /// `line` with its value replaced by `value`: the indentation, the key as written, a
    /// trailing comment and a carriage return are kept.
    static func replacingValue(of line: String, with value: String) -> String {
        guard let equals = TOMLLineIndex.indexOfTopLevel("=", in: line) else { return line }
        let carriageReturn = line.hasSuffix("\r") ? "\r" : ""
        let body = carriageReturn.isEmpty ? Substring(line) : line.dropLast()
        let rest = body[body.index(after: equals)...]
        var comment = ""
        if let hash = commentStart(in: rest) {
            var start = hash
            while start > rest.startIndex, rest[rest.index(before: start)] == " " || rest[rest.index(before: start)] == "\t" {
                start = rest.index(before: start)
            }
            comment = String(rest[start...])
        }
        return String(body[...equals]) + " " + value + comment + carriageReturn
    }

    /// The closing delimiter when `line` opens a multi-line string it does not close.
    static func opensMultilineString(_ line: String) -> String? {
        for delimiter in ["\"\"\"", "'''"] {
            let count = line.components(separatedBy: delimiter).count - 1
            if count % 2 == 1 { return delimiter }
        }
        return nil
    }

    /// The first `#` outside a string.
    private static func commentStart(in text: Substring) -> Substring.Index? {
        var quote: Character?
        var escaped = false
        var index = text.startIndex
        while index < text.endIndex {
            let char = text[index]
            if let q = quote {
                if escaped { escaped = false } else if char == "\\", q == "\"" { escaped = true } else if char == q { quote = nil }
            } else if char == "\"" || char == "'" {
                quote = char
            } else if char == "#" {
                return index
            }
            index = text.index(after: index)
        }
        return nil
    }
}
