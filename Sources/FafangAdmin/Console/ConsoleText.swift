import FafangCore
import Foundation

/// The Chinese words and formats of the console's pages: roles, states, actions, amounts, times.
public enum ConsoleText {
    public static func role(_ role: OperatorRole) -> String {
        switch role {
        case .viewer: return "查看员"
        case .clerk: return "经办会计"
        case .approver: return "审核人"
        }
    }

    public static func state(_ state: MessageState) -> String {
        switch state {
        case .held: return "待审核"
        case .pending: return "待发送"
        case .sending: return "发送中"
        case .sent: return "已发送"
        case .delivered: return "已送达"
        case .failed: return "未送达"
        case .dead: return "发送失败"
        case .rejected: return "已退回"
        }
    }

    public static func batchState(_ state: ApprovalBatch.State) -> String {
        switch state {
        case .open: return "待审核"
        case .approved: return "已通过"
        case .rejected: return "已退回"
        }
    }

    public static func kind(_ kind: DueEvent.Kind) -> String {
        switch kind {
        case .paymentRecorded: return "到账通知"
        case .milestoneApproaching: return "节点临近提醒"
        case .milestoneOverdue: return "逾期提醒"
        case .caughtUp: return "进度赶上"
        case .paymentInProgress: return "发放进行中"
        case .calendarUncovered: return "节假日表缺年份"
        case .deliveryDead: return "发送失败告警"
        case .endpointPaused: return "通道暂停告警"
        case .diskLow: return "磁盘空间告警"
        case .inquiryReply, .inquiryUnknown: return "查询回复"
        }
    }

    public static func verdict(_ verdict: AttemptVerdict) -> String {
        switch verdict {
        case .delivered: return "成功"
        case .retry: return "失败，将重试"
        case .permanent: return "失败，不再重试"
        }
    }

    public static func channel(_ channel: Channel) -> String {
        switch channel {
        case .sms: return "短信"
        case .webhook: return "群机器人"
        }
    }

    /// The audit log's action names.
    public static func action(_ action: String) -> String {
        switch action {
        case "login": return "登录"
        case "logout": return "退出"
        case "login_failed": return "登录失败"
        case "login_lockout": return "登录锁定"
        case "batch_approve": return "审核通过"
        case "batch_reject": return "审核退回"
        case "retry": return "重试发送"
        case "pause": return "暂停通道"
        case "resume": return "恢复通道"
        case "ledger_record": return "录入付款"
        case "ledger_rejected": return "录入被拒"
        default: return action
        }
    }

    /// `1,234.50 元`.
    public static func money(_ amount: Money) -> String { amount.yuanString + " 元" }

    /// `2021-06-20 10:05` in `zone`.
    public static func time(_ instant: Date, zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute))"
    }

    /// Free text from the store or a gateway, safe to show: any run of 11 or more digits masked.
    public static func safe(_ text: String?) -> String { Mask.digitRuns(in: text ?? "") }

    /// A message's recipient as a page shows it: a phone masked, an endpoint by name.
    public static func recipient(_ message: OutboxMessage) -> String {
        message.channel == .sms ? Mask.phone(message.recipient) : message.recipient
    }
}

extension ConsoleText {
    /// Why a decision on a batch is refused, as the approver reads it.
    public static func refusal(_ refusal: ApprovalRefusal) -> String {
        switch refusal {
        case .notApprover: return "只有审核人可以通过或退回批次。"
        case let .alreadyDecided(state): return "该批次已审核（\(batchState(state))），不能再次审核。"
        case .recordedByDecider: return "您录入了该批次中的付款，须由另一位审核人审核（录入与审核分离）。"
        case let .changed(seen, now): return "审核期间批次有变化（您看到 \(seen) 条，现有 \(now) 条），请核对后重新审核。"
        case .notFound: return "没有这个批次。"
        }
    }
}

extension ConsoleText {
    /// An audit entry's subject (`batch:12`, `message:34`, `gateway:kannel`, `file:…`,
    /// `account:…`, `address:…`) as a page names it.
    public static func subject(_ subject: String) -> String {
        guard let colon = subject.firstIndex(of: ":") else { return safe(subject) }
        let value = safe(String(subject[subject.index(after: colon)...]))
        switch subject[..<colon] {
        case "batch": return "第 \(value) 批"
        case "message": return "消息 \(value)"
        case "gateway": return "通道 \(value)"
        case "file": return "文件 \(value)"
        case "account": return "账号 \(value)"
        case "address": return "地址 \(value)"
        default: return safe(subject)
        }
    }
}
