/// The columns of the flat goal-table layout other provinces publish (项目支出绩效目标表, one row
/// per indicator), matched by heading: 项目编码, 项目名称, 预算数（元）, 年度绩效目标, 一级指标,
/// 二级指标, 三级指标, 指标性质, 指标值, 度量单位, 权重, 指标方向性 and the like.
///
/// Headings are compared without spaces and with full-width brackets as ASCII ones.
struct FlatGoalColumns {
    enum Key: String, CaseIterable {
        case unitName, code, name, budget, fiscal, other, purpose, goal
        case level1, level2, level3, description, comparator, value, unit, weight, direction, basis

        var headings: [String] {
            switch self {
            case .unitName: return ["单位名称", "预算单位", "部门名称", "主管部门"]
            case .code: return ["项目编码", "项目代码"]
            case .name: return ["项目名称"]
            case .budget: return ["预算数", "预算数(元)", "预算数(万元)", "年度预算数(元)", "预算金额(元)", "资金总额(元)", "年度资金总额(元)"]
            case .fiscal: return ["财政资金(元)", "其中:财政资金(元)", "财政拨款(元)", "财政资金", "其中:财政资金"]
            case .other: return ["其他资金(元)", "其他资金"]
            case .purpose: return ["资金用途", "项目概况"]
            case .goal: return ["年度绩效目标", "年度目标", "绩效目标"]
            case .level1: return ["一级指标"]
            case .level2: return ["二级指标"]
            case .level3: return ["三级指标", "指标名称"]
            case .description: return ["绩效指标描述", "指标解释", "指标内容"]
            case .comparator: return ["指标性质", "指标符号"]
            case .value: return ["指标值", "目标值"]
            case .unit: return ["度量单位", "计量单位"]
            case .weight: return ["权重", "权重(%)", "分值", "权(分)值"]
            case .direction: return ["指标方向性", "指标方向"]
            case .basis: return ["指标值确定依据", "备注"]
            }
        }
    }

    /// Column index by key.
    let positions: [Key: Int]
    /// Whether 预算数 and the other amounts are in 万元 (the heading says so) rather than 元.
    let amountsInWan: Bool
    /// Headings that name no column we read, with their column.
    let unknown: [(heading: String, column: Int)]

    subscript(key: Key) -> Int? { positions[key] }

    /// The columns of a heading row, or nil unless it names 一级指标, 二级指标, 三级指标, 指标值
    /// and 项目名称 or 项目编码.
    init?(heading row: OfficeTableRow) {
        var positions: [Key: Int] = [:]
        var unknown: [(String, Int)] = []
        var wan = false
        for (column, raw) in row.texts.sorted(by: { $0.key < $1.key }) {
            let heading = Self.normalized(raw)
            guard !heading.isEmpty else { continue }
            if let key = Key.allCases.first(where: { $0.headings.contains(heading) }), positions[key] == nil {
                positions[key] = column
                if key == .budget, heading.contains("万元") { wan = true }
            } else {
                unknown.append((raw, column))
            }
        }
        let needed: [Key] = [.level1, .level2, .level3, .value]
        guard needed.allSatisfy({ positions[$0] != nil }), positions[.name] != nil || positions[.code] != nil else { return nil }
        self.positions = positions
        amountsInWan = wan
        self.unknown = unknown
    }

    /// `预算数（元）` → `预算数(元)`; spaces, line breaks and full-width spaces removed.
    static func normalized(_ text: String) -> String {
        String(text.compactMap { char -> Character? in
            switch char {
            case "（": return "("
            case "）": return ")"
            case "：": return ":"
            default: return char.isWhitespace || char == "\u{3000}" ? nil : char
            }
        })
    }
}
