import Foundation

/// One inbound SMS as the store keeps it: who asked (the phone, stored like an outbox
/// recipient and never logged), through which intake, under the provider's own id (a duplicate
/// push of the same id is dropped), and what was made of it.
public struct InquiryRecord: Sendable, Hashable {
    public var intake: InquiryIntake
    /// The provider's id of the inbound SMS (Kannel's `%I`, Aliyun's `sequence_id`; for Tencent,
    /// which sends none, a digest of the push's fields).
    public var providerID: String
    /// The 11 digits of the phone that asked.
    public var phone: String
    public var receivedAt: Date
    /// Whether the text was a query (a keyword); other texts are kept and audited, not answered.
    public var understood: Bool
    /// Payees registered with the phone (0: an unknown number, answered neutrally).
    public var payees: Int

    public init(intake: InquiryIntake, providerID: String, phone: String, receivedAt: Date, understood: Bool, payees: Int) {
        self.intake = intake
        self.providerID = providerID
        self.phone = phone
        self.receivedAt = receivedAt
        self.understood = understood
        self.payees = payees
    }

    /// Safe for logs and the audit log.
    public var maskedPhone: String { Mask.phone(phone) }

    /// The event key of its reply: the intake and the provider's id, so a duplicate inbound SMS
    /// derives the same reply (and the same idempotency key).
    public var eventKey: String { "inquiry:\(intake.rawValue):\(providerID)" }
}

/// What `Store.recordInquiry` did with an inbound SMS.
public enum InquiryResult: Sendable, Hashable {
    /// Answered: the reply is in the outbox with this id.
    case replied(messageID: Int64)
    /// The phone had its replies of the day already (`repliesPerPhonePerDay`): recorded and
    /// audited, not answered.
    case limited(repliesToday: Int)
    /// Not a query: recorded and audited, not answered.
    case ignored
    /// The provider's id was seen before: nothing recorded.
    case duplicate

    /// How a store keeps it: `replied`, `limited` or `ignored`.
    public var storedOutcome: String {
        switch self {
        case .replied: return "replied"
        case .limited: return "limited"
        case .ignored, .duplicate: return "ignored"
        }
    }

    /// The audit log's action for it (a duplicate is not audited again).
    public var auditAction: String? {
        switch self {
        case .replied: return "inquiry_reply"
        case .limited: return "inquiry_limited"
        case .ignored: return "inquiry_ignored"
        case .duplicate: return nil
        }
    }
}

extension InquiryRecord {
    /// The audit entry of this inquiry with `result`: the phone masked, never the text.
    public func auditEntry(_ result: InquiryResult) -> AuditEntry? {
        guard let action = result.auditAction else { return nil }
        var detail = "via \(intake.rawValue), \(payees == 0 ? "no registered payee" : "\(payees) registered payee(s)")"
        switch result {
        case let .replied(id): detail += ", reply message \(id)"
        case let .limited(count): detail += ", \(count) replies today already"
        case .ignored: detail += ", not a query keyword"
        case .duplicate: break
        }
        return AuditEntry(at: receivedAt, actor: intake.rawValue, action: action, subject: maskedPhone, detail: detail)
    }
}
