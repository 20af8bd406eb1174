import FafangConfig
import Foundation

/// A problem of an uploaded bank or ledger file as the clerk reads it: where (line, or sheet and
/// cell), which column, and what, in Chinese for the problems the ledger reports; any other is
/// shown as the reader gave it.
enum LedgerProblemText {
    static let columns = [
        "bank_reference": "交易流水号", "project_code": "项目编码", "payee_id": "户号", "amount_yuan": "金额", "date": "日期", "status": "状态",
    ]

    /// `第 14 行`, or `代发结果!A14` for a workbook.
    static func place(_ diagnostic: Diagnostic) -> String {
        if let place = diagnostic.place { return place }
        return diagnostic.line > 0 ? "第 \(diagnostic.line) 行" : "整个文件"
    }

    static func column(_ diagnostic: Diagnostic) -> String { columns[diagnostic.keyPath] ?? diagnostic.keyPath }

    private static let patterns: [(String, String)] = [
        (#"^unknown project (\S+)$"#, "未知项目 $1"),
        (#"^payee (\S+) is not in the register of project (\S+)$"#, "收款人 $1 不在项目 $2 的名册中"),
        (#"^overpays (\S+): owed (.+) 元, already paid (.+) 元, this payment (.+) 元$"#, "超付 $1：应付 $2 元，已付 $3 元，本次 $4 元"),
        (#"^overspends (\S+): budget (.+) 元, already spent (.+) 元, this payment (.+) 元$"#, "超出项目 $1 的预算：预算 $2 元，已支出 $3 元，本次 $4 元"),
        (#"^project (\S+) is an operating project: record its spending with payee -$"#, "项目 $1 是运转类项目：支出的户号须填 -"),
        (#"^bank reference (.+) appears twice in this batch \(also entry (\d+)\)$"#, "流水号 $1 在本文件中出现两次（另见第 $2 笔）"),
        (#"^bank reference (.+) was already recorded with other details \((.*)\)$"#, "流水号 $1 已录入过，但内容不同（$2）"),
        (#"^missing$"#, "缺少此项"),
        (#"^must be 成功 or 失败 \(got (.*)\)$"#, "须为 成功 或 失败（现为 $1）"),
        (#"^must be a date such as .* \(got (.*)\)$"#, "不是日期（现为 $1），应如 2021-03-15"),
        (#"^not an amount \(got (.*)\)$"#, "不是金额（现为 $1）"),
        (#"^more than (\d+) decimals \(got (.*)\)$"#, "小数超过 $1 位（现为 $2）"),
        (#"^must be more than 0 \(got (.*)\)$"#, "须大于 0（现为 $1）"),
        (#"^no header row$"#, "没有表头行"),
    ]

    /// The message in Chinese when it is one the ledger reports, else as it is.
    static func message(_ text: String) -> String {
        let range = NSRange(text.startIndex..., in: text)
        for (pattern, template) in patterns {
            guard let expression = try? NSRegularExpression(pattern: pattern),
                  let match = expression.firstMatch(in: text, range: range)
            else { continue }
            return expression.replacementString(for: match, in: text, offset: 0, template: template)
        }
        return text
    }
}
