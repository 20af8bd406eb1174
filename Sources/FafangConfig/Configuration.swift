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
    /// The console's and the CLI's operator accounts (`[console] operators`, operators.toml).
    public var operators: [OperatorAccount] = []

    public func operatorAccount(named name: String) -> OperatorAccount? { operators.first { $0.name == name } }

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
    /// Where `fafang backup --keep` and the daily `fafang-backup.timer` put the SQLite store's
    /// backups, and where a damaged store's message looks for the newest (`[paths]
    /// backup_directory`; default the state directory's `backups/`; the .deb's /var/backups/fafang).
    public var backupDirectory = ""
    /// Below this many bytes free on the state directory's filesystem the daemon warns (the
    /// log, systemd's STATUS, `fafang_state_disk_low`) before a write fails for lack of space
    /// (`[paths] low_space_mib`, default 512).
    public var lowSpaceBytes: Int64 = 512 << 20
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
    /// `[approval]`: which messages wait for an approver (household payment SMS by default).
    public var approval = ApprovalSettings()
    /// `[console]`: the operators' web console.
    public var console = ConsoleSettings()
    /// `[store]`: SQLite in the state directory unless PostgreSQL is configured.
    public var store = StoreSettings.sqlite
    /// `[inquiry]`: households' 查询 SMS answered with their payment status; nil: not taken.
    public var inquiry: InquirySettings?

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
    /// `[publicity]` of its file: what the village transparency report (公示) shows.
    public var publicity = Publicity()

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

/// An operator account of `operators.toml` (`[operators.NAME]`): the password only as a bcrypt
/// hash, set by `fafang passwd NAME`.
public struct OperatorAccount: Sendable, Hashable {
    /// The login name (the table's key).
    public var name: String
    /// Shown on pages and in the audit log beside the name (e.g. 张会计).
    public var displayName: String
    public var role: OperatorRole
    /// `$2b$…`; nil until `fafang passwd` sets one (the account cannot log in then).
    public var passwordHash: String?

    public init(name: String, displayName: String, role: OperatorRole, passwordHash: String?) {
        self.name = name
        self.displayName = displayName
        self.role = role
        self.passwordHash = passwordHash
    }
}

/// `[console]` of fafang.toml: the operators' web console on the admin server.
public struct ConsoleSettings: Sendable, Hashable {
    /// The operators file, resolved against the configuration folder (`operators.toml`).
    public var operatorsFile: String = "operators.toml"
    /// A session ends after this long without a request.
    public var sessionMinutes: Int = 30
    /// Cookies carry Secure: `auto` (when the request came over TLS, `X-Forwarded-Proto: https`), always, never.
    public var secureCookies: SecureCookies = .auto
    /// Failed logins of one account or one address allowed in `lockoutMinutes` before it must wait.
    public var maxFailedLogins: Int = 5
    public var lockoutMinutes: Int = 15
    /// Whether `/public/` serves the village transparency report (公示) without a login.
    public var publicReport: Bool = true
    /// The largest bank or ledger file a clerk may upload on 录入付款 (the rest of the admin
    /// server keeps `[admin] max_body_bytes`).
    public var maxUploadBytes: Int = ConsoleSettings.defaultMaxUploadBytes

    public static let defaultMaxUploadBytes = 8 * 1024 * 1024

    public enum SecureCookies: String, Sendable, Hashable, CaseIterable {
        case auto, always, never
    }

    public init() {}
}

/// `[publicity]` of a project file: the village transparency report (村务公开, 公示).
public struct Publicity: Sendable, Hashable {
    /// Whether the report lists each paid payee, name masked (张*华), with the amount; without
    /// it only the village's totals are shown.
    public var listPayees = false
    /// The standard as the office words it (e.g. 每亩每年 1800 元); when absent the report
    /// derives it from the register's rates.
    public var standard: String?

    public init(listPayees: Bool = false, standard: String? = nil) {
        self.listPayees = listPayees
        self.standard = standard
    }
}
