import FafangCore
import Foundation

/// The scale benchmark's configuration: a county-sized land-rent register (N households in a
/// hundred villages, synthetic names, phones in the 170 block, areas to 0.01 亩, a few rows with
/// their own rate or years), a small subsidy project beside it, and a bank batch result file
/// paying M of the households (a few transfers failed). The budget reconciles exactly, so
/// `fafang check` passes and the ledger import is accepted.
enum ScaleConfig {
    static let projectCode = "SCALE2021"
    static let defaultRate: Int64 = 1800
    static let defaultYears: Int64 = 3
    static let villageCount = 100

    static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
    static let givenNames = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文德福春梅海林淑珍凤云宝山荣")

    static func villageName(_ index: Int) -> String {
        let first = Array("东西南北前后上下大小新老高王李张刘")
        let second = Array("官屯庄营寨铺店桥河沟坨堡")
        return "\(first[index % first.count])\(second[(index / first.count) % second.count])\(index / (first.count * second.count) + 1)村"
    }

    /// One household's fields, all derived from its index (so the register and the bank file agree).
    struct Household {
        let index: Int
        var id: String { "H" + String(index + 1).leftPadded(to: 7) }
        var name: String {
            let a = ScaleConfig.givenNames[index % ScaleConfig.givenNames.count]
            let b = ScaleConfig.givenNames[(index / 7) % ScaleConfig.givenNames.count]
            return "\(ScaleConfig.surnames[(index / 3) % ScaleConfig.surnames.count])\(a)\(index % 3 == 0 ? "" : String(b))"
        }
        var village: String { ScaleConfig.villageName(index % ScaleConfig.villageCount) }
        var phone: String { "170" + String(index).leftPadded(to: 8) }
        var cardTail: String { String((index * 7919) % 10_000).leftPadded(to: 4) }
        /// 0.50 to 12.49 亩.
        var centimu: Int64 { Int64(50 + (index * 37) % 1200) }
        /// Every 20th row states its own rate, every 50th its own years.
        var rate: Int64? { index % 20 == 7 ? 1850 : nil }
        var years: Int64? { index % 50 == 11 ? 2 : nil }
        var owedFen: Int64 { (rate ?? ScaleConfig.defaultRate) * centimu * (years ?? ScaleConfig.defaultYears) }
        var areaText: String { "\(centimu / 100)." + String(centimu % 100).leftPadded(to: 2) }
    }

    /// Writes the configuration under `root`; returns the bank file's path.
    static func write(root: String, households: Int, ledgerRows: Int, templates: String, gb18030: Bool) throws -> String {
        var villages = "id,name,type,contact_phone,webhooks,synthetic\n"
        for index in 0..<villageCount {
            villages += "V\(index + 1),\(villageName(index)),村,,,yes\n"
        }
        let register = BufferedFile(path: root + "/payees/households.csv", gb18030: gb18030)
        try register.open()
        register.write("# synthetic register for fafang-bench scale\n")
        register.write("户号,户主,所属村,手机号,卡号后四位,面积（亩）,每亩租金（元/年）,年限\n")
        var total: Int64 = 0
        for index in 0..<households {
            let h = Household(index: index)
            total += h.owedFen
            register.write("\(h.id),\(h.name),\(h.village),\(h.phone),\(h.cardTail),\(h.areaText),\(h.rate.map(String.init) ?? ""),\(h.years.map(String.init) ?? "")\n")
        }
        try register.close()

        let bank = BufferedFile(path: root + "/bank-2021.csv", gb18030: gb18030)
        try bank.open()
        bank.write("交易流水号,项目编码,户号,户主,金额,交易日期,交易状态\n")
        for row in 0..<ledgerRows {
            // Spread over the register; every 97th transfer failed (skipped by the import).
            let h = Household(index: households <= 1 ? 0 : (row * 5) % households)
            let failed = row % 97 == 42
            let amount = Money(fen: h.owedFen / 2).plainYuanString
            bank.write("BK2021\(String(row).leftPadded(to: 8)),\(projectCode),\(h.id),\(h.name),\(amount),2021/\(row % 9 + 3)/\(row % 28 + 1),\(failed ? "失败" : "成功")\n")
        }
        try bank.close()

        let budgetWan = Money(fen: total).wanString
        try BenchFiles.write([
            "fafang.toml": BenchFiles.settings(templates: templates, smsGateway: "county", rest: """
            [gateways.county]
            kind = "http"
            url = "http://127.0.0.1:9/sms?to={phone}&id={id}"
            method = "POST"
            body = "{text}"
            body_format = "text"

            [admin]
            listen = "127.0.0.1:0"
            token_file = "admin-token"
            """),
            "admin-token": "TOKEN-scale-bench-0123456789\n",
            "villages.csv": villages,
            "payees/persons.csv": "id,name,village,phone,card_tail,amount_yuan\nP1,王淑兰,\(villageName(0)),17000000001,1234,100.00\nP2,李秀英,\(villageName(1)),,5678,200.50\n",
            "projects/01-rent.toml": project(code: projectCode, name: "县级租地费", kind: "land_rent", wan: budgetWan,
                                             payees: "register = \"../payees/households.csv\"\nrate_yuan_per_mu = \"\(defaultRate)\"\nyears = \(defaultYears)"),
            "projects/02-subsidy.toml": project(code: "SUB2021", name: "四术并发症费用", kind: "subsidy", wan: "0.03005",
                                                payees: "register = \"../payees/persons.csv\""),
        ], under: root)
        return root + "/bank-2021.csv"
    }

    private static func project(code: String, name: String, kind: String, wan: String, payees: String) -> String {
        """
        code = "\(code)"
        name = "\(name)"
        kind = "\(kind)"
        year = 2021
        [budget]
        total_wan = "\(wan)"
        fiscal_wan = "\(wan)"
        other_wan = "0"
        [[plan]]
        deadline = 2021-03-31
        cumulative_percent = "25"
        [[plan]]
        deadline = 2021-06-30
        cumulative_percent = "50"
        [[plan]]
        deadline = 2021-10-31
        cumulative_percent = "75"
        [[plan]]
        deadline = 2021-12-31
        cumulative_percent = "100"
        [payees]
        \(payees)

        """
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
