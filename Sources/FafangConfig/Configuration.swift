import FafangCore
import Foundation

/// Everything Fafang runs on: daemon settings, the villages, and each project with its payees.
public struct Configuration: Sendable {
    /// The folder holding fafang.toml; relative paths in it are resolved against this.
    public var directory: String
    public var settings: Settings
    public var villages: [Village]
    public var projects: [ProjectConfiguration]
    /// China's holiday calendar (`[calendar] file`); nil when none is configured.
    public var holidayCalendar: HolidayCalendar? = nil

    public func project(code: String) -> ProjectConfiguration? { projects.first { $0.project.code == code } }
}

/// The daemon settings of `fafang.toml`.
public struct Settings: Sendable {
    /// 乡人民政府 name, shown in messages.
    public var townshipName: String
    /// 单位编码, e.g. 488001.
    public var unitCode: String?
    /// The zone civil dates and quiet hours are in (Asia/Shanghai by default).
    public var timeZone: TimeZone
    /// The finance office's hotline, quoted in messages to households.
    public var hotline: String
    /// The office's mobile for alerts when its own endpoint is the one failing (`[township] alert_phone`).
    public var alertPhone: PhoneNumber?
    /// Where the daemon keeps its database (resolved to an absolute path).
    public var stateDirectory: String
    public var templatesDirectory: String
    public var projectsDirectory: String
    public var villagesRegister: String
    /// Bank batch files dropped here are imported once, then moved to `done/` or `rejected/`.
    public var ledgerInbox: String
    public var sms: SMSSettings
    /// Webhook endpoints by name, which villages refer to (`[endpoints.NAME]`).
    public var endpoints: [String: Endpoint]
    /// The HTTP engine every message leaves through (`[delivery]`; defaults when absent).
    public var delivery: HTTPEngineSettings
    /// SMS gateways by name (`[gateways.NAME]`).
    public var gateways: [String: SMSGatewaySettings]
    /// `[dispatch]`: pacing, retries, digests, pausing.
    public var dispatch: DispatchSettings
    /// `[scheduler]`: when warnings and notices are due.
    public var scheduler: SchedulerSettings
    /// `[admin]`: the admin HTTP server (receipts, metrics, health, ledger API); nil when absent.
    public var admin: AdminSettings?
    /// `[calendar]`: the holiday calendar file and the township's deadline policy.
    public var calendar: CalendarSettings

    /// The gateway households' SMS go through (`[sms] gateway`), when one is named.
    public var smsGateway: SMSGatewaySettings? { sms.gateway.flatMap { gateways[$0] } }
}

/// SMS settings: the signature every message carries, and the hours it must not arrive in.
public struct SMSSettings: Sendable {
    /// 【签名】 text without the brackets.
    public var signature: String
    public var quietHours: QuietHours
    /// A message longer than this many segments is refused.
    public var maxSegments: Int
    /// The name of the `[gateways.NAME]` households' SMS go through; nil when SMS is not set up.
    public var gateway: String?
    /// Whole days SMS are held through (`quiet_days`, default holidays), until the quiet hours of
    /// the next day that is not quiet end.
    public var quietDays: QuietDays.Rule
}

/// One project as configured: the imported plan, its payees and how they must reconcile.
public struct ProjectConfiguration: Sendable {
    public var project: Project
    /// The project's TOML file.
    public var file: String
    /// The payee register file, when the project has payees.
    public var register: String?
    /// The register's payees, held compactly and indexed by id (a county's holds a million).
    public var payees: PayeeRegister
    /// A difference between what payees are owed and the budget that the office expects and
    /// accepts (it is then a warning, not an error), with its explanation.
    public var tolerance: Money
    public var toleranceNote: String?
    /// When its milestones fall due: its deadline policy (its file's `deadline_policy`, else the
    /// township's) with the holiday calendar.
    public var deadlines: DeadlineRule = .asWritten

    public var reconciliation: Reconciliation { Reconciliation(budget: project.budget.total, payees: payees) }

    init(project: Project, file: String, register: String?, payees: PayeeRegister, tolerance: Money, toleranceNote: String?) {
        self.project = project
        self.file = file
        self.register = register
        self.payees = payees
        self.tolerance = tolerance
        self.toleranceNote = toleranceNote
    }

    /// The payee with this id, found without scanning the register.
    public func payee(id: String) -> Payee? { payees.payee(id: id) }
}
