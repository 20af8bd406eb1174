import FafangCore

extension ProjectKind {
    /// A first guess from the project's name, for the operator to review: 租地 is land rent,
    /// 补贴 or 并发症 a subsidy to persons, 转移支付 a transfer to villages, anything else the
    /// township's own operating funds.
    public static func guess(forName name: String) -> ProjectKind {
        if name.contains("租地") { return .landRent }
        if name.contains("补贴") || name.contains("并发症") { return .subsidy }
        if name.contains("转移支付") { return .villageTransfer }
        return .operating
    }
}
