import FafangConfig
import Foundation
import HummingbirdBcrypt

/// Operators' passwords: bcrypt hashes made by `fafang passwd` and checked at the console's login.
/// Both are slow on purpose, so the console checks off the async executor.
public enum OperatorPassword {
    /// Shorter passwords are refused.
    public static let minimumLength = 8
    /// bcrypt's cost (log2 rounds) of new hashes.
    public static let defaultCost = 12
    public static let costs: ClosedRange<Int> = 4...31

    /// Why `password` may not be used (nil when it may).
    public static func problem(_ password: String) -> String? {
        if password.count < minimumLength { return "a password has at least \(minimumLength) characters" }
        if password.utf8.count > 72 { return "a password has at most 72 bytes (bcrypt reads no further)" }
        return nil
    }

    /// A `$2b$` hash of `password`.
    public static func hash(_ password: String, cost: Int = defaultCost) -> String {
        Bcrypt.hash(password, cost: UInt8(min(max(cost, costs.lowerBound), costs.upperBound)))
    }

    /// Whether `password` matches `hash` (false for anything that is not a bcrypt hash).
    public static func verify(_ password: String, hash: String) -> Bool {
        guard OperatorAccount.isBcryptHash(hash) else { return false }
        return Bcrypt.verify(password, hash: hash)
    }

    /// `verify` on a thread of its own, so the server's other requests go on meanwhile.
    public static func verifyDetached(_ password: String, hash: String) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: verify(password, hash: hash)) }
        }
    }
}
