import FafangConfig
import FafangCore
import FafangDaemon
import Foundation

/// The bodies of the pages about plan against actual: the overview (总览), a project, and the
/// village transparency report (公示). Built from the configuration and the kept ledger view
/// (`LedgerSummary`), never from the ledger itself.
struct ProgressPages {
    let configuration: Configuration
    let today: CivilDate

    /// Where a project stands today.
    struct Standing {
        var configured: ProjectConfiguration
        var paid: Money
        var schedule: PlanSchedule
        var grade: ProgressGrade
        /// The target that decides the grade (the budget when no milestone is left).
        var target: Money

        var project: Project { configured.project }
        var budget: Money { project.budget.total }
        func share(_ amount: Money) -> Int64 { budget.fen > 0 ? amount.fen * 10_000 / budget.fen : 0 }
    }

    func standing(_ configured: ProjectConfiguration, figures: LedgerSummary.Project?) -> Standing {
        let project = configured.project
        let paid = figures?.paid(through: today) ?? .zero
        let schedule = PlanSchedule(project: project, asOf: today, deadlines: configured.deadlines)
        let threshold = configuration.settings.scheduler.slightThreshold
        let deciding = schedule.graded(paid: paid, budget: project.budget.total, slightThreshold: threshold).last
        return Standing(configured: configured, paid: paid, schedule: schedule, grade: deciding?.grade ?? .onTrack,
                        target: deciding?.line.target ?? project.budget.total)
    }

    /// The pages of the running configuration as of the daemon clock's today.
    static func current(_ runtime: LiveConfiguration<Runtime>, clock: DaemonClock) -> (ProgressPages, Configuration) {
        let configuration = runtime.current.configuration
        return (ProgressPages(configuration: configuration, today: CivilDate.of(clock.now, in: configuration.settings.timeZone)), configuration)
    }

    /// The link of one village's 公示 of a project (the query percent-encoded: names are Chinese).
    static func reportLink(project: String, village: String) -> String {
        "/public/report?" + FormFields.encode([("project", project), ("village", village)])
    }

    static func gradeName(_ grade: ProgressGrade) -> String {
        switch grade {
        case .onTrack: return "正常"
        case .slightlyBehind: return "略滞后"
        case .behind: return "滞后"
        }
    }

    static func gradeBadge(_ grade: ProgressGrade) -> HTML {
        "<span class=\"grade \(SVGChart.gradeClass(grade))\">\(gradeName(grade))</span>"
    }

    static func yuan(_ amount: Money) -> HTML { "<span class=\"money\">\(amount.yuanString)</span>" }

    // MARK: 总览

    func overview(figures: [String: LedgerSummary.Project]) -> HTML {
        let standings = configuration.projects.map { standing($0, figures: figures[$0.project.code]) }
        let bars = standings.map {
            SVGChart.Bar(label: $0.project.name, paid: $0.share($0.paid), target: $0.share($0.target), grade: $0.grade)
        }
        let rows = standings.map { s -> HTML in
            let next: HTML = s.schedule.next.map { "\($0.due.description)（\($0.milestone.cumulative.description)%，\(Self.yuan($0.target))）" } ?? "—"
            return """
                <tr><td><a href="/console/projects/\(s.project.code)">\(s.project.name)</a><div class="code">\(s.project.code)</div></td>\
                <td class="num">\(Self.yuan(s.budget))</td><td class="num">\(Self.yuan(s.paid))</td>\
                <td class="num">\(SVGChart.percentText(s.share(s.paid)))</td><td class="num">\(SVGChart.percentText(s.share(s.target)))</td>\
                <td>\(next)</td><td>\(Self.gradeBadge(s.grade))</td></tr>
                """
        }
        let behind = standings.count { $0.grade != .onTrack }
        let budget = standings.reduce(Money.zero) { $0 + $1.budget }
        let paid = standings.reduce(Money.zero) { $0 + $1.paid }
        return """
            <section class="summary">\
            <div class="figure"><div class="figure-label">项目</div><div class="figure-value">\(standings.count)</div></div>\
            <div class="figure"><div class="figure-label">预算合计（元）</div><div class="figure-value">\(budget.yuanString)</div></div>\
            <div class="figure"><div class="figure-label">已支付（元）</div><div class="figure-value">\(paid.yuanString)</div></div>\
            <div class="figure"><div class="figure-label">滞后项目</div><div class="figure-value">\(behind)</div></div>\
            </section>\
            <section class="chart-and-table"><h2>支付进度（截至 \(today.description)）</h2>\
            \(SVGChart.progressBars(bars, title: "各项目支付进度"))\
            <table class="data"><thead><tr><th>项目</th><th>预算（元）</th><th>已付（元）</th><th>已付比例</th><th>当前目标</th><th>下一节点</th><th>状态</th></tr></thead>\
            <tbody>\(rows)</tbody></table></section>
            """
    }

    // MARK: A project

    func project(_ configured: ProjectConfiguration, figures: LedgerSummary.Project?, unpaid: (rows: [LedgerSummary.Unpaid], total: Int),
                 offset: Int, pageSize: Int) -> HTML {
        let s = standing(configured, figures: figures)
        let project = configured.project
        let milestones = s.schedule.lines.map { line -> HTML in
            let state: HTML
            if line.daysLeft >= 0 {
                state = "未到期（剩 \(line.daysLeft) 天）"
            } else if (figures?.paid(through: line.due) ?? .zero) >= line.target {
                state = "<span class=\"grade on-track\">按期达标</span>"
            } else if s.paid >= line.target {
                state = "<span class=\"grade slightly-behind\">逾期后达标</span>"
            } else {
                state = "<span class=\"grade behind\">未达标</span>"
            }
            return "<tr><td>\(line.due.description)</td><td class=\"num\">\(line.milestone.cumulative.description)%</td><td class=\"num\">\(Self.yuan(line.target))</td><td>\(state)</td></tr>"
        }
        let chart = SVGChart.cumulative(year: project.year, budget: project.budget.total,
                                        plan: s.schedule.lines.map { ($0.due, $0.target) }, paid: figures?.days ?? [], today: today,
                                        title: "\(project.name)：计划与实际累计支付")
        let monthly = monthlyRows(project: project, schedule: s.schedule, figures: figures)
        let villages = (figures?.villages ?? []).map { v -> HTML in
            let share = v.owed.fen > 0 ? v.paid.fen * 10_000 / v.owed.fen : 0
            return """
                <tr><td>\(v.name)</td><td class="num">\(v.payees)</td><td class="num">\(v.paidPayees)</td><td class="num">\(v.settledPayees)</td>\
                <td class="num">\(Self.yuan(v.owed))</td><td class="num">\(Self.yuan(v.paid))</td><td class="num">\(SVGChart.percentText(share))</td>\
                <td class="no-print"><a href="\(Self.reportLink(project: project.code, village: v.name))">公示</a></td></tr>
                """
        }
        let unpaidRows = unpaid.rows.map { row -> HTML in
            "<tr><td>\(Mask.name(row.name))</td><td>\(row.village)</td><td class=\"num\">\(Self.yuan(row.owed))</td><td class=\"num\">\(Self.yuan(row.paid))</td><td class=\"num\">\(Self.yuan(row.owed - row.paid))</td></tr>"
        }
        var pager: [HTML] = []
        if offset > 0 { pager.append("<a href=\"?offset=\(max(0, offset - pageSize))\">上一页</a>") }
        if offset + pageSize < unpaid.total { pager.append("<a href=\"?offset=\(offset + pageSize)\">下一页</a>") }
        let outside: HTML = (figures?.outsideRegister ?? .zero) > .zero
            ? "<p class=\"warning\">另有 \(Self.yuan(figures?.outsideRegister ?? .zero)) 元付给登记表以外的收款人（登记表变更前录入）。</p>" : ""
        return """
            <section class="summary">\
            <div class="figure"><div class="figure-label">预算（元）</div><div class="figure-value">\(project.budget.total.yuanString)</div></div>\
            <div class="figure"><div class="figure-label">截至今日已付（元）</div><div class="figure-value">\(s.paid.yuanString)</div></div>\
            <div class="figure"><div class="figure-label">已付比例</div><div class="figure-value">\(SVGChart.percentText(s.share(s.paid)))</div></div>\
            <div class="figure"><div class="figure-label">状态</div><div class="figure-value">\(Self.gradeBadge(s.grade))</div></div>\
            </section>\
            <p class="meta">项目编码 \(project.code) · \(project.year) 年度 · 收款人 \(figures?.payees ?? configured.payees.count) 个，已付 \(figures?.paidPayees ?? 0) 个 · 付款记录 \(figures?.entries ?? 0) 笔</p>\
            \(outside)\
            <section class="chart-and-table"><h2>计划与实际累计支付</h2>\(chart)\
            <table class="data"><thead><tr><th>月份</th><th>计划累计（元）</th><th>实际累计（元）</th></tr></thead><tbody>\(monthly)</tbody></table></section>\
            <section><h2>支付节点</h2><table class="data"><thead><tr><th>截止日</th><th>累计比例</th><th>累计目标（元）</th><th>完成情况</th></tr></thead>\
            <tbody>\(milestones)</tbody></table></section>\
            <section><h2>各村进度</h2><table class="data"><thead><tr><th>村</th><th>收款人</th><th>已付</th><th>付清</th><th>应付（元）</th><th>已付（元）</th><th>比例</th><th class="no-print"></th></tr></thead>\
            <tbody>\(villages)</tbody></table></section>\
            <section><h2>尚未付清的收款人（\(unpaid.total)）</h2><table class="data"><thead><tr><th>姓名</th><th>村</th><th>应付（元）</th><th>已付（元）</th><th>未付（元）</th></tr></thead>\
            <tbody>\(unpaidRows)</tbody></table><nav class="pager no-print">\(pager)</nav></section>
            """
    }

    /// The chart's figures as a table: at each month's end, the plan's and the payments' cumulative totals.
    private func monthlyRows(project: Project, schedule: PlanSchedule, figures: LedgerSummary.Project?) -> HTML {
        var rows: [HTML] = []
        for month in 1...12 {
            guard let end = CivilDate.endOf(month: month, year: project.year) else { continue }
            let planned = schedule.lines.last { $0.due <= end }?.target ?? .zero
            let paid: HTML = end <= today || (month == today.month && project.year == today.year)
                ? Self.yuan(figures?.paid(through: min(end, today)) ?? .zero) : "—"
            rows.append("<tr><td>\(month) 月</td><td class=\"num\">\(Self.yuan(planned))</td><td class=\"num\">\(paid)</td></tr>")
        }
        return HTML.join(rows)
    }

    // MARK: 公示

    /// Every village and the projects that pay its people, each a link to its report.
    func publicIndex(figures: [String: LedgerSummary.Project]) -> HTML {
        var byVillage: [(village: String, links: [HTML])] = []
        var position: [String: Int] = [:]
        for configured in configuration.projects {
            for village in figures[configured.project.code]?.villages ?? [] {
                let link: HTML = "<li><a href=\"\(Self.reportLink(project: configured.project.code, village: village.name))\">\(configured.project.name)</a></li>"
                if let index = position[village.name] { byVillage[index].links.append(link) } else {
                    position[village.name] = byVillage.count
                    byVillage.append((village.name, [link]))
                }
            }
        }
        let sections = byVillage.map { "<section class=\"village\"><h2>\($0.village)</h2><ul>\($0.links)</ul></section>" as HTML }
        return "<p class=\"meta\">选择村和项目，查看并打印发放情况公示（A4）。</p>\(sections)"
    }

    /// The report for the village notice board: the standard, the households paid, the amounts,
    /// the list (names masked) when the project publishes it, and the hotline.
    func publicReport(_ configured: ProjectConfiguration, village: LedgerSummary.Village, paid: [LedgerSummary.Paid], standard: String) -> HTML {
        let project = configured.project
        let listed = configured.publicity.listPayees
        let rows = paid.enumerated().map { index, row -> HTML in
            "<tr><td class=\"num\">\(index + 1)</td><td>\(Mask.name(row.name))</td><td class=\"num\">\(Self.yuan(row.amount))</td></tr>"
        }
        let list: HTML = listed
            ? "<table class=\"data\"><thead><tr><th>序号</th><th>姓名</th><th>金额（元）</th></tr></thead><tbody>\(rows)</tbody></table>"
            : "<p class=\"meta\">本项目按规定不公开个人明细，仅公示汇总数。</p>"
        let settings = configuration.settings
        return """
            <article class="gongshi">\
            <h1>\(village.name)\(project.name)发放情况公示</h1>\
            <table class="facts"><tbody>\
            <tr><th>项目</th><td>\(project.name)（\(project.year) 年度）</td></tr>\
            <tr><th>补偿（补助）标准</th><td>\(standard)</td></tr>\
            <tr><th>应发户（人）数</th><td>\(village.payees)</td></tr>\
            <tr><th>已发户（人）数</th><td>\(village.paidPayees)</td></tr>\
            <tr><th>应发金额</th><td>\(Self.yuan(village.owed)) 元</td></tr>\
            <tr><th>已发金额</th><td>\(Self.yuan(village.paid)) 元</td></tr>\
            </tbody></table>\
            \(list)\
            <p class="hotline">如有疑问，请于公示期内致电\(settings.townshipName)财政所：\(settings.hotline)</p>\
            <p class="signed">\(settings.townshipName)　\(today.year) 年 \(today.month) 月 \(today.day) 日</p>\
            </article>
            """
    }

    /// The standard of a village's payees from the register: the rate per 亩 and year of land
    /// rent, or the amount per person, when all share one; else 按登记表标准.
    static func derivedStandard(_ configured: ProjectConfiguration, village: String) -> String {
        if let standard = configured.publicity.standard { return standard }
        var rates = Set<Int64>()
        var amounts = Set<Int64>()
        let register = configured.payees
        for position in register.indices where register.village(at: position) == village {
            switch register[position].party {
            case let .household(household): rates.insert(household.rate.fen)
            case let .person(person): amounts.insert(person.amount.fen)
            case .village: amounts.insert(register.owed(at: position).fen)
            }
            if rates.count > 1 || amounts.count > 1 { break }
        }
        if rates.count == 1, let rate = rates.first { return "每亩每年 \(Money(fen: rate).yuanString) 元" }
        if amounts.count == 1, rates.isEmpty, let amount = amounts.first { return "每人（户）\(Money(fen: amount).yuanString) 元" }
        return "按登记表核定标准"
    }
}
