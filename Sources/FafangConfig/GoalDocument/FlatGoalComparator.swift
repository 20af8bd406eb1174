/// A flat goal table's 指标性质 read as a comparator, and checked against 指标方向性.
enum FlatGoalComparator: Equatable {
    case sign(String)
    /// 定性 (or empty): the 指标值 is text, kept as written.
    case qualitative
    case unknown

    /// `≥`, `大于等于`, `>=` … as a sign; 定性 or "" as qualitative.
    static func read(_ written: String) -> FlatGoalComparator {
        let text = GoalDocumentText.trimmed(written)
        if text.isEmpty || ["定性", "定性指标"].contains(text) { return .qualitative }
        if let match = IndicatorTarget.comparators.first(where: { $0.text == text }) { return .sign(match.sign) }
        return .unknown
    }

    /// A warning when the direction says the opposite of the sign: 反向 (less is better) with a
    /// minimum, 正向 (more is better) with a maximum. An unknown direction is a warning too.
    static func contradiction(sign: String, direction written: String) -> String? {
        let direction = GoalDocumentText.trimmed(written)
        if direction.isEmpty || direction.hasPrefix("中性") { return nil }
        let positive = direction.hasPrefix("正向") || direction == "越大越好"
        let negative = direction.hasPrefix("反向") || direction == "越小越好"
        guard positive || negative else { return "指标方向性 \"\(direction)\" is neither 正向 nor 反向; not checked" }
        if negative, ["≥", ">"].contains(sign) {
            return "指标方向性 \(direction) (less is better) but 指标性质 \(sign) sets a minimum"
        }
        if positive, ["≤", "<"].contains(sign) {
            return "指标方向性 \(direction) (more is better) but 指标性质 \(sign) sets a maximum"
        }
        return nil
    }
}
