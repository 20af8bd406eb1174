/// `[inquiry]`: households text 查询 (or CX, 查, 余额) and get their own payment status back.
///
/// Absent: inbound SMS are not taken (the intake routes answer 404). Replies go through the
/// outbox like every SMS (quiet hours, per-phone budgets, retries, receipts) and are never held
/// for approval: they answer what the household asked.
public struct InquirySettings: Sendable, Hashable {
    /// Words understood besides `InquiryKeywords.standard`, as written in the configuration.
    public var extraKeywords: [String]
    /// Replies one phone gets per civil day (in the township's zone); queries past it are
    /// audited and not answered.
    public var repliesPerPhonePerDay: Int
    /// The gateway that answers each intake (`kannel`, `aliyun`, `tencent`), by intake; an
    /// intake not named here answers through `[sms] gateway`.
    public var replyGateways: [InquiryIntake: String]
    /// The number the replies quote; nil: `[township] hotline`.
    public var hotline: String?

    public static let defaultRepliesPerPhonePerDay = 3

    public init(extraKeywords: [String] = [], repliesPerPhonePerDay: Int = InquirySettings.defaultRepliesPerPhonePerDay,
                replyGateways: [InquiryIntake: String] = [:], hotline: String? = nil) {
        self.extraKeywords = extraKeywords
        self.repliesPerPhonePerDay = repliesPerPhonePerDay
        self.replyGateways = replyGateways
        self.hotline = hotline
    }

    /// The keywords understood: the standard ones and the extra ones.
    public var keywords: InquiryKeywords { InquiryKeywords(extra: extraKeywords) }

    /// The gateway that answers a query taken by `intake`.
    public func replyGateway(for intake: InquiryIntake, default smsGateway: String?) -> String? {
        replyGateways[intake] ?? smsGateway
    }
}

/// Where an inbound SMS (上行短信, MO) came in.
public enum InquiryIntake: String, Sendable, Hashable, CaseIterable, Codable {
    /// Kannel's smsbox, through an `sms-service` with `post-url`.
    case kannel
    /// Aliyun's SmsUp push (HTTP 批量推送).
    case aliyun
    /// Tencent Cloud's 短信回复 callback.
    case tencent
}
