/// Every field a message template may use, per template kind, with what it holds and an example
/// of its (Chinese-formatted) value: the one place templates are documented.
///
/// A field that does not apply to a given message is absent (so `{{#card_tail}}…{{/card_tail}}`
/// renders nothing), never an empty string. No field ever holds a full phone or card number.
public enum TemplateFields {
    /// One field a template may reference.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var meaning: String
        public var example: String

        init(_ name: String, _ meaning: String, _ example: String) {
            self.name = name
            self.meaning = meaning
            self.example = example
        }
    }

    /// Fields of every kind.
    static let common: [Field] = [
        Field("township", "乡人民政府 name", "丰润区银城铺乡人民政府"),
        Field("hotline", "the finance office's hotline", "0315-0000000"),
    ]

    /// Fields of every scheduler event.
    static let project: [Field] = [
        Field("project_name", "the project's name", "天柱租地费（殷官屯村）"),
        Field("project_code", "项目编码", "130208214IGHSSTAFMWVM"),
        Field("year", "the budget year", "2021"),
        Field("item", "what the money is: 租地款, 补助资金 or 资金", "租地款"),
        Field("village", "the village told, or the payee's village; absent for the office", "殷官屯村"),
    ]

    /// Fields about the payee (absent when the audience is not a payee or a paid village).
    static let payee: [Field] = [
        Field("payee_name", "the household head, person or village paid", "王淑兰"),
        Field("card_tail", "last 4 digits of the bank card (households and persons only)", "1234"),
        Field("amount", "the amount paid (payment_recorded) or owed (payment_in_progress), 元", "4,950.00"),
    ]

    /// Fields about a milestone of the plan.
    static let milestone: [Field] = [
        Field("deadline", "the milestone's deadline", "2021年6月30日"),
        Field("cumulative", "the cumulative share of the budget due by the deadline", "50%"),
        Field("target", "the cumulative amount due by the deadline, 元", "2,970,000.00"),
        Field("paid", "paid so far, 元", "1,485,000.00"),
        Field("paid_percent", "paid so far as a share of the budget", "25%"),
        Field("budget", "the project's budget, 元", "5,940,000.00"),
    ]

    /// Fields about how far behind a project is.
    static let shortfall: [Field] = [
        Field("shortfall", "target minus paid, 元", "1,485,000.00"),
        Field("grade", "进度正常, 略有滞后 or 严重滞后", "严重滞后"),
        Field("unpaid_count", "payees not yet paid in full (in the village told, or in all), households and persons only", "12"),
        Field("unpaid_unit", "户 for households, 人 for persons (present with unpaid_count)", "户"),
    ]

    /// Every field, per kind, documented.
    public static let documented: [TemplateKind: [Field]] = [
        .paymentRecorded: common + project + payee + [
            Field("payment_date", "the date the bank paid", "2021年3月15日"),
        ],
        .paymentInProgress: common + project + payee + [
            Field("deadline", "the milestone by which the payee's money was planned", "2021年3月31日"),
        ],
        .milestoneApproaching: common + project + milestone + shortfall + [
            Field("days_left", "whole days until the deadline (0 on the day)", "7"),
            Field("days_left_text", "7天后截止, 明天截止 or 今天截止", "7天后截止"),
        ],
        .milestoneOverdue: common + project + milestone + shortfall + [
            Field("days_overdue", "whole days since the deadline", "7"),
        ],
        .caughtUp: common + project + milestone,
        .deliveryDead: common + [
            Field("event_name", "the Chinese name of the message's kind", "资金到账通知"),
            Field("event_kind", "the message's kind", "payment_recorded"),
            Field("project_name", "the project's name, or its code when unknown", "天柱租地费（殷官屯村）"),
            Field("project_code", "项目编码", "130208214IGHSSTAFMWVM"),
            Field("channel_name", "短信 or 群机器人", "短信"),
            Field("recipient", "masked phone (170****0018) or endpoint name", "170****0018"),
            Field("reason", "why it failed, masked", "号码无效"),
            Field("attempts", "attempts made", "3"),
        ],
        .endpointPaused: common + [
            Field("endpoint", "the endpoint or gateway name", "village-v01"),
            Field("reason", "the last failure, masked", "HTTP 500"),
            Field("failures", "consecutive failures", "8"),
            Field("paused_until", "when sending resumes, local time (absent when paused until resumed by hand)", "2021年3月15日 14:30"),
        ],
        .calendarUncovered: common + [
            Field("uncovered_year", "the year the holiday calendar has no notice for", "2027"),
            Field("covered_through", "the latest year it has (absent when it has none)", "2026"),
            Field("calendar_file", "the calendar file to add the notice's days to", "Config/calendar/cn-holidays.csv"),
        ],
        .diskLow: common + [
            Field("disk_path", "the state directory, on the disk that is filling", "/var/lib/fafang"),
            Field("available_mib", "MiB still free for the daemon", "312"),
            Field("size_mib", "the disk's size, MiB", "20480"),
            Field("threshold_mib", "[paths] low_space_mib", "512"),
        ],
        .inquiryReply: common + [
            Field("several", "present when more than one payee is registered with the phone", "2"),
            Field("payee_count", "payees registered with the phone", "2"),
            Field("omitted", "lines left out to keep the SMS within max_segments (absent when none)", "1"),
            Field("summary", "the lines as one text, for a cloud SMS template's variable", "欧*兰 天柱租地费（南朱庄子村）已发41,148.00元"),
            Field("lines", "a list: one entry per payee and project (the fields below are read inside {{#lines}}…{{/lines}})", "—"),
            Field("first_of_payee", "(in lines) present on a payee's first line", "1"),
            Field("payee_code", "(in lines) the payee's register id, masked (shown when several share the phone)", "***017"),
            Field("payee_name", "(in lines) the household head or person, masked", "欧*兰"),
            Field("project_name", "(in lines) the project's name", "天柱租地费（南朱庄子村）"),
            Field("item", "(in lines) 租地款, 补助资金 or 资金", "租地款"),
            Field("paid", "(in lines) paid so far, 元", "41,148.00"),
            Field("payment_date", "(in lines) the date of the latest payment (absent when nothing was paid)", "2021年12月31日"),
            Field("card_tail", "(in lines) last 4 digits of the bank card (absent when the register has none)", "9041"),
            Field("remaining", "(in lines) still to be paid, 元 (absent when paid in full)", "8,230.00"),
            Field("due_by", "(in lines) the deadline the remainder is due by: its milestone's, or the next one once that passed (with remaining)", "2021年12月31日"),
            Field("settled", "(in lines) present when paid in full", "1"),
        ],
        .inquiryUnknown: common,
    ]

    /// Field names allowed per kind.
    public static let allowed: [TemplateKind: Set<String>] = documented.mapValues { Set($0.map(\.name)) }

    /// Fields every kind allows: all a partial (`_name.mustache`) may use.
    public static let sharedByAll: Set<String> = allowed.values.reduce(allowed[.paymentRecorded] ?? []) { $0.intersection($1) }

    /// The kind and channel pairs the scheduler and dispatcher produce: each needs a template.
    public static let required: [TemplateKind: [TemplateChannel]] = [
        // Households and persons by SMS; a village transfer to the village's robot.
        .paymentRecorded: [.sms, .webhook],
        .paymentInProgress: [.sms],
        // To the finance office and the villages with unpaid payees.
        .milestoneApproaching: [.webhook, .office],
        .milestoneOverdue: [.webhook, .office],
        .caughtUp: [.webhook, .office],
        // Dispatcher alerts.
        .deliveryDead: [.office],
        .endpointPaused: [.office],
        // The scheduler, about the holiday calendar.
        .calendarUncovered: [.office],
        // The daemon, about its disk.
        .diskLow: [.office],
        // Answers to households' 查询 SMS (`[inquiry]`).
        .inquiryReply: [.sms],
        .inquiryUnknown: [.sms],
    ]

    /// Whether the scheduler or dispatcher produces this pair.
    public static func isProduced(_ kind: TemplateKind, _ channel: TemplateChannel) -> Bool {
        required[kind]?.contains(channel) ?? false
    }
}
