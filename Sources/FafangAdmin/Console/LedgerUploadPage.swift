import FafangConfig
import FafangCore

/// 录入付款: the upload form for a clerk (a bank batch result or any ledger file, CSV or .xlsx),
/// and what the last upload came to: recorded, or refused with every problem by row.
enum LedgerUploadPage {
    enum Outcome {
        case recorded(file: String, inserted: Int, duplicates: Int, skippedFailed: Int, amount: Money)
        case refused(file: String, problems: [Diagnostic])
        case invalid(String)
    }

    static func render(configuration: Configuration, session: ConsoleSession, maxBytes: Int, outcome: Outcome? = nil) -> HTML {
        let form: HTML = session.may(.clerk) ? """
            <form method="post" action="/console/ledger" enctype="multipart/form-data" class="decision">
            \(ConsoleLayout.csrfField(session))
            <label>银行代发结果或付款文件（CSV 或 .xlsx，不超过 \(maxBytes / 1024 / 1024) MB）<br><input type="file" name="file" accept=".csv,.xlsx" required></label>
            <p><label>工作表（可不填，默认第一个）<br><input type="text" name="sheet" size="16"></label></p>
            <button type="submit">上传并录入</button>
            </form>
            <p class="muted">列：交易流水号、项目编码、户号、金额、日期，可选状态（成功 / 失败，失败的转账不录入）。文件有任何一行出错则整份不录入；同一流水号重复上传不会重复录入。录入人记为 \(session.displayName)（\(session.account)）。</p>
            """ : "<p class=\"muted\">只有经办会计或审核人可以录入付款。</p>"
        let body: HTML = "\(outcome.map(result) ?? "")\(form)"
        return ConsoleLayout.page(title: "录入付款", township: configuration.settings.townshipName, session: session, active: .ledger, body: body)
    }

    static func result(_ outcome: Outcome) -> HTML {
        switch outcome {
        case let .recorded(file, inserted, duplicates, skipped, amount):
            let skippedText = skipped > 0 ? "，银行标记失败未录入 \(skipped) 笔" : ""
            return ConsoleLayout.notice("\(file)：新录入 \(inserted) 笔，合计 \(ConsoleText.money(amount))；已录入过 \(duplicates) 笔\(skippedText)。到账通知将进入审核。")
        case let .refused(file, problems):
            let rows = problems.map { problem -> HTML in
                "<tr><td>\(LedgerProblemText.place(problem))</td><td>\(LedgerProblemText.column(problem))</td><td>\(LedgerProblemText.message(problem.message))</td></tr>"
            }
            return """
            \(ConsoleLayout.notice("\(file)：有 \(problems.count) 处问题，整份文件未录入。请改正后重新上传。", error: true))
            <table><thead><tr><th>位置</th><th>列</th><th>问题</th></tr></thead><tbody>\(rows)</tbody></table>
            """
        case let .invalid(text):
            return ConsoleLayout.notice(text, error: true)
        }
    }
}
