import FafangConfig
import FafangCore

/// 审计日志: operator actions, newest first, a page at a time.
enum AuditPage {
    static let pageSize = 50

    static func render(entries: [AuditEntry], configuration: Configuration, session: ConsoleSession) -> HTML {
        let zone = configuration.settings.timeZone
        let rows = entries.map { entry -> HTML in
            let actor = configuration.operatorAccount(named: entry.actor).map { "\($0.displayName)（\(entry.actor)）" } ?? entry.actor
            return """
            <tr><td class="num">\(entry.id)</td><td>\(ConsoleText.time(entry.at, zone: zone))</td><td>\(actor)</td>
            <td>\(ConsoleText.action(entry.action))</td><td>\(ConsoleText.subject(entry.subject))</td><td>\(ConsoleText.safe(entry.detail))</td></tr>
            """
        }
        let more: HTML = entries.count == pageSize ? "<p class=\"pager\"><a href=\"/console/audit?before=\(entries.last?.id ?? 0)\">下一页（更早的记录）</a></p>" : ""
        let body: HTML = entries.isEmpty ? "<p class=\"muted\">没有记录。</p>" : """
            <table>
            <thead><tr><th class="num">编号</th><th>时间</th><th>操作人</th><th>操作</th><th>对象</th><th>详情</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table>
            \(more)
            """
        return ConsoleLayout.page(title: "审计日志", township: configuration.settings.townshipName, session: session, active: .audit, body: body)
    }
}
