import FafangCore
import Foundation

/// One line of the answer to a household's inquiry: one payee registered with the phone, in one
/// project, with what it was paid and what is still due.
public struct InquiryLine: Sendable, Hashable {
    public var payeeID: String
    /// As in the register: masked when the line is made into template fields.
    public var payeeName: String
    public var projectName: String
    public var projectKind: ProjectKind
    public var paid: Money
    /// The value date of the latest payment, nil when nothing was paid.
    public var lastPayment: CivilDate?
    public var cardTail: String?
    /// Owed minus paid (never negative).
    public var remaining: Money
    /// The deadline the remainder is due by (nil when nothing remains).
    public var dueBy: CivilDate?

    public init(payeeID: String, payeeName: String, projectName: String, projectKind: ProjectKind, paid: Money, lastPayment: CivilDate?,
                cardTail: String?, remaining: Money, dueBy: CivilDate?) {
        self.payeeID = payeeID
        self.payeeName = payeeName
        self.projectName = projectName
        self.projectKind = projectKind
        self.paid = paid
        self.lastPayment = lastPayment
        self.cardTail = cardTail
        self.remaining = remaining
        self.dueBy = dueBy
    }
}

extension TemplateContext {
    /// The answer to an inquiry from a registered phone: `lines` in order (a payee's lines
    /// together), names masked, each payee shown by its masked register id when several share
    /// the phone; `omitted` lines were left out to fit the SMS.
    public static func inquiryReply(lines: [InquiryLine], omitted: Int, payees: Int, settings: Settings) -> TemplateContext {
        var v = base(settings)
        let several = payees > 1
        if several { v["several"] = String(payees) }
        v["payee_count"] = String(payees)
        if omitted > 0 { v["omitted"] = String(omitted) }
        var entries: [[String: String]] = []
        var summary: [String] = []
        var previous: String?
        for line in lines {
            var e: [String: String] = [:]
            if line.payeeID != previous { e["first_of_payee"] = "1" }
            previous = line.payeeID
            if several { e["payee_code"] = maskedCode(line.payeeID) }
            e["payee_name"] = Mask.name(line.payeeName)
            e["project_name"] = line.projectName
            e["item"] = ChineseFormat.item(line.projectKind)
            e["paid"] = ChineseFormat.amount(line.paid)
            e["payment_date"] = line.lastPayment.map(ChineseFormat.date)
            if let tail = line.cardTail, !tail.isEmpty { e["card_tail"] = String(tail.suffix(4)) }
            if line.remaining > .zero {
                e["remaining"] = ChineseFormat.amount(line.remaining)
                e["due_by"] = line.dueBy.map(ChineseFormat.date)
            } else {
                e["settled"] = "1"
            }
            entries.append(e)
            var text = "\(e["payee_name"] ?? "")\(e["payee_code"].map { "（\($0)）" } ?? "")\(line.projectName)已发\(e["paid"] ?? "")元"
            if let remaining = e["remaining"] { text += "，待发\(remaining)元" }
            summary.append(text)
        }
        v["summary"] = summary.joined(separator: "；")
        return TemplateContext(kind: .inquiryReply, values: v, lists: ["lines": entries])
    }

    /// The neutral answer to an inquiry from a phone no register holds: it says nothing of
    /// whether the number is known.
    public static func inquiryUnknown(settings: Settings) -> TemplateContext {
        TemplateContext(kind: .inquiryUnknown, values: base(settings))
    }

    /// A register id shown by its last three characters (fewer for a short id, never all):
    /// `NZZ017` → `***017`, `H1` → `*1`.
    static func maskedCode(_ id: String) -> String {
        let kept = min(3, max(0, id.count - 1))
        return String(repeating: "*", count: max(1, id.count - kept)) + String(id.suffix(kept))
    }
}
