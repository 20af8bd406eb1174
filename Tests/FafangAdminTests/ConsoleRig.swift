import FafangAdmin
import FafangConfig
import FafangCore
import FafangDaemon
import FafangDelivery
import FafangTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The admin server with its console around `AdminTestRig`'s configuration, with operators
/// (bcrypt cost 4) and `[console]` settings, the fake store (batches and audit in memory), a
/// manual wall clock, and hooks that count what they were told.
struct ConsoleRig {
    static let password = "console-pass-2021"
    /// A display name that would be markup if it were not escaped.
    static let hostileName = "<script>alert('x')</script>&\"王\""

    static let accounts: [(name: String, display: String, role: OperatorRole)] = [
        ("zhangkj", "张会计", .clerk), ("lisz", "李所长", .approver), ("zhaosz", "赵副所长", .approver), ("wangcn", "王出纳", .viewer),
        ("evil", ConsoleRig.hostileName, .viewer),
    ]

    /// Hashed once for every rig.
    static let hash = OperatorPassword.hash(password, cost: 4)

    final class Hooks: Sendable {
        let outboxChanged = Mutex(0)
        let ledgerRecorded = Mutex(0)
        let resumed = Mutex<[String]>([])

        var console: ConsoleHooks {
            ConsoleHooks(outboxChanged: { self.outboxChanged.withLock { $0 += 1 } },
                         ledgerRecorded: { self.ledgerRecorded.withLock { $0 += 1 } },
                         gatewayResumed: { health in self.resumed.withLock { $0.append(health.name) } })
        }
    }

    let admin: AdminTestRig
    let store: ConsoleFakeStore
    let wallClock: ManualClock
    let hooks = Hooks()

    init(console: String = "max_failed_logins = 3\nlockout_minutes = 15\nsession_minutes = 30\nmax_upload_bytes = 65536\n",
         maxBodyBytes: Int = 4096) throws {
        let hash = Self.hash
        admin = try AdminTestRig(maxBodyBytes: maxBodyBytes) { fixture in
            fixture.files["fafang.toml", default: ""] += "\n[console]\n" + console
            fixture.files["operators.toml"] = Self.accounts.map { account in
                "[operators.\(account.name)]\nname = \"\(account.display.replacingOccurrences(of: "\"", with: "\\\""))\"\nrole = \"\(account.role.rawValue)\"\npassword_hash = \"\(hash)\"\n"
            }.joined(separator: "\n")
        }
        store = ConsoleFakeStore(database: admin.database)
        wallClock = ManualClock(AdminTestRig.now)
    }

    func remove() { admin.remove() }

    var dependencies: AdminDependencies {
        AdminDependencies(store: store, runtime: admin.runtime, metrics: admin.metrics, token: AdminToken(Secret(AdminTestRig.token)),
                          clock: AdminTestRig.clock,
                          console: ConsoleDependencies(ledger: LedgerService(store: store, logger: admin.log.logger()), wallClock: wallClock,
                                                       hooks: hooks.console))
    }

    func application() -> AdminApplication {
        buildAdminApplication(settings: admin.settings, dependencies: dependencies, logger: admin.log.logger())
    }

    /// A held SMS of the batch to payee `payee`, with `text`.
    static func heldMessage(id: Int64, payee: String = "H1", phone: String = AdminTestRig.phone, text: String = "王一户：租地费 2,160.00 元已发放。",
                            segments: Int = 1) -> OutboxMessage {
        let item = OutboxItem(idempotencyKey: "held-\(id)", eventKey: "E-held-\(id)", kind: .paymentRecorded, projectCode: "RENT01", channel: .sms,
                              gateway: "kannel", recipient: phone, village: "甲村", payeeID: payee, text: text, title: nil,
                              notBefore: AdminTestRig.now, approval: ApprovalHold(projectCode: "RENT01", day: CivilDate(iso: "2021-06-20")!),
                              amount: .yuan(2160), segments: segments, recordedBy: "zhangkj")
        return OutboxMessage(id: id, item: item, state: .held, attempts: 0, nextAttemptAt: AdminTestRig.now, createdAt: AdminTestRig.now,
                             updatedAt: AdminTestRig.now)
    }
}

/// An operator's browser: the session cookie and the form token of the pages it got.
struct ConsoleBrowser {
    let client: any TestClientProtocol
    var cookie = ""
    var csrf = ""
    var headers: HTTPFields { cookie.isEmpty ? [:] : [.cookie: cookie] }

    init(client: any TestClientProtocol) { self.client = client }

    /// The login form's token and its cookie.
    func loginForm(headers extra: HTTPFields = [:]) async throws -> (token: String, cookie: String, response: TestResponse) {
        let response = try await client.execute(uri: "/console/login", method: .get, headers: extra)
        let setCookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("fafang_login=") })
        let cookie = String(setCookie.prefix { $0 != ";" })
        return (try #require(Self.csrf(in: response)), cookie, response)
    }

    /// Posts the login form as a browser would (the form's token and its cookie).
    func submitLogin(account: String, password: String, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        let form = try await loginForm()
        var headers = extra
        headers[.cookie] = form.cookie
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await client.execute(uri: "/console/login", method: .post, headers: headers,
                                        body: Self.form([("csrf", form.token), ("account", account), ("password", password)]))
    }

    /// Logs in (asserting it worked) and reads the form token from a page.
    static func login(_ client: any TestClientProtocol, account: String, password: String = ConsoleRig.password) async throws -> ConsoleBrowser {
        var browser = ConsoleBrowser(client: client)
        let response = try await browser.submitLogin(account: account, password: password)
        #expect(response.status == .seeOther, "\(String(buffer: response.body))")
        let setCookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("fafang_session=") })
        browser.cookie = String(setCookie.prefix { $0 != ";" })
        let page = try await browser.get("/console/audit")
        browser.csrf = try #require(Self.csrf(in: page))
        return browser
    }

    func get(_ uri: String) async throws -> TestResponse { try await client.execute(uri: uri, method: .get, headers: headers) }

    /// Posts a form with this session's token (or `csrf` when given; nil: none).
    func post(_ uri: String, _ fields: [(String, String)] = [], csrf: String?? = .none) async throws -> TestResponse {
        var headers = self.headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        let token: String? = csrf ?? self.csrf
        return try await client.execute(uri: uri, method: .post, headers: headers, body: Self.form((token.map { [("csrf", $0)] } ?? []) + fields))
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return ByteBuffer(string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&"))
    }

    static func csrf(in response: TestResponse) -> String? {
        let body = String(buffer: response.body)
        guard let range = body.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(body[range.upperBound...].prefix { $0 != "\"" })
    }
}

extension ConsoleRig {
    /// What a SIGHUP would do: the running runtime replaced by one of `configuration`.
    func reload(_ configuration: Configuration) throws {
        let load = Runtime.build(configuration)
        admin.runtime.replace(with: try #require(load.runtime, "\(load.diagnostics)"))
    }
}
