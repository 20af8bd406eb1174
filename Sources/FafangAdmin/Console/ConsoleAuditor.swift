import FafangCore
import Foundation
import Logging

/// Writes each operator action to the store's audit log and to the log. Never given a password,
/// a cookie, a phone or a card number.
struct ConsoleAuditor: Sendable {
    let store: any Store
    let clock: any InstantClock

    func record(actor: String, action: String, subject: String, detail: String = "", logger: Logger) async {
        log(actor: actor, action: action, subject: subject, logger: logger)
        do {
            try await store.recordAudit(AuditEntry(at: clock.now, actor: actor, action: action, subject: subject, detail: detail))
        } catch {
            logger.error("could not write the audit log", metadata: ["audit.action": "\(action)", "error": "\(error)"])
        }
    }

    /// The log's line of an action the store audited itself (in the action's transaction).
    func log(actor: String, action: String, subject: String, logger: Logger) {
        logger.info("operator action", metadata: [
            "operator.name": "\(actor)", "audit.action": "\(action)", "audit.subject": "\(subject)",
        ])
    }
}
