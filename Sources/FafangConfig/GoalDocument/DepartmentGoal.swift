import FafangCore

/// One item of a department's 分项绩效目标, e.g. （一）基层党建, with its indicator split into a
/// target: "…占工作任务的比例大于等于90%" is comparator `≥`, value `90`, unit `%`.
public struct DepartmentGoal: Equatable, Sendable {
    /// 基层党建 (without its （一） numbering).
    public var title: String
    /// The 绩效目标 line's text.
    public var goal: String
    /// The 绩效指标 line's text before its target phrase.
    public var indicator: String
    /// "≥", "≤", ">", "<", "=", or "" when the indicator names no target.
    public var comparator: String
    public var value: String
    public var unit: String
    /// The 1-based line of the item's title.
    public var line: Int

    public init(title: String, goal: String, indicator: String, comparator: String,
                value: String, unit: String, line: Int) {
        self.title = title
        self.goal = goal
        self.indicator = indicator
        self.comparator = comparator
        self.value = value
        self.unit = unit
        self.line = line
    }
}

extension DepartmentGoal {
    /// Reads the items of `二、分项绩效目标` (up to the next `三、` heading) from the lines before
    /// `end`; a missing section or an item without a target is a warning.
    static func section(in text: GoalDocumentText, before end: Int) -> (goals: [DepartmentGoal], warnings: [ImportWarning]) {
        let lines = text.lines[0..<end]
        guard let start = lines.firstIndex(where: { !$0.startsCell && isSectionHeading($0.text) && $0.text.contains("分项绩效目标") })
        else {
            let warning = ImportWarning(project: nil, field: "department",
                                        message: "no 分项绩效目标 section; no department goals imported", line: 1)
            return ([], [warning])
        }
        var items: [Item] = []
        var continuing: WritableKeyPath<Item, String?>?
        for line in lines[(start + 1)...] where !line.text.isEmpty {
            let content = line.text
            if isSectionHeading(content) || content.hasPrefix("第") && content.hasSuffix("部分") { break }
            if let title = itemTitle(content) {
                items.append(Item(title: title, line: line.number))
                continuing = nil
            } else if !items.isEmpty, let goal = labelled("绩效目标", content) {
                items[items.count - 1].goal = goal
                continuing = \.goal
            } else if !items.isEmpty, let indicator = labelled("绩效指标", content) {
                items[items.count - 1].indicator = indicator
                continuing = \.indicator
            } else if !items.isEmpty, let field = continuing {
                items[items.count - 1][keyPath: field]? += content
            }
        }
        var goals: [DepartmentGoal] = []
        var warnings: [ImportWarning] = []
        for (index, item) in items.enumerated() {
            let sentence = item.indicator ?? ""
            var goal = DepartmentGoal(title: item.title, goal: item.goal ?? "", indicator: sentence,
                                      comparator: "", value: "", unit: "", line: item.line)
            if item.indicator == nil {
                warnings.append(ImportWarning(project: nil, field: "department[\(index)].indicator",
                                              message: "（\(item.title)） has no 绩效指标 line", line: item.line))
            } else if let (head, target) = IndicatorTarget.splitTail(sentence) {
                goal.indicator = head
                goal.comparator = target.comparator
                goal.value = target.value
                goal.unit = target.unit
            } else {
                warnings.append(ImportWarning(project: nil, field: "department[\(index)].indicator",
                                              message: "绩效指标 of \(item.title) ends in no target like 大于等于90%", line: item.line))
            }
            goals.append(goal)
        }
        return (goals, warnings)
    }

    private struct Item {
        var title: String
        var line: Int
        var goal: String?
        var indicator: String?
    }

    /// `二、分项绩效目标`, `三、工作保障措施`: a Chinese numeral and 、.
    private static func isSectionHeading(_ text: String) -> Bool {
        let numerals = text.prefix { "一二三四五六七八九十".contains($0) }
        return !numerals.isEmpty && text.dropFirst(numerals.count).hasPrefix("、")
    }

    /// `（一）基层党建` → 基层党建.
    private static func itemTitle(_ text: String) -> String? {
        guard let open = text.first, "（(".contains(open) else { return nil }
        let rest = text.dropFirst()
        let numerals = rest.prefix { "一二三四五六七八九十".contains($0) }
        guard !numerals.isEmpty, let close = rest.dropFirst(numerals.count).first, "）)".contains(close) else { return nil }
        let title = GoalDocumentText.trimmed(rest.dropFirst(numerals.count + 1))
        return title.isEmpty ? nil : title
    }

    /// `绩效目标：…` → "…".
    private static func labelled(_ label: String, _ text: String) -> String? {
        guard text.hasPrefix(label) else { return nil }
        let rest = text.dropFirst(label.count)
        guard let colon = rest.first, "：:".contains(colon) else { return nil }
        return GoalDocumentText.trimmed(rest.dropFirst())
    }
}
