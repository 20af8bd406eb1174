import FafangConfig
import FafangCore
import Foundation

/// The search of 发送记录 as the query string gives it (`payee`, `phone` tail, `village`, `state`,
/// `project`, `from`, `to` dates, `before` an id), read into a `DeliveryFilter` with what could not
/// be read.
struct DeliverySearch: Sendable, Hashable {
    static let pageSize = 50

    var payee = ""
    var phone = ""
    var village = ""
    var state = ""
    var project = ""
    var from = ""
    var to = ""
    var before: Int64?
    /// What is wrong with the search, in Chinese; nothing is searched then.
    var problems: [String] = []
    var filter = DeliveryFilter(limit: DeliverySearch.pageSize)

    init(_ query: FormFields, zone: TimeZone) {
        payee = query.text("payee") ?? ""
        phone = query.text("phone") ?? ""
        village = query.text("village") ?? ""
        state = query.text("state") ?? ""
        project = query.text("project") ?? ""
        from = query.text("from") ?? ""
        to = query.text("to") ?? ""
        before = query.text("before").flatMap { Int64($0) }
        filter.payeeID = payee.isEmpty ? nil : payee
        filter.village = village.isEmpty ? nil : village
        filter.projectCode = project.isEmpty ? nil : project
        filter.beforeID = before
        if !phone.isEmpty {
            if phone.utf8.count == 4, phone.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { filter.phoneTail = phone } else {
                problems.append("手机尾号须为 4 位数字。")
                phone = ""
            }
        }
        if !state.isEmpty {
            if let value = MessageState(rawValue: state) { filter.state = value } else { problems.append("没有这个状态。") }
        }
        if !from.isEmpty {
            if let day = CivilDate(iso: from) { filter.since = day.start(in: zone) } else { problems.append("起始日期须为 2021-06-01 这样的日期。") }
        }
        if !to.isEmpty {
            if let day = CivilDate(iso: to) { filter.until = day.deadline(in: zone) } else { problems.append("截止日期须为 2021-06-30 这样的日期。") }
        }
    }

    /// The query of the next page after the last id shown.
    func next(after id: Int64) -> String {
        var pairs = [("payee", payee), ("phone", phone), ("village", village), ("state", state), ("project", project), ("from", from), ("to", to)]
            .filter { !$0.1.isEmpty }
        pairs.append(("before", "\(id)"))
        return FormFields.encode(pairs)
    }
}
