import FafangCore

/// What a message template is for: one of the scheduler's event kinds, or an operational alert
/// the dispatcher sends the finance office. The raw value is the first part of the file name
/// (`payment_recorded.sms.mustache`).
public enum TemplateKind: String, CaseIterable, Sendable, Hashable, Comparable {
    case paymentRecorded = "payment_recorded"
    case milestoneApproaching = "milestone_approaching"
    case milestoneOverdue = "milestone_overdue"
    case caughtUp = "caught_up"
    case paymentInProgress = "payment_in_progress"
    /// A message given up on (permanent error or retries exhausted).
    case deliveryDead = "delivery_dead"
    /// An endpoint or gateway that keeps failing and was paused.
    case endpointPaused = "endpoint_paused"
    /// The holiday calendar lacks a year (each December for the next).
    case calendarUncovered = "calendar_uncovered"
    /// The state directory's disk is nearly full (`[paths] low_space_mib`).
    case diskLow = "disk_low"
    /// The answer to a household's 查询 SMS: its payees' figures.
    case inquiryReply = "inquiry_reply"
    /// The neutral answer to a 查询 SMS from a phone no register holds.
    case inquiryUnknown = "inquiry_unknown"

    /// The template kind of a scheduler event.
    public init(_ kind: DueEvent.Kind) {
        switch kind {
        case .paymentRecorded: self = .paymentRecorded
        case .milestoneApproaching: self = .milestoneApproaching
        case .milestoneOverdue: self = .milestoneOverdue
        case .caughtUp: self = .caughtUp
        case .paymentInProgress: self = .paymentInProgress
        case .deliveryDead: self = .deliveryDead
        case .endpointPaused: self = .endpointPaused
        case .calendarUncovered: self = .calendarUncovered
        case .diskLow: self = .diskLow
        case .inquiryReply: self = .inquiryReply
        case .inquiryUnknown: self = .inquiryUnknown
        }
    }

    /// The event kind of messages to payees (the scheduler's and the inquiry replies), nil for
    /// the operational alerts.
    public var eventKind: DueEvent.Kind? { DueEvent.Kind(rawValue: rawValue).flatMap { $0.isOperational ? nil : $0 } }

    /// How the finance office calls this kind of message (used in its alerts).
    public var chineseName: String {
        switch self {
        case .paymentRecorded: return "资金到账通知"
        case .milestoneApproaching: return "支出进度临近提醒"
        case .milestoneOverdue: return "支出进度逾期提醒"
        case .caughtUp: return "支出进度达标通知"
        case .paymentInProgress: return "资金办理中通知"
        case .deliveryDead: return "消息投递失败告警"
        case .endpointPaused: return "推送地址暂停告警"
        case .calendarUncovered: return "节假日安排缺失提醒"
        case .diskLow: return "服务器磁盘空间不足告警"
        case .inquiryReply: return "资金查询回复"
        case .inquiryUnknown: return "资金查询回复（未登记号码）"
        }
    }

    public static func < (lhs: TemplateKind, rhs: TemplateKind) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}
