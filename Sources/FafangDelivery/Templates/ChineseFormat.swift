import FafangCore
import Foundation

/// How values read in messages to households, villages and the finance office: dates as
/// 2021年3月15日, amounts as 4,950.00 (元 is in the template), percentages as 50%.
public enum ChineseFormat {
    /// "2021年3月15日".
    public static func date(_ date: CivilDate) -> String { "\(date.year)年\(date.month)月\(date.day)日" }

    /// "2021年3月15日 14:30" in `zone`.
    public static func dateTime(_ instant: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        let day = CivilDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1) ?? CivilDate(daysSinceEpoch: 0)
        return date(day) + " " + String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    /// "4,950.00": grouped 元 with two decimals.
    public static func amount(_ money: Money) -> String { money.yuanString }

    /// "50%", "33.33%".
    public static func percent(_ percent: Percent) -> String { percent.description + "%" }

    /// `part` as a share of `whole`, to a tenth of a percent: "37.5%", "40%"; "0%" for an empty whole.
    public static func share(_ part: Money, of whole: Money) -> String {
        guard whole.fen > 0 else { return "0%" }
        let numerator = Int128(part.fen) * 1000
        let denominator = Int128(whole.fen)
        var tenths = numerator / denominator
        let remainder = numerator % denominator
        if remainder.magnitude * 2 >= denominator.magnitude { tenths += numerator < 0 ? -1 : 1 }
        let text = DecimalText.format(Int64(tenths), decimals: 1, grouped: false)
        return (text.hasSuffix(".0") ? String(text.dropLast(2)) : text) + "%"
    }

    /// 进度正常, 略有滞后, 严重滞后.
    public static func grade(_ grade: ProgressGrade) -> String {
        switch grade {
        case .onTrack: return "进度正常"
        case .slightlyBehind: return "略有滞后"
        case .behind: return "严重滞后"
        }
    }

    /// What a project's money is called in a message to the one paid.
    public static func item(_ kind: ProjectKind) -> String {
        switch kind {
        case .landRent: return "租地款"
        case .subsidy: return "补助资金"
        case .villageTransfer, .operating: return "资金"
        }
    }

    /// The counting word for a project's payees: 户 for households, 人 for persons; nil for
    /// villages (their count is not a number of payees waiting).
    public static func unit(_ kind: ProjectKind) -> String? {
        switch kind {
        case .landRent: return "户"
        case .subsidy: return "人"
        case .villageTransfer, .operating: return nil
        }
    }

    /// "7天后截止", "明天截止", "今天截止".
    public static func daysLeft(_ days: Int) -> String {
        switch days {
        case ..<1: return "今天截止"
        case 1: return "明天截止"
        default: return "\(days)天后截止"
        }
    }

    /// "短信" or "群机器人".
    public static func channel(_ channel: Channel) -> String { channel == .sms ? "短信" : "群机器人" }
}
