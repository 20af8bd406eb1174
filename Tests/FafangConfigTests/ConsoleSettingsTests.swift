import FafangConfig
import FafangCore
import FafangTestSupport
import Foundation
import Testing

/// `[console]` and the operators file: valid accounts load; each mistake is reported with file,
/// line and key; a hash that is not bcrypt is an error (never echoed), a missing one a warning.
@Suite("fafang check: the console and its operators")
struct ConsoleSettingsTests {
    static let hash = "$2b$04$" + String(repeating: "a", count: 53)

    static let operators = """
    # accounts
    [operators.zhangkj]
    name = "张会计"
    role = "clerk"
    password_hash = "\(hash)"

    [operators.lisz]
    name = "李所长"
    role = "approver"
    password_hash = "\(hash)"

    """

    static func fixture(console: String = "\n[console]\nsession_minutes = 20\nsecure_cookies = \"always\"\nmax_failed_logins = 3\nlockout_minutes = 10\nmax_upload_bytes = 2048\n",
                        operators: String? = ConsoleSettingsTests.operators) -> ConfigFixture {
        var fixture = ConfigFixture()
        fixture.files["fafang.toml", default: ""] += "\n[admin]\ntoken_file = \"secrets/admin-token\"\n" + console
        fixture.files["secrets/admin-token"] = "fake-admin-token\n"
        if let operators { fixture.files["operators.toml"] = operators }
        return fixture
    }

    private func load(_ fixture: ConfigFixture) throws -> ConfigLoader.Outcome {
        let root = try fixture.write()
        defer { fixture.remove() }
        return ConfigLoader.load(path: root)
    }

    @Test func settingsAndAccountsLoad() throws {
        let outcome = try load(Self.fixture())
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        let configuration = try #require(outcome.configuration)
        let console = configuration.settings.console
        #expect(console.sessionMinutes == 20)
        #expect(console.secureCookies == .always)
        #expect(console.maxFailedLogins == 3)
        #expect(console.lockoutMinutes == 10)
        #expect(console.maxUploadBytes == 2048)
        #expect(console.operatorsFile.hasSuffix("/operators.toml"))
        #expect(configuration.operators == [
            OperatorAccount(name: "zhangkj", displayName: "张会计", role: .clerk, passwordHash: Self.hash),
            OperatorAccount(name: "lisz", displayName: "李所长", role: .approver, passwordHash: Self.hash),
        ])
    }

    @Test("without [console] and without the file there is no console and no complaint")
    func absent() throws {
        let outcome = try load(Self.fixture(console: "", operators: nil))
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.configuration?.operators.isEmpty == true)
    }

    @Test func missingOperatorsFileIsAnError() throws {
        let fixture = Self.fixture(console: "\n[console]\noperators = \"people.toml\"\n", operators: nil)
        let outcome = try load(fixture)
        let error = try #require(outcome.errors.first)
        #expect(outcome.errors.count == 1, "\(outcome.errors)")
        #expect(error.keyPath == "console.operators")
        #expect(error.line == fixture.line(of: "operators = \"people.toml\"", in: "fafang.toml"))
        #expect(error.message.contains("people.toml"))
    }

    @Test(arguments: [
        ("secure_cookies = \"sometimes\"", "console.secure_cookies", "must be one of"),
        ("session_minutes = 0", "console.session_minutes", "between 1 and 1440"),
        ("max_failed_logins = 1000", "console.max_failed_logins", "between 1 and 100"),
        ("lockout_mintues = 5", "console.lockout_mintues", "unknown key"),
    ])
    func badSettings(line: String, key: String, message: String) throws {
        let fixture = Self.fixture(console: "\n[console]\n\(line)\n")
        let outcome = try load(fixture)
        #expect(outcome.errors.count == 1, "\(outcome.errors)")
        let error = try #require(outcome.errors.first)
        #expect(error.keyPath == key)
        #expect(error.line == fixture.line(of: line, in: "fafang.toml"))
        #expect(error.message.contains(message), "\(error)")
    }

    @Test("a password written where the hash belongs is an error naming the file and line, not echoed")
    func notBcrypt() throws {
        let fixture = Self.fixture(operators: Self.operators.replacingOccurrences(of: "role = \"approver\"\npassword_hash = \"\(Self.hash)\"",
                                                                                  with: "role = \"approver\"\npassword_hash = \"hunter2-secret\""))
        let outcome = try load(fixture)
        #expect(outcome.errors.count == 1, "\(outcome.errors)")
        let error = try #require(outcome.errors.first)
        #expect(error.description.hasPrefix("\(fixture.root)/operators.toml:\(fixture.line(of: "hunter2-secret", in: "operators.toml")): operators.lisz.password_hash: "))
        #expect(!error.description.contains("hunter2"))
    }

    @Test func accountWithoutHashIsAWarning() throws {
        let fixture = Self.fixture(operators: "[operators.wangcn]\nname = \"王出纳\"\nrole = \"viewer\"\n")
        let outcome = try load(fixture)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        let warning = try #require(outcome.warnings.first)
        #expect(warning.keyPath == "operators.wangcn.password_hash")
        #expect(warning.message.contains("cannot log in"))
        #expect(outcome.configuration?.operators.first?.passwordHash == nil)
    }

    @Test(arguments: [
        ("[operators.wangcn]\nname = \"王出纳\"\nrole = \"boss\"\n", "operators.wangcn.role", "must be one of"),
        ("[operators.Wang]\nname = \"王出纳\"\nrole = \"viewer\"\n", "operators.Wang", "lower-case"),
        ("[operators.wangcn]\nrole = \"viewer\"\n", "operators.wangcn.name", "missing"),
        ("[operators.wangcn]\nname = \"王出纳\"\nrole = \"viewer\"\npassword = \"x\"\n", "operators.wangcn.password", "unknown key"),
    ])
    func badAccounts(text: String, key: String, message: String) throws {
        let outcome = try load(Self.fixture(operators: text))
        let error = try #require(outcome.errors.first { $0.keyPath == key }, "\(outcome.diagnostics)")
        #expect(error.message.contains(message), "\(error)")
        #expect(error.file.hasSuffix("operators.toml"))
    }
}
