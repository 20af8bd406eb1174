import FafangCore
import Foundation

extension StoreContract {
    static func inquiry(_ id: String, phone: String = "17000000001", intake: InquiryIntake = .kannel, at: Date = t0,
                        understood: Bool = true, payees: Int = 1) -> InquiryRecord {
        InquiryRecord(intake: intake, providerID: id, phone: phone, receivedAt: at, understood: understood, payees: payees)
    }

    /// The reply to `inquiry`, as the inquiry service makes it (held for approval on purpose:
    /// the store must enqueue it pending all the same).
    static func reply(to inquiry: InquiryRecord) -> OutboxItem {
        OutboxItem(idempotencyKey: "reply-\(inquiry.intake.rawValue)-\(inquiry.providerID)", eventKey: inquiry.eventKey, kind: .inquiryReply,
                   projectCode: "-", channel: .sms, gateway: "kannel", recipient: inquiry.phone, village: nil, payeeID: nil,
                   text: "您好，您登记的款项…", title: nil, notBefore: inquiry.receivedAt,
                   approval: ApprovalHold(projectCode: "-", day: day))
    }

    static func record(_ store: any Store, _ inquiry: InquiryRecord, limit: Int = 2, dayStart: Date = t0,
                       answered: Bool = true) async throws -> InquiryResult {
        try await store.recordInquiry(inquiry, reply: answered ? reply(to: inquiry) : nil, dailyLimit: limit, dayStart: dayStart)
    }

    static let inquiryCases: [Case] = [
        Case(name: "an inquiry's reply is enqueued pending with it, never held, and audited with the phone masked") { store in
            let asked = inquiry("mo-1")
            guard case let .replied(id) = try await record(store, asked) else { throw Failure(description: "not replied") }
            let message = try await store.message(id: id)
            try expect(message?.state == .pending && message?.kind == .inquiryReply && message?.recipient == "17000000001",
                       "the reply as stored: \(String(describing: message))")
            try expect(try await store.approvalBatches(states: nil, limit: 10).isEmpty, "no approval batch")
            let audit = try await store.auditLog(limit: 10, before: nil)
            try expect(audit.count == 1 && audit[0].action == "inquiry_reply" && audit[0].subject == "170****0001" && audit[0].actor == "kannel",
                       "audit: \(audit)")
            try expect(!audit.contains { "\($0)".contains("17000000001") }, "the full phone is not in the audit log")
        },
        Case(name: "a second push of the same provider id is dropped, whichever the intake") { store in
            _ = try await record(store, inquiry("mo-1"))
            try expect(try await record(store, inquiry("mo-1")) == .duplicate, "the same id again is a duplicate")
            try expect(try await store.outboxCounts() == [.pending: 1], "one reply only")
            try expect(try await store.auditLog(limit: 10, before: nil).count == 1, "a duplicate is not audited again")
            guard case .replied = try await record(store, inquiry("mo-1", intake: .aliyun)) else {
                throw Failure(description: "the same id from another intake is another inquiry")
            }
        },
        Case(name: "a phone gets at most the daily limit of replies; others are audited, and a new day counts afresh") { store in
            for n in 1...2 {
                guard case .replied = try await record(store, inquiry("mo-\(n)", at: t0 + Double(n))) else {
                    throw Failure(description: "reply \(n) within the limit")
                }
            }
            try expect(try await record(store, inquiry("mo-3", at: t0 + 3)) == .limited(repliesToday: 2), "the third is limited")
            try expect(try await record(store, inquiry("mo-4", phone: "17000000002", at: t0 + 4)) != .limited(repliesToday: 2),
                       "another phone has its own limit")
            try expect(try await record(store, inquiry("mo-5", at: t0 + 5), answered: false) == .ignored, "not a query: ignored")
            let actions = try await store.auditLog(limit: 10, before: nil).map(\.action)
            try expect(actions == ["inquiry_ignored", "inquiry_reply", "inquiry_limited", "inquiry_reply", "inquiry_reply"], "audit: \(actions)")
            let tomorrow = t0 + 86_400
            guard case .replied = try await record(store, inquiry("mo-6", at: tomorrow + 1), dayStart: tomorrow) else {
                throw Failure(description: "the next day's first query is answered")
            }
            try expect(try await store.outboxCounts() == [.pending: 4], "four replies in all")
        },
    ]
}
