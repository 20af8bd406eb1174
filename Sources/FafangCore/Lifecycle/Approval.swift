import Foundation

/// `[approval]`: which messages wait for an approver (审核) before they go out. By default the
/// household and person SMS about payments (`payment_recorded`); office and village alerts are
/// never held.
public struct ApprovalSettings: Sendable, Hashable {
    /// The kinds whose SMS to payees are held; empty: nothing is held.
    public var kinds: Set<DueEvent.Kind>

    public static let defaultKinds: Set<DueEvent.Kind> = [.paymentRecorded]

    public init(kinds: Set<DueEvent.Kind> = ApprovalSettings.defaultKinds) { self.kinds = kinds }

    /// Whether an approver must release this message: an SMS to a payee of a held kind. An
    /// answer to a household's inquiry never is: the household asked for it, now (the
    /// configuration refuses inquiry kinds in `[approval] kinds`).
    public func requiresApproval(kind: DueEvent.Kind, channel: Channel, payeeID: String?) -> Bool {
        channel == .sms && payeeID != nil && kinds.contains(kind) && !kind.isInquiry
    }
}

/// The batch a held message joins: one per project and civil day (in the configured zone) of
/// enqueueing; once that batch is decided, later messages of the day open a new one.
public struct ApprovalHold: Sendable, Hashable {
    public var projectCode: String
    public var day: CivilDate

    public init(projectCode: String, day: CivilDate) {
        self.projectCode = projectCode
        self.day = day
    }
}

/// The role of an operator of the console and the CLI.
public enum OperatorRole: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Reads every page; changes nothing.
    case viewer
    /// Records payments, retries dead messages, pauses and resumes gateways.
    case clerk
    /// What a clerk may, and approves or rejects held batches (not of payments they recorded).
    case approver

    private var rank: Int {
        switch self {
        case .viewer: return 0
        case .clerk: return 1
        case .approver: return 2
        }
    }

    public static func < (lhs: OperatorRole, rhs: OperatorRole) -> Bool { lhs.rank < rhs.rank }
}

/// A batch of held messages of one project and day, as an approver reviews it.
public struct ApprovalBatch: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Waiting for a decision; messages may still join it.
        case open
        case approved
        case rejected
    }

    public var id: Int64
    public var projectCode: String
    public var day: CivilDate
    public var state: State
    /// Messages in the batch (held while open).
    public var messageCount: Int
    /// What the payments it tells of add up to.
    public var totalAmount: Money
    /// SMS segments its messages take in all: what it costs.
    public var segments: Int
    /// Who recorded the payments it tells of (operators and machine sources).
    public var recordedBy: Set<String>
    public var createdAt: Date
    public var decidedBy: String?
    public var decidedAt: Date?
    /// Why it was rejected.
    public var reason: String?

    public init(id: Int64, projectCode: String, day: CivilDate, state: State, messageCount: Int, totalAmount: Money, segments: Int,
                recordedBy: Set<String>, createdAt: Date, decidedBy: String? = nil, decidedAt: Date? = nil, reason: String? = nil) {
        self.id = id
        self.projectCode = projectCode
        self.day = day
        self.state = state
        self.messageCount = messageCount
        self.totalAmount = totalAmount
        self.segments = segments
        self.recordedBy = recordedBy
        self.createdAt = createdAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.reason = reason
    }
}

/// An approver's decision on a batch, as the store applies it. `expectedCount` is the number of
/// messages the approver saw: if more joined meanwhile the decision is refused, to be taken again.
public struct BatchDecision: Sendable, Hashable {
    public enum Verdict: Sendable, Hashable {
        /// Its held messages become pending, due at once (or at their own later time).
        case approve
        /// Its held messages become rejected, with the reason.
        case reject(reason: String)
    }

    public var batchID: Int64
    public var verdict: Verdict
    public var decidedBy: String
    public var expectedCount: Int
    /// Written to the audit log in the decision's own transaction, when it is taken: a decision
    /// is never made without its entry, nor an entry written for a decision refused.
    public var audit: AuditEntry?

    public init(batchID: Int64, verdict: Verdict, decidedBy: String, expectedCount: Int, audit: AuditEntry? = nil) {
        self.batchID = batchID
        self.verdict = verdict
        self.decidedBy = decidedBy
        self.expectedCount = expectedCount
        self.audit = audit
    }
}

/// Who may decide a batch: an approver, open batch, not one of the batch's recorders (maker-checker).
public enum ApprovalRule {
    /// Nil when `operatorName` (of `role`) may decide `batch`, else why not (Chinese is for the
    /// page; the CLI prints it as is).
    public static func refusal(batch: ApprovalBatch, operatorName: String, role: OperatorRole) -> ApprovalRefusal? {
        guard role == .approver else { return .notApprover }
        guard batch.state == .open else { return .alreadyDecided(batch.state) }
        guard !batch.recordedBy.contains(operatorName) else { return .recordedByDecider }
        return nil
    }
}

/// Why a decision on a batch is refused.
public enum ApprovalRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case notApprover
    case alreadyDecided(ApprovalBatch.State)
    case recordedByDecider
    /// Messages joined after the approver looked: `seen` then, `now` in it now.
    case changed(seen: Int, now: Int)
    case notFound

    public var description: String {
        switch self {
        case .notApprover: return "only an approver may approve or reject a batch"
        case let .alreadyDecided(state): return "the batch is already \(state.rawValue)"
        case .recordedByDecider: return "the approver recorded payments of this batch: another approver must decide it"
        case let .changed(seen, now): return "the batch changed while it was reviewed (\(seen) messages seen, \(now) now): review it again"
        case .notFound: return "no such batch"
        }
    }
}

/// One operator action, for the audit log: who, when, what.
public struct AuditEntry: Sendable, Hashable {
    public var id: Int64
    public var at: Date
    /// The operator's account name, or a machine source (`api`, `cli`).
    public var actor: String
    /// `login`, `login_failed`, `ledger_record`, `batch_approve`, `batch_reject`, `retry`, `pause`, `resume`…
    public var action: String
    /// What it acted on (a batch id, a message id, a gateway); never a phone or a card number.
    public var subject: String
    public var detail: String

    public init(id: Int64 = 0, at: Date, actor: String, action: String, subject: String, detail: String = "") {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}
