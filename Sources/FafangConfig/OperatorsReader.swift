import FafangCore
import Foundation

/// Reads the operators file (`operators.toml`): one `[operators.NAME]` table per account, with
/// `name` (shown on pages, e.g. 张会计), `role` (viewer, clerk or approver) and `password_hash`
/// (bcrypt, as `fafang passwd NAME` writes it). A hash that is not bcrypt is an error; an
/// account without one is a warning (it cannot log in).
enum OperatorsReader {
    static func read(_ source: TOMLSource) -> [OperatorAccount] {
        let root = source.fields
        defer { root.finish() }
        guard let table = root.table("operators", required: false) else {
            source.warning("", "no [operators.NAME] accounts: nobody can log in to the console")
            return []
        }
        defer { table.finish() }
        var accounts: [OperatorAccount] = []
        for (name, fields) in table.namedTables() {
            defer { fields.finish() }
            let problem = OperatorAccount.nameProblem(name)
            if let problem { table.error(name, problem) }
            let display = fields.string("name")
            let roleText = fields.string("role")
            let role = roleText.flatMap(OperatorRole.init(rawValue:))
            if let roleText, role == nil {
                fields.error("role", "must be one of \"viewer\", \"clerk\", \"approver\" (got \"\(roleText)\")")
            }
            var hash = fields.string("password_hash", required: false)
            if let text = hash, !OperatorAccount.isBcryptHash(text) {
                // Never echoed: it may be a password written where the hash belongs.
                fields.error("password_hash", "is not a bcrypt hash ($2b$…, 60 characters): set it with `fafang passwd \(name)`")
                hash = nil
            } else if hash == nil {
                fields.warning("password_hash", "missing: \(name) cannot log in until `fafang passwd \(name)` sets a password")
            }
            if problem == nil, let display, let role {
                accounts.append(OperatorAccount(name: name, displayName: display, role: role, passwordHash: hash))
            }
        }
        if table.table.keys.isEmpty { source.warning("operators", "no accounts: nobody can log in to the console") }
        return accounts
    }
}

extension OperatorAccount {
    /// Why `name` cannot be an account name (nil when it can): 1 to 32 lower-case ASCII letters,
    /// digits, `_` or `-`, starting with a letter (a bare TOML key, and safe in a URL or a log).
    public static func nameProblem(_ name: String) -> String? {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard allowed, (1...32).contains(name.utf8.count), let first = name.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z")
        else { return "an account name is 1 to 32 lower-case letters, digits, _ or -, starting with a letter (e.g. zhangkj)" }
        return nil
    }

    /// Whether `text` has the shape of a bcrypt hash: `$2b$` (or `$2a$`, `$2y$`), a two-digit
    /// cost from 04 to 31, `$`, and 53 characters of bcrypt's base64.
    public static func isBcryptHash(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
              [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]), bytes[3] == UInt8(ascii: "$"),
              bytes[6] == UInt8(ascii: "$"), let cost = Int(String(decoding: bytes[4...5], as: UTF8.self)), (4...31).contains(cost)
        else { return false }
        return bytes[7...].allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
        }
    }
}
