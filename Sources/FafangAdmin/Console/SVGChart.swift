import FafangCore
import Foundation

/// Charts drawn on the server as inline SVG: no script, nothing fetched, printable. Every chart
/// has a `<title>` and `<desc>` and is shown beside a table of the same figures, so nothing is
/// only in the picture. Colours come from classes in console.css (the pages' CSP allows no
/// inline style); shapes use SVG presentation attributes.
enum SVGChart {
    /// One project's bar in the overview chart.
    struct Bar {
        var label: String
        /// Paid, and the target that matters now, in basis points of the budget.
        var paid: Int64
        var target: Int64
        var grade: ProgressGrade
    }

    /// Horizontal bars of paid against budget per project, each with a tick at its current target.
    static func progressBars(_ bars: [Bar], title: String) -> HTML {
        let rowHeight = 26, labelWidth = 230, plotWidth = 420, top = 24
        let width = labelWidth + plotWidth + 70
        let height = top + rowHeight * max(bars.count, 1) + 24
        var parts: [HTML] = []
        // Gridlines at 0, 25, 50, 75, 100 %.
        for step in 0...4 {
            let x = labelWidth + plotWidth * step / 4
            parts.append("<line class=\"grid\" x1=\"\(x)\" y1=\"\(top - 6)\" x2=\"\(x)\" y2=\"\(height - 20)\"/><text class=\"axis\" x=\"\(x)\" y=\"\(top - 10)\" text-anchor=\"middle\">\(step * 25)%</text>")
        }
        for (index, bar) in bars.enumerated() {
            let y = top + index * rowHeight
            let paidWidth = Int(min(max(bar.paid, 0), 10_000) * Int64(plotWidth) / 10_000)
            let targetX = labelWidth + Int(min(max(bar.target, 0), 10_000) * Int64(plotWidth) / 10_000)
            let label = bar.label.count > 16 ? String(bar.label.prefix(15)) + "…" : bar.label
            parts.append("""
                <text class="label" x="\(labelWidth - 8)" y="\(y + 16)" text-anchor="end">\(label)</text>\
                <rect class="track" x="\(labelWidth)" y="\(y + 4)" width="\(plotWidth)" height="16"/>\
                <rect class="bar \(gradeClass(bar.grade))" x="\(labelWidth)" y="\(y + 4)" width="\(paidWidth)" height="16"><title>\(bar.label)：已付 \(percentText(bar.paid))，当前目标 \(percentText(bar.target))</title></rect>\
                <line class="target" x1="\(targetX)" y1="\(y + 1)" x2="\(targetX)" y2="\(y + 23)"/>\
                <text class="value" x="\(labelWidth + plotWidth + 6)" y="\(y + 16)">\(percentText(bar.paid))</text>
                """)
        }
        return """
            <svg class="chart" role="img" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" xmlns="http://www.w3.org/2000/svg">\
            <title>\(title)</title><desc>各项目已付占预算的比例；竖线为当前应达到的累计目标。</desc>\(parts)</svg>
            """
    }

    /// Cumulative plan (the milestones' targets, as a step from 1 January) against cumulative
    /// payments over the budget year.
    static func cumulative(year: Int, budget: Money, plan: [(date: CivilDate, target: Money)], paid: [(date: CivilDate, amount: Money)],
                           today: CivilDate, title: String) -> HTML {
        let left = 56, top = 22, plotWidth = 600, plotHeight = 220
        let width = left + plotWidth + 20, height = top + plotHeight + 36
        guard let start = CivilDate(year: year, month: 1, day: 1), let end = CivilDate(year: year, month: 12, day: 31) else { return "" }
        let span = max(start.days(until: end), 1)
        let scale = max(budget.fen, paid.reduce(Int64(0)) { $0 + $1.amount.fen }, 1)
        func x(_ day: CivilDate) -> Int { left + plotWidth * min(max(start.days(until: day), 0), span) / span }
        func y(_ fen: Int64) -> Int { top + plotHeight - Int(Int64(plotHeight) * min(max(fen, 0), scale) / scale) }

        var parts: [HTML] = []
        for step in 0...4 {
            let fen = scale * Int64(step) / 4
            parts.append("<line class=\"grid\" x1=\"\(left)\" y1=\"\(y(fen))\" x2=\"\(left + plotWidth)\" y2=\"\(y(fen))\"/><text class=\"axis\" x=\"\(left - 6)\" y=\"\(y(fen) + 4)\" text-anchor=\"end\">\(Money(fen: fen).wanString)</text>")
        }
        parts.append("<text class=\"axis\" x=\"\(left - 6)\" y=\"\(top - 4)\" text-anchor=\"end\">万元</text>")
        for month in 1...12 {
            guard let first = CivilDate(year: year, month: month, day: 1) else { continue }
            parts.append("<text class=\"axis\" x=\"\(x(first) + 4)\" y=\"\(top + plotHeight + 16)\">\(month)月</text>")
        }
        // The plan: 0 until the first milestone, then each target from its deadline on.
        var planPoints = ["\(x(start)),\(y(0))"]
        var level: Int64 = 0
        for line in plan.sorted(by: { $0.date < $1.date }) {
            planPoints.append("\(x(line.date)),\(y(level))")
            level = line.target.fen
            planPoints.append("\(x(line.date)),\(y(level))")
        }
        planPoints.append("\(x(end)),\(y(level))")
        // What was paid, as a step up on each payment day, drawn up to today.
        var paidPoints = ["\(x(start)),\(y(0))"]
        var total: Int64 = 0
        for day in paid.sorted(by: { $0.date < $1.date }) where day.date.year == year {
            paidPoints.append("\(x(day.date)),\(y(total))")
            total += day.amount.fen
            paidPoints.append("\(x(day.date)),\(y(total))")
        }
        if today.year == year { paidPoints.append("\(x(today)),\(y(total))") }
        let planMarks = plan.map { line -> HTML in
            "<circle class=\"plan-mark\" cx=\"\(x(line.date))\" cy=\"\(y(line.target.fen))\" r=\"3\"><title>\(line.date.description) 累计目标 \(line.target.yuanString) 元</title></circle>"
        }
        let todayMark: HTML = today.year == year
            ? "<line class=\"today\" x1=\"\(x(today))\" y1=\"\(top)\" x2=\"\(x(today))\" y2=\"\(top + plotHeight)\"/><text class=\"axis\" x=\"\(x(today) + 3)\" y=\"\(top + 10)\">今天</text>"
            : ""
        return """
            <svg class="chart" role="img" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" xmlns="http://www.w3.org/2000/svg">\
            <title>\(title)</title><desc>虚线为计划累计支付进度，实线为实际累计支付；纵轴单位为万元。</desc>\
            \(parts)\(todayMark)\
            <polyline class="plan" fill="none" points="\(planPoints.joined(separator: " "))"/>\(planMarks)\
            <polyline class="paid" fill="none" points="\(paidPoints.joined(separator: " "))"/>\
            <g class="legend"><line class="plan" x1="\(left + 10)" y1="\(top + 10)" x2="\(left + 40)" y2="\(top + 10)"/><text class="axis" x="\(left + 46)" y="\(top + 14)">计划</text>\
            <line class="paid" x1="\(left + 90)" y1="\(top + 10)" x2="\(left + 120)" y2="\(top + 10)"/><text class="axis" x="\(left + 126)" y="\(top + 14)">实际</text></g></svg>
            """
    }

    static func gradeClass(_ grade: ProgressGrade) -> String {
        switch grade {
        case .onTrack: return "on-track"
        case .slightlyBehind: return "slightly-behind"
        case .behind: return "behind"
        }
    }

    /// Basis points as "37.5%".
    static func percentText(_ basisPoints: Int64) -> String {
        "\(Percent(basisPoints: basisPoints))%"
    }
}
