import FafangCore
import Foundation

/// The values one message template sees: built from a scheduler event, its project, the payee
/// and village it is about, and the township's settings; every value already formatted for a
/// Chinese reader. Only fields `TemplateFields.allowed` lists for the kind are kept.
///
/// Every value passes through `Mask.digitRuns`, so no rendered message can carry a full phone,
/// card or ID number even if one slipped into a name or a reason.
public struct TemplateContext: Sendable, Hashable {
    /// The township settings messages quote (FafangConfig's `Settings`, reduced to plain values).
    public struct Settings: Sendable, Hashable {
        public var townshipName: String
        public var hotline: String
        /// The zone instants (a pause's end) are shown in.
        public var timeZone: TimeZone

        public init(townshipName: String, hotline: String, timeZone: TimeZone) {
            self.townshipName = townshipName
            self.hotline = hotline
            self.timeZone = timeZone
        }
    }

    public let kind: TemplateKind
    /// Field name → formatted value; a field that does not apply is absent.
    public private(set) var values: [String: String]

    /// Lists a template iterates (`{{#lines}}…{{/lines}}`), by field name: each entry's fields.
    /// Not sent as cloud SMS parameters (a cloud template takes a flat field such as `summary`).
    public private(set) var lists: [String: [[String: String]]] = [:]

    /// A context from raw values (tests, previews); fields not allowed for `kind` are dropped,
    /// also inside list entries.
    public init(kind: TemplateKind, values: [String: String], lists: [String: [[String: String]]] = [:]) {
        self.kind = kind
        let allowed = TemplateFields.allowed[kind] ?? []
        self.values = values.filter { allowed.contains($0.key) }.mapValues(Mask.digitRuns(in:))
        self.lists = lists.filter { allowed.contains($0.key) }.mapValues { entries in
            entries.map { $0.filter { allowed.contains($0.key) }.mapValues(Mask.digitRuns(in:)) }
        }
    }

    /// What Mustache renders: the values, and the lists as arrays of dictionaries.
    var renderable: [String: Any] {
        var all: [String: Any] = values
        for (name, entries) in lists { all[name] = entries }
        return all
    }

    public subscript(field: String) -> String? { values[field] }

    /// The context of `event` as told to one audience.
    /// - Parameters:
    ///   - payee: the payee the event is about (payment_recorded, payment_in_progress), if any.
    ///   - village: the village committee told, if the audience is one; else the payee's village.
    ///   - unpaidCount: for milestone events, the payees not yet paid in full that the audience
    ///     cares about (in its village, or in the whole project for the office).
    public init(event: DueEvent, project: Project, payee: Payee?, village: String?, unpaidCount: Int? = nil,
                settings: Settings) {
        var v = Self.base(settings)
        v["project_name"] = project.name
        v["project_code"] = project.code
        v["year"] = String(project.year)
        v["item"] = ChineseFormat.item(project.kind)
        v["village"] = village ?? payee?.village
        if let payee {
            v["payee_name"] = payee.name
            let tail: String?
            switch payee.party {
            case let .household(household): tail = household.cardTail
            case let .person(person): tail = person.cardTail
            case .village: tail = nil
            }
            if let tail, !tail.isEmpty { v["card_tail"] = String(tail.suffix(4)) }
        }
        let facts = event.facts
        v["amount"] = facts.amount.map(ChineseFormat.amount)
        v["payment_date"] = facts.paymentDate.map(ChineseFormat.date)
        v["deadline"] = facts.deadline.map(ChineseFormat.date)
        v["cumulative"] = facts.cumulative.map(ChineseFormat.percent)
        v["target"] = facts.target.map(ChineseFormat.amount)
        v["paid"] = facts.paid.map(ChineseFormat.amount)
        v["budget"] = ChineseFormat.amount(project.budget.total)
        if let paid = facts.paid {
            v["paid_percent"] = ChineseFormat.share(paid, of: project.budget.total)
            if let target = facts.target, paid < target { v["shortfall"] = ChineseFormat.amount(target - paid) }
        }
        v["grade"] = facts.grade.map(ChineseFormat.grade)
        if let days = facts.daysLeft {
            v["days_left"] = String(max(0, days))
            v["days_left_text"] = ChineseFormat.daysLeft(days)
        }
        v["days_overdue"] = facts.daysOverdue.map(String.init)
        if let unpaidCount, let unit = ChineseFormat.unit(project.kind) {
            v["unpaid_count"] = String(unpaidCount)
            v["unpaid_unit"] = unit
        }
        self.init(kind: TemplateKind(event.kind), values: v)
    }

    /// The finance office's alert that `item` was given up on.
    /// - Parameter project: the item's project when still configured (else its code is shown).
    public static func deliveryDead(item: OutboxItem, project: Project?, reason: String, attempts: Int,
                                    settings: Settings) -> TemplateContext {
        var v = base(settings)
        let kind = TemplateKind(item.kind)
        v["event_name"] = kind.chineseName
        v["event_kind"] = kind.rawValue
        v["project_name"] = project?.name ?? item.projectCode
        v["project_code"] = item.projectCode
        v["channel_name"] = ChineseFormat.channel(item.channel)
        v["recipient"] = item.maskedRecipient
        v["reason"] = reason
        v["attempts"] = String(attempts)
        return TemplateContext(kind: .deliveryDead, values: v)
    }

    /// The finance office's alert that `endpoint` keeps failing and was paused.
    /// - Parameter until: when sending resumes; nil when only an operator resumes it.
    public static func endpointPaused(endpoint: String, reason: String, failures: Int, until: Date?,
                                      settings: Settings) -> TemplateContext {
        var v = base(settings)
        v["endpoint"] = endpoint
        v["reason"] = reason
        v["failures"] = String(failures)
        v["paused_until"] = until.map { ChineseFormat.dateTime($0, in: settings.timeZone) }
        return TemplateContext(kind: .endpointPaused, values: v)
    }

    /// The finance office's alert that the state directory's disk is nearly full: `available`
    /// of `size` bytes free, below `threshold`.
    public static func diskLow(path: String, available: Int64, size: Int64, threshold: Int64, settings: Settings) -> TemplateContext {
        var v = base(settings)
        v["disk_path"] = path
        v["available_mib"] = String(available >> 20)
        v["size_mib"] = String(size >> 20)
        v["threshold_mib"] = String(threshold >> 20)
        return TemplateContext(kind: .diskLow, values: v)
    }

    /// The finance office's reminder that the holiday calendar lacks `event.facts.uncoveredYear`.
    /// - Parameter calendarFile: the calendar file, as the office knows it (Config/calendar/cn-holidays.csv).
    public static func calendarUncovered(event: DueEvent, calendarFile: String, settings: Settings) -> TemplateContext {
        var v = base(settings)
        v["uncovered_year"] = event.facts.uncoveredYear.map(String.init)
        v["covered_through"] = event.facts.coveredThrough.map(String.init)
        v["calendar_file"] = calendarFile
        return TemplateContext(kind: .calendarUncovered, values: v)
    }

    static func base(_ settings: Settings) -> [String: String] {
        var v: [String: String] = [:]
        if !settings.townshipName.isEmpty { v["township"] = settings.townshipName }
        if !settings.hotline.isEmpty { v["hotline"] = settings.hotline }
        return v
    }
}
