import Foundation

/// A small, valid configuration (two projects, two villages) written to a fresh temporary folder, which a test then damages
/// one file at a time. Every file can be replaced before `write()`.
public struct ConfigFixture: Sendable {
    public let root: String
    public var files: [String: String]

    public init() {
        // A UUID spelled in letters (a–p for 0–f): a random run of 11 digits in the path would be
        // masked as a phone number wherever an error message quotes it.
        root = NSTemporaryDirectory() + "fafang-config-" + String(UUID().uuidString.compactMap { $0.hexDigitValue.map { Character(Unicode.Scalar(UInt8(97 + $0))) } })
        files = [
            "fafang.toml": """
            [township]
            name = "测试乡人民政府"
            time_zone = "Asia/Shanghai"
            hotline = "0315-0000000"

            [paths]
            state_directory = "state"
            templates_directory = "templates"
            projects_directory = "projects"
            villages_register = "payees/villages.csv"

            [sms]
            signature = "测试乡财政所"
            quiet_hours = "21:00-08:00"
            max_segments = 3

            [endpoints.robot-a]
            kind = "dingtalk"
            url = "http://127.0.0.1:9/robot"

            """,
            "payees/villages.csv": """
            id,name,type,contact_phone,webhooks,synthetic
            V1,甲村,村,17000000001,robot-a,yes
            V2,乙村,村,,,yes

            """,
            "projects/01-rent.toml": """
            code = "RENT01"
            name = "租地费（甲村）"
            kind = "land_rent"
            year = 2021
            purpose = "租地款"
            goals = ["按时发放"]

            [budget]
            total_wan = "0.54"
            fiscal_wan = "0.54"
            other_wan = "0"

            [[plan]]
            deadline = 2021-03-31
            cumulative_percent = "25.00"

            [[plan]]
            deadline = 2021-12-31
            cumulative_percent = "100.00"

            [payees]
            register = "../payees/rent.csv"
            rate_yuan_per_mu = "1800"
            years = 3

            """,
            "payees/rent.csv": """
            id,name,village,phone,card_tail,area_mu,rate_yuan_per_mu,years
            H1,王一,甲村,17000000011,1111,0.40,,
            H2,王二,甲村,17000000012,2222,0.60,,

            """,
            "projects/02-transfer.toml": """
            code = "TRANS01"
            name = "村级转移支付"
            kind = "village_transfer"
            year = 2021

            [budget]
            total_wan = "1.00"
            fiscal_wan = "1.00"
            other_wan = "0"

            [[plan]]
            deadline = 2021-06-30
            cumulative_percent = "50"

            [[plan]]
            deadline = 2021-12-31
            cumulative_percent = "100"

            [payees]
            register = "../payees/transfer.csv"

            """,
            "payees/transfer.csv": """
            village_id,share
            V1,1
            V2,2

            """,
        ]
    }

    /// The line number (1-based) of the first line of `file` containing `text`.
    public func line(of text: String, in file: String) -> Int {
        let lines = (files[file] ?? "").split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.firstIndex { $0.contains(text) } ?? -1) + 1
    }

    public func path(_ file: String) -> String { root + "/" + file }

    public mutating func replace(_ file: String, _ old: String, with new: String) {
        files[file] = files[file]?.replacingOccurrences(of: old, with: new)
    }

    /// Points `templates_directory` at `path` (the repository's Templates/, for tests that render).
    public mutating func useTemplates(at path: String) {
        replace("fafang.toml", "templates_directory = \"templates\"", with: "templates_directory = \"\(path)\"")
    }

    /// Adds an HTTP SMS gateway `sms-sink` that POSTs the text to `url?to={phone}&id={id}`, and
    /// makes it the one households are told through (`[sms] gateway`); `extra` is appended after it.
    public mutating func addSMSGateway(url: String, extra: String = "") {
        replace("fafang.toml", "max_segments = 3", with: """
        max_segments = 3
        gateway = "sms-sink"

        [gateways.sms-sink]
        kind = "http"
        url = "\(url)?to={phone}&id={id}"
        method = "POST"
        body = "{text}"
        body_format = "text"
        \(extra)
        """)
    }

    /// Everything the daemon sends goes to the loopback server at `baseURL`: households' SMS
    /// (`/sms`, through `addSMSGateway`), the office's alerts (`/office`) and the village robot (`/robot`).
    public mutating func sendEverything(to baseURL: String) {
        addSMSGateway(url: baseURL + "/sms", extra: """

        [endpoints.finance-office]
        kind = "webhook"
        url = "\(baseURL)/office"
        """)
        replace("fafang.toml", "url = \"http://127.0.0.1:9/robot\"", with: "url = \"\(baseURL)/robot\"")
    }

    /// `[approval] kinds = []`: no SMS waits for an approver (tests about sending, not approval).
    public mutating func holdNothing() {
        files["fafang.toml", default: ""] += "\n[approval]\nkinds = []\n"
    }

    /// `[store] kind = "postgresql"` on the database at `url` (written to the file `pg-url`, as a
    /// deployment keeps it), without TLS; `extra` lines go into the table.
    public mutating func usePostgres(url: String, extra: String = "") {
        files["pg-url"] = url + "\n"
        files["fafang.toml", default: ""] += """

            [store]
            kind = "postgresql"
            url_file = "pg-url"
            tls = "disable"
            \(extra)

            """
    }

    public func write() throws -> String {
        let manager = FileManager.default
        try manager.createDirectory(atPath: root + "/templates", withIntermediateDirectories: true)
        for (name, text) in files {
            let full = root + "/" + name
            try manager.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        }
        return root
    }

    public func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// The repository's `Config/calendar/cn-holidays.csv` (2004 to the latest notice).
    public static func bundledHolidayCalendar() throws -> String {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: repository.appendingPathComponent("Config/calendar/cn-holidays.csv"), encoding: .utf8)
    }

    /// Adds a `[calendar]` table naming `calendar/cn-holidays.csv`, written with `text` (the
    /// bundled calendar when nil), and the township's deadline policy when given.
    public mutating func useHolidayCalendar(_ text: String? = nil, deadlinePolicy: String? = nil) throws {
        files["calendar/cn-holidays.csv"] = try text ?? Self.bundledHolidayCalendar()
        files["fafang.toml", default: ""] += "\n[calendar]\nfile = \"calendar/cn-holidays.csv\"\n"
            + (deadlinePolicy.map { "deadline_policy = \"\($0)\"\n" } ?? "")
    }

}
