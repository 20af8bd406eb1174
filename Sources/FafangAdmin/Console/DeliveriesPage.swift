import FafangConfig
import FafangCore
import Foundation

/// 发送记录: the search form, and the messages found (newest first), each with its attempts and
/// delivery reports; phones masked, gateway replies with any long digit run masked.
enum DeliveriesPage {
    static func render(search: DeliverySearch, records: [DeliveryRecord], configuration: Configuration, session: ConsoleSession) -> HTML {
        let zone = configuration.settings.timeZone
        let problems = HTML.join(search.problems.map { ConsoleLayout.notice($0, error: true) })
        let rows = records.map { record -> HTML in
            let message = record.message
            let attempts = record.attempts.map { attempt -> HTML in
                let status = attempt.httpStatus.map { " HTTP \($0)" } ?? ""
                return "<li>第 \(attempt.number) 次 \(ConsoleText.time(attempt.startedAt, zone: zone))：\(ConsoleText.verdict(attempt.verdict))\(status) \(ConsoleText.safe(attempt.detail))</li>"
            }
            let receipts = record.receipts.map { receipt -> HTML in
                "<li>回执 \(ConsoleText.time(receipt.receivedAt, zone: zone))：\(ConsoleText.safe(receipt.status)) \(ConsoleText.safe(receipt.detail))</li>"
            }
            let events: HTML = attempts.isEmpty && receipts.isEmpty ? "" : "<ul class=\"events\">\(attempts)\(receipts)</ul>"
            let error: HTML = message.lastError.map { "<br><span class=\"muted\">\(ConsoleText.safe($0))</span>" } ?? ""
            return """
            <tr data-message="\(message.id)"><td class="num">\(message.id)</td><td>\(ConsoleText.time(message.updatedAt, zone: zone))</td>
            <td>\(message.projectCode)<br><span class="muted">\(ConsoleText.kind(message.kind))</span></td>
            <td>\(message.item.payeeID ?? "")</td><td>\(message.item.village ?? "")</td>
            <td>\(ConsoleText.channel(message.channel)) · \(message.gateway)<br>\(ConsoleText.recipient(message))</td>
            <td class="state-\(message.state.rawValue)">\(ConsoleText.state(message.state))\(error)</td>
            <td class="text">\(ConsoleText.safe(message.item.text))\(events)</td></tr>
            """
        }
        let results: HTML
        if !search.problems.isEmpty {
            results = ""
        } else if records.isEmpty {
            results = "<p class=\"muted\">没有符合条件的记录。</p>"
        } else {
            let more: HTML = records.count == search.filter.limit
                ? "<p class=\"pager\"><a href=\"/console/deliveries?\(search.next(after: records.last?.message.id ?? 0))\">下一页（更早的记录）</a></p>" : ""
            results = """
            <table>
            <thead><tr><th class="num">编号</th><th>更新时间</th><th>项目</th><th>收款人编号</th><th>村</th><th>渠道与接收方</th><th>状态</th><th>内容与发送经过</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table>
            \(more)
            """
        }
        let body: HTML = "\(form(search, configuration: configuration))\(problems)\(results)"
        return ConsoleLayout.page(title: "发送记录", township: configuration.settings.townshipName, session: session, active: .deliveries, body: body)
    }

    static func form(_ search: DeliverySearch, configuration: Configuration) -> HTML {
        let states = MessageState.allCases.map { state -> HTML in
            state.rawValue == search.state
                ? "<option value=\"\(state.rawValue)\" selected>\(ConsoleText.state(state))</option>"
                : "<option value=\"\(state.rawValue)\">\(ConsoleText.state(state))</option>"
        }
        let projects = configuration.projects.map { project -> HTML in
            let code = project.project.code
            return code == search.project
                ? "<option value=\"\(code)\" selected>\(project.project.name)</option>"
                : "<option value=\"\(code)\">\(project.project.name)</option>"
        }
        return """
        <form method="get" action="/console/deliveries" class="filters">
        <label>收款人编号<input type="text" name="payee" value="\(search.payee)" size="10"></label>
        <label>手机尾号<input type="text" name="phone" value="\(search.phone)" size="4" maxlength="4" inputmode="numeric" pattern="[0-9]{4}"></label>
        <label>村<input type="text" name="village" value="\(search.village)" size="8"></label>
        <label>状态<select name="state"><option value="">全部</option>\(states)</select></label>
        <label>项目<select name="project"><option value="">全部</option>\(projects)</select></label>
        <label>起始日期<input type="date" name="from" value="\(search.from)"></label>
        <label>截止日期<input type="date" name="to" value="\(search.to)"></label>
        <button type="submit">查询</button>
        </form>
        """
    }
}
