import FafangConfig
import FafangCore
import Foundation

/// 外发队列: how many messages are in each state, the dead and failed ones with why and a 重试
/// button, and the paused gateways with a 恢复 button (the buttons for a clerk or approver).
enum OutboxPage {
    static func render(counts: [MessageState: Int], ended: [DeliveryRecord], paused: [GatewayHealth], configuration: Configuration,
                       session: ConsoleSession, notice: HTML) -> HTML {
        let zone = configuration.settings.timeZone
        let acts = session.may(.clerk)
        let countCells = MessageState.allCases.map { state -> HTML in
            "<tr><td class=\"state-\(state.rawValue)\">\(ConsoleText.state(state))</td><td class=\"num\">\(counts[state] ?? 0)</td></tr>"
        }
        let endedRows = ended.map { record -> HTML in
            let message = record.message
            let retry: HTML = acts
                ? "<form method=\"post\" action=\"/console/outbox/retry\" class=\"inline\">\(ConsoleLayout.csrfField(session))<input type=\"hidden\" name=\"id\" value=\"\(message.id)\"><button type=\"submit\" class=\"secondary\">重试</button></form>"
                : ""
            return """
            <tr><td class="num">\(message.id)</td><td>\(ConsoleText.time(message.updatedAt, zone: zone))</td><td>\(message.projectCode)</td>
            <td>\(ConsoleText.channel(message.channel)) · \(message.gateway)<br>\(ConsoleText.recipient(message))</td>
            <td class="state-\(message.state.rawValue)">\(ConsoleText.state(message.state))</td><td>\(reason(record))</td><td>\(retry)</td></tr>
            """
        }
        let pausedRows = paused.map { gateway -> HTML in
            let cause = gateway.pauseCause == .operator ? "操作员暂停" : "连续失败，自动暂停"
            let resume: HTML = acts
                ? "<form method=\"post\" action=\"/console/outbox/resume\" class=\"inline\">\(ConsoleLayout.csrfField(session))<input type=\"hidden\" name=\"gateway\" value=\"\(gateway.name)\"><button type=\"submit\">恢复</button></form>"
                : ""
            return """
            <tr><td>\(gateway.name)</td><td>\(cause)</td><td>\(gateway.pausedAt.map { ConsoleText.time($0, zone: zone) } ?? "")</td>
            <td class="num">\(gateway.failures)</td><td>\(ConsoleText.safe(gateway.lastFailure))</td><td>\(resume)</td></tr>
            """
        }
        let pausedTable: HTML = paused.isEmpty ? "<p class=\"muted\">没有暂停的通道。</p>" : """
            <table><thead><tr><th>通道</th><th>原因</th><th>暂停时间</th><th class="num">失败次数</th><th>最近一次失败</th><th></th></tr></thead>
            <tbody>\(pausedRows)</tbody></table>
            """
        let endedTable: HTML = ended.isEmpty ? "<p class=\"muted\">没有发送失败的短信或消息。</p>" : """
            <table><thead><tr><th class="num">编号</th><th>时间</th><th>项目</th><th>渠道与接收方</th><th>状态</th><th>原因</th><th></th></tr></thead>
            <tbody>\(endedRows)</tbody></table>
            """
        let body: HTML = """
        \(notice)
        <h2>各状态条数</h2>
        <table class="counts"><thead><tr><th>状态</th><th class="num">条数</th></tr></thead><tbody>\(countCells)</tbody></table>
        <h2>已暂停的通道</h2>
        \(pausedTable)
        <h2>发送失败与未送达（最近 \(ended.count) 条）</h2>
        \(endedTable)
        """
        return ConsoleLayout.page(title: "外发队列", township: configuration.settings.townshipName, session: session, active: .outbox, body: body)
    }

    /// Why it ended: its last error, else the last delivery report (an SMS that did not arrive).
    static func reason(_ record: DeliveryRecord) -> String {
        if let error = record.message.lastError { return ConsoleText.safe(error) }
        guard let receipt = record.receipts.last else { return "" }
        return "回执：" + ConsoleText.safe(receipt.status + " " + receipt.detail)
    }
}
