import FafangCore
import Foundation
import TOMLKit

/// The operators file as `fafang passwd` edits it: only the one account's table changes (its
/// `password_hash`, and `name` or `role` when given); every other byte of the file, comments
/// included, stays as it was. A new account's table is added at the end.
public enum OperatorsFile {
    /// What to set on one account.
    public struct Change: Sendable, Hashable {
        public var account: String
        /// Set when given; required for a new account.
        public var displayName: String?
        /// Set when given; a new account without one is a viewer.
        public var role: OperatorRole?
        public var passwordHash: String

        public init(account: String, displayName: String? = nil, role: OperatorRole? = nil, passwordHash: String) {
            self.account = account
            self.displayName = displayName
            self.role = role
            self.passwordHash = passwordHash
        }
    }

    /// Why the file was not changed.
    public struct EditError: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// What an edit did.
    public enum Outcome: Sendable, Hashable {
        case updated
        case added
    }

    /// The operators file of the configuration at `configPath` (the folder or fafang.toml): its
    /// `[console] operators`, else `operators.toml` beside fafang.toml. Reads fafang.toml alone,
    /// so an account can be fixed while the rest of the configuration has errors.
    public static func path(configPath: String) -> String {
        let settingsFile = SettingsReader.isDirectory(configPath) ? (configPath as NSString).appendingPathComponent("fafang.toml") : configPath
        let directory = (settingsFile as NSString).deletingLastPathComponent
        var file = "operators.toml"
        if let text = try? TextFile.read(settingsFile).text, let root = try? TOMLTable(string: text),
           let named = root["console"]?.table?["operators"]?.string {
            file = named
        }
        return SettingsReader.resolve(file, against: directory)
    }

    /// Applies `change` to the file at `path` (created when missing), written atomically with the
    /// file's permissions kept (0600 for a new file).
    @discardableResult
    public static func apply(_ change: Change, toFile path: String) throws(EditError) -> Outcome {
        let manager = FileManager.default
        var text = ""
        var permissions = 0o600
        if manager.fileExists(atPath: path) {
            do {
                text = try TextFile.read(path).text
            } catch {
                throw EditError(description: "\(path): \(error.reason)")
            }
            if let mode = (try? manager.attributesOfItem(atPath: path))?[.posixPermissions] as? Int { permissions = mode }
        }
        let (edited, outcome) = try apply(change, to: text, file: path)
        let temporary = path + ".fafang-passwd-\(UUID().uuidString)"
        do {
            guard manager.createFile(atPath: temporary, contents: Data(edited.utf8), attributes: [.posixPermissions: permissions]) else {
                throw EditError(description: "\(path): cannot write \(temporary)")
            }
            if rename(temporary, path) != 0 {
                throw EditError(description: "\(path): cannot replace the file: \(String(cString: strerror(errno)))")
            }
        } catch let error as EditError {
            try? manager.removeItem(atPath: temporary)
            throw error
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw EditError(description: "\(path): \(error)")
        }
        return outcome
    }

    /// `text` with `change` applied, checked to read back as valid accounts with the new hash.
    public static func apply(_ change: Change, to text: String, file: String = "operators.toml") throws(EditError) -> (String, Outcome) {
        if let problem = OperatorAccount.nameProblem(change.account) { throw EditError(description: "\(change.account): \(problem)") }
        guard OperatorAccount.isBcryptHash(change.passwordHash) else { throw EditError(description: "not a bcrypt hash") }
        let newline = text.contains("\r\n") ? "\r\n" : "\n"
        // On the bytes: "\r\n" is one Character, and CRLF lines must be split too.
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let outcome: Outcome
        if let section = try section(of: change.account, in: lines) {
            var assignments: [(key: String, value: String)] = [("password_hash", quoted(change.passwordHash))]
            if let role = change.role { assignments.insert(("role", quoted(role.rawValue)), at: 0) }
            if let display = change.displayName { assignments.insert(("name", quoted(display)), at: 0) }
            var insertAt = section.lastAssignment + 1
            for (key, value) in assignments {
                if let index = section.range.first(where: { TOMLLine.key(of: lines[$0]) == key }) {
                    lines[index] = TOMLLine.replacingValue(of: lines[index], with: value)
                } else {
                    lines.insert("\(key) = \(value)" + (newline == "\r\n" ? "\r" : ""), at: insertAt)
                    insertAt += 1
                }
            }
            outcome = .updated
        } else {
            guard let display = change.displayName, !display.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw EditError(description: "\(change.account) is a new account: give its display name (--display-name 张会计)")
            }
            var table = ["[operators.\(change.account)]", "name = \(quoted(display))", "role = \(quoted((change.role ?? .viewer).rawValue))",
                         "password_hash = \(quoted(change.passwordHash))", ""]
            if newline == "\r\n" { table = table.dropLast().map { $0 + "\r" } + [""] }
            // One blank line before the new table; the file's last line is kept as it is.
            if lines.last == "" || lines.last == "\r" { lines.removeLast() }
            if let last = lines.last, !last.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { lines.append(newline == "\r\n" ? "\r" : "") }
            lines += table
            outcome = .added
        }
        let edited = lines.joined(separator: "\n")
        try check(edited, change: change, file: file)
        return (edited, outcome)
    }

    /// The lines of `[operators.NAME]`: its range up to the next table, and its last `key = value`.
    private static func section(of account: String, in lines: [String]) throws(EditError) -> (range: Range<Int>, lastAssignment: Int)? {
        var start: Int?
        var end = lines.count
        var openString: String?
        for (index, line) in lines.enumerated() {
            if let closing = openString {
                if line.contains(closing) { openString = nil }
                continue
            }
            if let header = TOMLLine.header(of: line) {
                if start != nil, end == lines.count { end = index }
                if header == ["operators", account] {
                    guard start == nil else { throw EditError(description: "[operators.\(account)] is written twice") }
                    start = index
                    end = lines.count
                }
                continue
            }
            openString = TOMLLine.opensMultilineString(line)
        }
        guard let start else { return nil }
        let range = (start + 1)..<end
        let last = range.last(where: { TOMLLine.key(of: lines[$0]) != nil }) ?? start
        return (range, last)
    }

    private static func check(_ text: String, change: Change, file: String) throws(EditError) {
        let report = ReportBox()
        guard let source = TOMLSource(file: file, text: text, report: report) else {
            throw EditError(description: report.log.errors.map(\.description).joined(separator: "\n"))
        }
        let accounts = OperatorsReader.read(source)
        let errors = report.log.errors
        guard errors.isEmpty else {
            throw EditError(description: "the edited file would not load, so it was left as it was:\n" + errors.map(\.description).joined(separator: "\n"))
        }
        guard accounts.contains(where: { $0.name == change.account && $0.passwordHash == change.passwordHash }) else {
            throw EditError(description: "\(file): [operators.\(change.account)] could not be edited in place (is it written as an inline table?)")
        }
    }

    static func quoted(_ value: String) -> String { ProjectTOMLWriter.basicString(value) }
}
