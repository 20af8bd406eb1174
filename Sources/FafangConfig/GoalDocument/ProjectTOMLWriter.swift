import FafangCore

/// Writes a project as the text of its `Config/projects/<NN>-<code>.toml` file, the shape the
/// project loader reads: top-level keys, `[budget]` in exact 万元 strings, `[[plan]]` with
/// TOML local dates, `[[indicators]]`.
public enum ProjectTOMLWriter {
    /// Where a project came from, for the file's header comment.
    public struct Source: Equatable, Sendable {
        /// The goal document's file name (a path is shortened to its last component).
        public var file: String
        /// The line of the project's table heading.
        public var line: Int
        /// Where in a Word or Excel file, when it is one (`paragraph 57`).
        public var place: String?

        public init(file: String, line: Int, place: String? = nil) {
            self.file = file
            self.line = line
            self.place = place
        }
    }

    /// The text of one project file, ending in a newline.
    public static func write(_ project: Project, source: Source?) -> String {
        var out: [String] = []
        var header = "# \(comment(project.name))"
        if let source {
            header += "— imported by `fafang import-goals` from \(comment(baseName(source.file))) (\(source.place ?? "line \(source.line)"))"
        }
        out.append(header)
        out.append("code = \(basicString(project.code))")
        out.append("name = \(basicString(project.name))")
        let kinds = ProjectKind.allCases.map(\.rawValue).joined(separator: " | ")
        out.append("kind = \(basicString(project.kind.rawValue))  # \(kinds)")
        out.append("year = \(project.year)")
        out.append("purpose = \(basicString(project.purpose))")
        if project.goals.isEmpty {
            out.append("goals = []")
        } else {
            out.append("goals = [")
            out += project.goals.map { "  \(basicString($0))," }
            out.append("]")
        }
        out.append("")
        out.append("[budget]  # 万元, written as exact decimal strings")
        out.append("total_wan = \(basicString(wan(project.budget.total)))")
        out.append("fiscal_wan = \(basicString(wan(project.budget.fiscal)))")
        out.append("other_wan = \(basicString(wan(project.budget.other)))")
        for milestone in project.plan {
            out.append("")
            out.append("[[plan]]")
            out.append("deadline = \(milestone.deadline)")
            let percent = DecimalText.format(milestone.cumulative.basisPoints, decimals: 2, grouped: false)
            out.append("cumulative_percent = \(basicString(percent))")
        }
        for indicator in project.indicators {
            out.append("")
            out.append("[[indicators]]")
            let fields = [
                ("level1", indicator.level1), ("level2", indicator.level2), ("level3", indicator.level3),
                ("description", indicator.description), ("comparator", indicator.comparator),
                ("value", indicator.value), ("unit", indicator.unit), ("basis", indicator.basis),
            ]
            out += fields.map { "\($0.0) = \(basicString($0.1))" }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `01-130208214IGHSSTAFMWVM.toml`: the table number in two digits, then the code with
    /// anything but ASCII letters, digits, `-` and `_` replaced by `_` (so a code can never
    /// name another directory).
    public static func fileName(number: Int, code: String) -> String {
        let safe = String(code.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
        let digits = String(number)
        let padded = digits.count < 2 ? "0" + digits : digits
        return "\(padded)-\(safe.isEmpty ? "_" : safe).toml"
    }

    /// A TOML basic string: `"` and `\` escaped, control characters as escapes.
    public static func basicString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// "594.00" (as `Money.wanString`), and "0" for nothing.
    static func wan(_ money: Money) -> String { money == .zero ? "0" : money.wanString }

    /// Text safe inside a `#` comment: one line, no control characters.
    static func comment(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
