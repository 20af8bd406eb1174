import FafangCore
import Foundation

/// One entry of a `POST /v1/ledger` body, as sent: every field read leniently so that each
/// mistake becomes a problem of its own rather than one decoding error for the whole body.
struct LedgerRequestEntry: Decodable {
    enum Key: String, CodingKey, CaseIterable {
        case projectCode = "project_code", payeeID = "payee_id", amountYuan = "amount_yuan", date, bankReference = "bank_reference"
    }

    /// The fields that were strings, by key.
    private var fields: [Key: String] = [:]
    /// The fields that were there but not strings.
    private var notStrings: [Key] = []

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in Key.allCases where container.contains(key) {
            if let text = try? container.decode(String.self, forKey: key) {
                fields[key] = text
            } else {
                notStrings.append(key)
            }
        }
    }

    /// The ledger entry, or every problem with this one.
    func entry() -> Result<LedgerEntry, Problems> {
        var problems: [String] = []
        for key in notStrings {
            problems.append(key == .amountYuan
                ? "amount_yuan must be a string such as \"4950.00\" (a JSON number is not exact)"
                : "\(key.rawValue) must be a string")
        }
        func text(_ key: Key) -> String? {
            guard !notStrings.contains(key) else { return nil }
            let value = fields[key]?.trimmingCharacters(in: .whitespaces) ?? ""
            if value.isEmpty { problems.append("\(key.rawValue) is missing") }
            return value.isEmpty ? nil : value
        }
        let project = text(.projectCode)
        let payee = text(.payeeID)
        let reference = text(.bankReference)
        var amount: Money?
        if let value = text(.amountYuan) {
            do {
                let money = try Money.parseYuan(value)
                if money.fen > 0 { amount = money } else { problems.append("amount_yuan must be more than 0 (got \"\(value)\")") }
            } catch {
                problems.append("amount_yuan: \(error.description)")
            }
        }
        var date: CivilDate?
        if let value = text(.date) {
            date = CivilDate(iso: value)
            if date == nil { problems.append("date must be YYYY-MM-DD, such as 2021-03-15 (got \"\(value)\")") }
        }
        guard problems.isEmpty, let project, let payee, let reference, let amount, let date else {
            return .failure(Problems(messages: problems))
        }
        return .success(LedgerEntry(projectCode: project, payeeID: payee, amount: amount, date: date, bankReference: reference))
    }

    /// Every problem of one entry.
    struct Problems: Error {
        var messages: [String]
    }
}
