import FafangConfig
import FafangCore
import Foundation
import Logging

/// An operator's decision on a held batch, as the CLI (`fafang batches approve|reject`) and the
/// console take it: who may decide (`ApprovalRule`, against the batch as it was shown to them),
/// the store's decision with the count they saw, and the audit entry. The store refuses when
/// messages joined meanwhile; nothing is written then.
public struct ApprovalService: Sendable {
    public let store: any Store
    let logger: Logger
    /// Called after a batch is approved: the daemon's own console wakes its dispatcher with it
    /// (another process's running daemon notices within a scheduler tick).
    let released: @Sendable () -> Void

    public init(store: any Store, logger: Logger, released: @escaping @Sendable () -> Void = {}) {
        self.store = store
        self.logger = logger
        self.released = released
    }

    /// Decides `shown` (the batch as the operator saw it) for `account`. A rejection's reason is
    /// kept with every digit run of a phone or card masked.
    /// - Parameters:
    ///   - now: the daemon's time, when the released messages fall due.
    ///   - auditedAt: when the operator acted, for the audit log (the wall clock; `now` when nil).
    public func decide(_ shown: ApprovalBatch, _ verdict: BatchDecision.Verdict, by account: OperatorAccount,
                       now: Date, auditedAt: Date? = nil) async throws -> Result<ApprovalBatch, ApprovalRefusal> {
        if let refusal = ApprovalRule.refusal(batch: shown, operatorName: account.name, role: account.role) {
            logger.notice("batch decision refused", metadata: Self.metadata(shown, account, refusal: refusal))
            return .failure(refusal)
        }
        var verdict = verdict
        if case let .reject(reason) = verdict { verdict = .reject(reason: Mask.digitRuns(in: reason)) }
        // The batch as it will be once decided: taken only while it still holds what was shown.
        var decided = shown
        switch verdict {
        case .approve: decided.state = .approved
        case let .reject(reason):
            decided.state = .rejected
            decided.reason = reason
        }
        let result = try await store.decide(BatchDecision(batchID: shown.id, verdict: verdict, decidedBy: account.name,
                                                          expectedCount: shown.messageCount,
                                                          audit: Self.audit(decided, by: account.name, at: auditedAt ?? now)), now: now)
        switch result {
        case let .failure(refusal):
            logger.notice("batch decision refused", metadata: Self.metadata(shown, account, refusal: refusal))
        case let .success(batch):
            logger.notice(batch.state == .approved ? "batch approved" : "batch rejected", metadata: Self.metadata(batch, account))
            if batch.state == .approved { released() }
        }
        return result
    }

    /// The audit entry of a decided batch: what was decided, and what it held.
    static func audit(_ batch: ApprovalBatch, by actor: String, at now: Date) -> AuditEntry {
        let approved = batch.state == .approved
        var detail = "\(batch.messageCount) messages, \(batch.totalAmount.yuanString) 元, \(batch.segments) SMS segments; "
            + "project \(batch.projectCode), day \(batch.day)"
        if let reason = batch.reason, !approved { detail += "; reason: \(reason)" }
        return AuditEntry(at: now, actor: actor, action: approved ? "batch_approve" : "batch_reject", subject: "batch \(batch.id)", detail: detail)
    }

    static func metadata(_ batch: ApprovalBatch, _ account: OperatorAccount, refusal: ApprovalRefusal? = nil) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "batch.id": "\(batch.id)", "project.code": "\(batch.projectCode)", "batch.messages": "\(batch.messageCount)",
            "operator.name": "\(account.name)",
        ]
        if let refusal { metadata["reason"] = "\(refusal)" }
        return metadata
    }
}

/// An operator account a command acts as (`--operator NAME`): it must be in the operators file,
/// with at least the role the action needs.
public enum OperatorCheck {
    /// Why a named operator may not act.
    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case unknown(String)
        case role(name: String, has: OperatorRole, needs: OperatorRole)

        public var description: String {
            switch self {
            case let .unknown(name): return "no operator account \"\(name)\" in the operators file (operators.toml)"
            case let .role(name, has, needs): return "operator \"\(name)\" is a \(has.rawValue); this needs a \(needs.rawValue) or above"
            }
        }
    }

    public static func account(_ name: String, in configuration: Configuration, atLeast role: OperatorRole) -> Result<OperatorAccount, Refusal> {
        guard let account = configuration.operatorAccount(named: name) else { return .failure(.unknown(name)) }
        guard account.role >= role else { return .failure(.role(name: name, has: account.role, needs: role)) }
        return .success(account)
    }
}
