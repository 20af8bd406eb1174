import FafangCore
import Foundation

/// Reads one `Config/projects/*.toml` file (the importer's output, reviewed by the office).
enum ProjectReader {
    /// What the project file says about its payees, before the register is read.
    struct PayeeSource {
        var register: String
        var registerLine: Int
        /// The sheet of a workbook register (`register_sheet`); nil for the first sheet.
        var sheet: String?
        /// Defaults for household rows that leave rate or years empty.
        var defaultRate: Money?
        var defaultYears: Int?
    }

    struct Result {
        var project: Project
        var payees: PayeeSource?
        var tolerance: Money
        var toleranceNote: String?
        /// `deadline_policy`, when the file gives one (else the township's applies).
        var deadlinePolicy: DeadlineRule.Policy?
        /// Lines of `year` and `deadline_policy`, for the calendar's warnings.
        var yearLine: Int
        var deadlinePolicyLine: Int
        /// `[publicity]`: what the village transparency report (公示) shows.
        var publicity = Publicity()
    }

    /// `directory` is the project file's folder: its register path is relative to it.
    static func read(_ source: TOMLSource, directory: String) -> Result? {
        let root = source.fields
        defer { root.finish() }
        let code = root.string("code")
        if let code, !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            root.error("code", "must be letters and digits only (got \"\(code)\")")
        }
        let name = root.string("name")
        let kindText = root.string("kind")
        let kind = kindText.flatMap(ProjectKind.init(rawValue:))
        if let kindText, kind == nil {
            root.error("kind", "unknown kind \"\(kindText)\" (known: \(ProjectKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let year = root.int("year", range: 2000...2100)
        let purpose = root.string("purpose", required: false, allowEmpty: true) ?? ""
        let goals = root.strings("goals", required: false) ?? []
        let deadlinePolicy = SettingsReader.choice(root, "deadline_policy", DeadlineRule.Policy.self)

        let budgetFields = root.table("budget")
        let total = budgetFields?.money("total_wan", wan: true)
        let fiscal = budgetFields?.money("fiscal_wan", wan: true)
        let other = budgetFields?.money("other_wan", wan: true)
        budgetFields?.finish()
        if let total, let fiscal, let other, fiscal + other != total {
            budgetFields?.error("total_wan", "fiscal_wan + other_wan = \((fiscal + other).wanString) 万元, not the total \(total.wanString) 万元")
        }

        let plan = readPlan(root, year: year)
        let indicators = readIndicators(root)

        var payees: PayeeSource?
        if let fields = root.table("payees", required: false) {
            if let register = fields.string("register") {
                payees = PayeeSource(
                    register: SettingsReader.resolve(register, against: directory),
                    registerLine: source.line(fields.keyPath("register")),
                    sheet: fields.string("register_sheet", required: false),
                    defaultRate: fields.money("rate_yuan_per_mu", required: false),
                    defaultYears: fields.int("years", required: false, range: 1...99)
                )
            }
            fields.finish()
        }
        if let kind {
            if kind.payeeKind != nil, payees == nil {
                root.error("payees", "a \(kind.rawValue) project needs a [payees] table naming its register")
            } else if kind.payeeKind == nil, payees != nil {
                root.error("payees", "an operating project has no payees; remove [payees] or change kind")
            }
        }

        var publicity = Publicity()
        if let fields = root.table("publicity", required: false) {
            publicity.listPayees = fields.bool("list_payees", required: false) ?? false
            publicity.standard = fields.string("standard", required: false)
            fields.finish()
        }

        var tolerance = Money.zero
        var note: String?
        if let fields = root.table("reconciliation", required: false) {
            tolerance = fields.money("tolerance_yuan") ?? .zero
            note = fields.string("note")
            fields.finish()
        }

        guard let code, let name, let kind, let year, let total, let fiscal, let other, let plan, let indicators else {
            return nil
        }
        let project = Project(
            code: code, name: name, kind: kind, year: year,
            budget: Budget(total: total, fiscal: fiscal, other: other),
            purpose: purpose, plan: plan, goals: goals, indicators: indicators
        )
        return Result(project: project, payees: payees, tolerance: tolerance, toleranceNote: note, deadlinePolicy: deadlinePolicy,
                      yearLine: source.line("year"), deadlinePolicyLine: source.line("deadline_policy"), publicity: publicity)
    }

    /// `[[plan]]` milestones: deadlines inside the budget year and rising, cumulative
    /// percentages never falling, the last one 100 %.
    private static func readPlan(_ root: TOMLFields, year: Int?) -> [Milestone]? {
        guard let tables = root.tables("plan") else { return nil }
        if tables.isEmpty {
            root.error("plan", "needs at least one [[plan]] milestone")
            return nil
        }
        var milestones: [Milestone] = []
        var ok = true
        for fields in tables {
            let deadline = fields.date("deadline")
            let percent = fields.decimal("cumulative_percent", what: "a percentage") { text throws(Money.ParseError) in
                try Percent.parse(text)
            }
            fields.finish()
            guard let deadline, let percent else { ok = false; continue }
            if let year, deadline.year != year {
                fields.error("deadline", "\(deadline) is not in the budget year \(year)")
                ok = false
            }
            if percent.basisPoints <= 0 || percent.basisPoints > 10_000 {
                fields.error("cumulative_percent", "must be above 0 and at most 100 (got \(percent))")
                ok = false
            }
            if let last = milestones.last {
                if deadline <= last.deadline {
                    fields.error("deadline", "\(deadline) is not after the previous milestone's \(last.deadline)")
                    ok = false
                }
                if percent < last.cumulative {
                    fields.error("cumulative_percent", "the plan is cumulative: \(percent)% is below the previous \(last.cumulative)%")
                    ok = false
                }
            }
            milestones.append(Milestone(deadline: deadline, cumulative: percent))
        }
        if ok, let last = milestones.last, last.cumulative != .whole(100), let lastFields = tables.last {
            lastFields.error("cumulative_percent", "the last milestone must reach 100% (got \(last.cumulative)%)")
            ok = false
        }
        return ok ? milestones : nil
    }

    private static func readIndicators(_ root: TOMLFields) -> [Indicator]? {
        guard let tables = root.tables("indicators", required: false) else { return [] }
        var result: [Indicator] = []
        for fields in tables {
            defer { fields.finish() }
            guard let level1 = fields.string("level1"), let level2 = fields.string("level2"),
                  let level3 = fields.string("level3")
            else { continue }
            let comparator = fields.string("comparator", allowEmpty: true) ?? ""
            if !["", "≥", "≤", ">", "<", "="].contains(comparator) {
                fields.error("comparator", "must be one of ≥ ≤ > < = or empty (got \"\(comparator)\")")
            }
            result.append(Indicator(
                level1: level1, level2: level2, level3: level3,
                description: fields.string("description", allowEmpty: true) ?? "",
                comparator: comparator,
                value: fields.string("value", allowEmpty: true) ?? "",
                unit: fields.string("unit", allowEmpty: true) ?? "",
                basis: fields.string("basis", allowEmpty: true) ?? ""
            ))
        }
        return result
    }
}
