import FafangConfig
import FafangCore
import Foundation

/// The year's records for the auditors (审计), as tables (`fafang export`): what was paid (the
/// ledger, with a summary per project), and what every household and village was told (the
/// messages, every attempt, every receipt).
///
/// A year is civil, in the configured zone: payments by their value date, messages by when they
/// were made. Times are local (`2021-03-15 10:00:00`). Phone numbers are masked (138****5678),
/// in recipients and in message texts alike, unless `unmasked`; card numbers never appear (the
/// registers hold only their tails).
public enum AuditExport {
    public struct Options: Sendable {
        public var year: Int
        public var unmasked: Bool

        public init(year: Int, unmasked: Bool = false) {
            self.year = year
            self.unmasked = unmasked
        }
    }

    /// The summary, ledger, messages, attempts and receipts tables, in that order.
    public static func tables(_ configuration: Configuration, store: any Store, options: Options) async throws -> [ExportTable] {
        let zone = configuration.settings.timeZone
        let year = options.year
        var names: [String: [String: String]] = [:]
        var projectNames: [String: String] = [:]
        for configured in configuration.projects {
            let project = configured.project
            projectNames[project.code] = project.name
            var byID: [String: String] = [:]
            for position in configured.payees.indices { byID[configured.payees.id(at: position)] = configured.payees[position].name }
            names[project.code] = byID
        }

        var ledger = ExportTable(name: "付款台账", header: ["项目编码", "项目名称", "收款人编号", "收款人", "金额（元）", "付款日期", "银行流水号", "录入人"])
        var paid: [String: (count: Int64, total: Money)] = [:]
        var after: Int64 = 0
        while true {
            let (entries, last) = try await store.ledger(after: after)
            for entry in entries where entry.date.year == year {
                ledger.rows.append([.text(entry.projectCode), .text(projectNames[entry.projectCode] ?? ""), .text(entry.payeeID),
                                    .text(names[entry.projectCode]?[entry.payeeID] ?? ""), .yuan(entry.amount), .text(entry.date.description),
                                    .text(entry.bankReference), .text(entry.recordedBy ?? "")])
                var tally = paid[entry.projectCode] ?? (0, .zero)
                tally.count += 1
                tally.total += entry.amount
                paid[entry.projectCode] = tally
            }
            guard last > after, !entries.isEmpty else { break }
            after = last
        }

        var summary = ExportTable(name: "汇总", header: ["项目编码", "项目名称", "预算（元）", "付款笔数", "\(year)年已付（元）"])
        var codes = configuration.projects.map(\.project.code)
        codes += paid.keys.filter { projectNames[$0] == nil }.sorted()
        for code in codes {
            let budget = configuration.projects.first { $0.project.code == code }?.project.budget.total
            summary.rows.append([.text(code), .text(projectNames[code] ?? ""), budget.map(ExportTable.Cell.yuan) ?? .empty,
                                 .integer(paid[code]?.count ?? 0), .yuan(paid[code]?.total ?? .zero)])
        }
        summary.rows.append([.text("合计"), .empty, .empty, .integer(paid.values.reduce(0) { $0 + $1.count }),
                             .yuan(paid.values.reduce(Money.zero) { $0 + $1.total })])

        let time = LocalTime(zone: zone)
        let unmasked = options.unmasked
        func mask(_ text: String) -> String { unmasked ? text : Mask.digitRuns(in: text) }
        var messages = ExportTable(name: "通知", header: ["通知编号", "类型", "项目编码", "渠道", "网关", "收件人", "村", "收款人编号", "状态",
                                                        "尝试次数", "金额（元）", "创建时间", "更新时间", "内容"])
        var attempts = ExportTable(name: "发送记录", header: ["通知编号", "第几次", "开始时间", "耗时（毫秒）", "HTTP状态", "curl代码", "结果", "详情"])
        var receipts = ExportTable(name: "回执", header: ["通知编号", "收到时间", "状态", "详情"])
        var records: [DeliveryRecord] = []
        var before: Int64?
        // Newest first, a page at a time; a message made in the year may have been updated after it.
        while true {
            let page = try await store.deliveries(DeliveryFilter(beforeID: before, limit: 500))
            records += page.filter { CivilDate.of($0.message.createdAt, in: zone).year == year }
            guard let oldest = page.last?.message.id, page.count == 500 else { break }
            before = oldest
        }
        for record in records.reversed() {
            let message = record.message
            let recipient = message.channel == .sms && !options.unmasked ? Mask.phone(message.recipient) : message.recipient
            messages.rows.append([.integer(message.id), .text(message.kind.rawValue), .text(message.projectCode), .text(message.channel.rawValue),
                                  .text(message.gateway), .text(recipient), .text(message.item.village ?? ""), .text(message.item.payeeID ?? ""),
                                  .text(message.state.rawValue), .integer(Int64(message.attempts)), message.item.amount.map(ExportTable.Cell.yuan) ?? .empty,
                                  .text(time.text(message.createdAt)), .text(time.text(message.updatedAt)), .text(mask(message.item.text))])
            for attempt in record.attempts {
                attempts.rows.append([.integer(attempt.outboxID), .integer(Int64(attempt.number)), .text(time.text(attempt.startedAt)),
                                      .integer(Int64(attempt.durationMilliseconds)), attempt.httpStatus.map { .integer(Int64($0)) } ?? .empty,
                                      attempt.curlCode.map { .integer(Int64($0)) } ?? .empty, .text(attempt.verdict.rawValue), .text(mask(attempt.detail))])
            }
            for receipt in record.receipts {
                receipts.rows.append([.integer(receipt.outboxID), .text(time.text(receipt.receivedAt)), .text(receipt.status), .text(mask(receipt.detail))])
            }
        }
        return [summary, ledger, messages, attempts, receipts]
    }

    /// The file stems of `tables`' CSV files, in their order.
    public static let csvStems = ["summary", "ledger", "messages", "attempts", "receipts"]

    /// Local wall-clock text of instants, `2021-03-15 10:00:00`.
    struct LocalTime {
        var calendar: Calendar

        init(zone: TimeZone) {
            calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
        }

        func text(_ instant: Date) -> String {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
            func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
            return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second))"
        }
    }
}
