import FafangConfig
import FafangCore
import Foundation

/// A logged-in operator of the console: who, with which role, and the token every form they post
/// must carry. The role and display name are taken again from the operators file on each request
/// (a reload changes them); a new password ends the session.
public struct ConsoleSession: Sendable, Hashable {
    /// 256 random bits, hex; the `fafang_session` cookie. Never logged.
    public let id: String
    /// The account name (`[operators.NAME]`).
    public internal(set) var account: String
    public internal(set) var displayName: String
    public internal(set) var role: OperatorRole
    /// The value of every form's hidden `csrf` field.
    public let csrf: String
    /// The hash the operator logged in against.
    let passwordHash: String
    /// The last request (wall clock): the session ends `session_minutes` after it.
    var lastSeen: Date

    init(id: String, account: OperatorAccount, passwordHash: String, csrf: String, now: Date) {
        self.id = id
        self.account = account.name
        displayName = account.displayName
        role = account.role
        self.passwordHash = passwordHash
        self.csrf = csrf
        lastSeen = now
    }

    /// Whether this operator may do what `role` may.
    public func may(_ required: OperatorRole) -> Bool { role >= required }
}
