import FafangConfig
import FafangCore

/// 审核: the open batches first, then the latest decided ones; each with its count, total and
/// SMS segments.
enum BatchListPage {
    static func render(open: [ApprovalBatch], decided: [ApprovalBatch], configuration: Configuration, session: ConsoleSession) -> HTML {
        let body: HTML = """
        <h2>待审核（\(open.count) 批）</h2>
        \(open.isEmpty ? "<p class=\"muted\">没有待审核的批次。</p>" : table(open, configuration: configuration))
        <h2>最近已审核</h2>
        \(decided.isEmpty ? "<p class=\"muted\">还没有已审核的批次。</p>" : table(decided, configuration: configuration))
        """
        return ConsoleLayout.page(title: "审核", township: configuration.settings.townshipName, session: session, active: .batches, body: body)
    }

    static func table(_ batches: [ApprovalBatch], configuration: Configuration) -> HTML {
        let rows = batches.map { batch -> HTML in
            let project = configuration.project(code: batch.projectCode)?.project.name ?? ""
            return """
            <tr><td><a href="/console/batches/\(batch.id)">第 \(batch.id) 批</a></td><td>\(project)<br><span class="muted">\(batch.projectCode)</span></td>
            <td>\(batch.day.description)</td><td class="state-\(batch.state.rawValue)">\(ConsoleText.batchState(batch.state))</td>
            <td class="num">\(batch.messageCount)</td><td class="num">\(ConsoleText.money(batch.totalAmount))</td><td class="num">\(batch.segments)</td>
            <td>\(BatchPage.names(batch.recordedBy, configuration: configuration))</td><td>\(batch.decidedBy.map { BatchPage.names([$0], configuration: configuration) } ?? "")</td></tr>
            """
        }
        return """
        <table>
        <thead><tr><th>批次</th><th>项目</th><th>日期</th><th>状态</th><th class="num">短信条数</th><th class="num">合计金额</th><th class="num">计费条数</th><th>录入人</th><th>审核人</th></tr></thead>
        <tbody>\(rows)</tbody>
        </table>
        """
    }
}
