import FafangConfig
import FafangCore

/// One batch as an approver reviews it: what it holds and costs, who recorded it, a sample of
/// its texts (phones masked, each with its SMS segments), and the approve and reject forms for
/// an approver who may decide it (else why not).
enum BatchPage {
    static let sampleSize = 20

    static func render(batch: ApprovalBatch, sample: [OutboxMessage], configuration: Configuration, session: ConsoleSession,
                       notice: HTML = "") -> HTML {
        let zone = configuration.settings.timeZone
        let project = configuration.project(code: batch.projectCode)
        var facts: [HTML] = [
            "<dt>项目</dt><dd>\(project?.project.name ?? batch.projectCode)（\(batch.projectCode)）</dd>",
            "<dt>日期</dt><dd>\(batch.day.description)</dd>",
            "<dt>状态</dt><dd class=\"state-\(batch.state.rawValue)\">\(ConsoleText.batchState(batch.state))</dd>",
            "<dt>短信条数</dt><dd data-count=\"\(batch.messageCount)\">\(batch.messageCount) 条</dd>",
            "<dt>合计金额</dt><dd>\(ConsoleText.money(batch.totalAmount))</dd>",
            "<dt>计费条数</dt><dd>\(batch.segments) 条（长短信按分段计费）</dd>",
            "<dt>录入人</dt><dd>\(names(batch.recordedBy, configuration: configuration))</dd>",
        ]
        if let decidedBy = batch.decidedBy {
            facts.append("<dt>审核人</dt><dd>\(names([decidedBy], configuration: configuration))\(batch.decidedAt.map { "，" + ConsoleText.time($0, zone: zone) } ?? "")</dd>")
        }
        if let reason = batch.reason { facts.append("<dt>退回原因</dt><dd>\(reason)</dd>") }
        let rows = sample.map { message -> HTML in
            let payee = message.item.payeeID.flatMap { project?.payee(id: $0) }
            return """
            <tr><td>\(payee?.name ?? "")<br><span class="muted">\(message.item.payeeID ?? "")</span></td><td>\(message.item.village ?? "")</td>
            <td>\(ConsoleText.recipient(message))</td><td class="num">\(message.item.amount.map(ConsoleText.money) ?? "")</td>
            <td class="num">\(message.item.segments)</td><td class="text">\(ConsoleText.safe(message.item.text))</td></tr>
            """
        }
        let shown = sample.count < batch.messageCount ? "（共 \(batch.messageCount) 条，显示前 \(sample.count) 条）" : ""
        let body: HTML = """
        \(notice)
        <dl class="facts">\(facts)</dl>
        <h2>短信样例\(shown)</h2>
        <table>
        <thead><tr><th>收款人</th><th>村</th><th>手机</th><th class="num">金额</th><th class="num">分段</th><th>短信内容</th></tr></thead>
        <tbody>\(rows)</tbody>
        </table>
        \(decision(batch, session: session))
        """
        return ConsoleLayout.page(title: "第 \(batch.id) 批审核", township: configuration.settings.townshipName, session: session,
                                  active: .batches, body: body)
    }

    /// The forms, or why this operator may not decide.
    static func decision(_ batch: ApprovalBatch, session: ConsoleSession) -> HTML {
        if let refusal = ApprovalRule.refusal(batch: batch, operatorName: session.account, role: session.role) {
            if case .alreadyDecided = refusal { return "" }
            return "<p class=\"muted\">\(ConsoleText.refusal(refusal))</p>"
        }
        let hidden: HTML = "\(ConsoleLayout.csrfField(session))<input type=\"hidden\" name=\"expected\" value=\"\(batch.messageCount)\">"
        return """
        <form method="post" action="/console/batches/\(batch.id)/approve" class="decision">\(hidden)
        <p>核对无误后通过：\(batch.messageCount) 条短信将立即发出（合计 \(ConsoleText.money(batch.totalAmount))，计费 \(batch.segments) 条）。</p>
        <button type="submit">通过并发送</button>
        </form>
        <form method="post" action="/console/batches/\(batch.id)/reject" class="decision">\(hidden)
        <label>退回原因（必填）<textarea name="reason" maxlength="500" required></textarea></label>
        <button type="submit" class="danger">退回，不发送</button>
        </form>
        """
    }

    /// Account names as the pages show them: the display name and the account.
    static func names(_ accounts: Set<String>, configuration: Configuration) -> String {
        accounts.sorted().map { name in
            configuration.operatorAccount(named: name).map { "\($0.displayName)（\(name)）" } ?? name
        }.joined(separator: "、")
    }
}
