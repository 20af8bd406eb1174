import FafangCore

/// A target written in a goal table's 指标值 cell, split for machines: `≥1100亩` is comparator
/// `≥`, value `1100`, unit `亩`; a deadline `2021年底完成` is `≤`, `2021-12-31`, `date`.
struct IndicatorTarget: Equatable, Sendable {
    /// "≥", "≤", ">", "<", "=", or "" for free text.
    var comparator: String
    var value: String
    var unit: String

    /// Comparator words and signs, longest first so that 大于等于 wins over 大于.
    static let comparators: [(text: String, sign: String)] = [
        ("大于等于", "≥"), ("小于等于", "≤"), ("大于或等于", "≥"), ("小于或等于", "≤"),
        ("不少于", "≥"), ("不低于", "≥"), ("不小于", "≥"), ("不超过", "≤"), ("不高于", "≤"),
        ("不大于", "≤"), ("不多于", "≤"), ("大于", ">"), ("小于", "<"), ("等于", "="),
        (">=", "≥"), ("＞=", "≥"), ("<=", "≤"), ("＜=", "≤"), ("≥", "≥"), ("≧", "≥"),
        ("≤", "≤"), ("≦", "≤"), (">", ">"), ("＞", ">"), ("<", "<"), ("＜", "<"),
        ("=", "="), ("＝", "="),
    ].sorted { $0.0.count > $1.0.count }

    /// Splits a 指标值 cell. A number with no comparator (`1800元`) is `=`; anything that is not
    /// a number with an optional comparator and unit is kept whole as free text.
    static func parse(_ text: String) -> IndicatorTarget {
        let cell = GoalDocumentText.trimmed(text)
        var rest = Substring(cleaned(cell))
        var sign = "="
        if let match = comparators.first(where: { rest.hasPrefix($0.text) }) {
            sign = match.sign
            rest = rest.dropFirst(match.text.count)
        }
        let body = GoalDocumentText.trimmed(rest)
        let number = body.prefix { $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") }
        let unit = GoalDocumentText.trimmed(body.dropFirst(number.count))
        guard let value = normalizedNumber(number), isUnit(unit) else {
            return IndicatorTarget(comparator: "", value: cell, unit: "")
        }
        return IndicatorTarget(comparator: sign, value: value, unit: normalizedUnit(unit))
    }

    /// Splits the target off the end of a sentence: "…占工作任务的比例大于等于90%。" gives
    /// ("…占工作任务的比例", ≥ 90 %). Nil when the sentence does not end in a target.
    static func splitTail(_ text: String) -> (head: String, target: IndicatorTarget)? {
        let sentence = cleaned(GoalDocumentText.trimmed(text))
        let unitStart = sentence.lastIndex { $0.isASCII && $0.isNumber }.map { sentence.index(after: $0) }
        guard let unitStart else { return nil }
        let unit = String(sentence[unitStart...])
        guard unit.count <= 4, isUnit(unit) else { return nil }
        let beforeUnit = sentence[..<unitStart]
        var numberStart = beforeUnit.endIndex
        while numberStart > beforeUnit.startIndex {
            let previous = beforeUnit.index(before: numberStart)
            let char = beforeUnit[previous]
            guard char.isASCII && (char.isNumber || char == ".") else { break }
            numberStart = previous
        }
        guard let value = normalizedNumber(beforeUnit[numberStart...]) else { return nil }
        let head = beforeUnit[..<numberStart]
        guard let match = comparators.first(where: { head.hasSuffix($0.text) }) else { return nil }
        var lead = GoalDocumentText.trimmed(head.dropLast(match.text.count))
        while let last = lead.last, "，,；;".contains(last) { lead.removeLast() }
        return (lead, IndicatorTarget(comparator: match.sign, value: value, unit: normalizedUnit(unit)))
    }

    /// The cell without a final full stop.
    private static func cleaned(_ text: String) -> String {
        var result = text
        while let last = result.last, "。.".contains(last) { result.removeLast() }
        return GoalDocumentText.trimmed(result)
    }

    /// "1,100" → "1100"; nil unless digits with at most one decimal point.
    private static func normalizedNumber(_ text: Substring) -> String? {
        let plain = String(text.filter { $0 != "," })
        let parts = plain.split(separator: ".", omittingEmptySubsequences: false)
        guard !plain.isEmpty, parts.count <= 2,
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        return plain
    }

    /// A unit is short and has no digits or sentence punctuation: 亩, 百分比, 个, 元/亩.
    private static func isUnit(_ text: String) -> Bool {
        text.count <= 8 && !text.contains { ($0.isASCII && $0.isNumber) || "，,。；;：:".contains($0) }
    }

    private static func normalizedUnit(_ unit: String) -> String {
        ["百分比", "%", "％", "百分之"].contains(unit) ? "%" : unit
    }
}
