import FafangConfig
import FafangCore
import FafangTestSupport
import Foundation
import Testing

/// `[admin]` and Kannel's `receipt_token_file`: valid tables load; each mistake is one error
/// naming file, line and key path, and a token written inline is refused without being echoed.
@Suite("fafang check: the admin server")
struct AdminSettingsTests {
    static let admin = """

    [admin]
    listen = "127.0.0.1:9099"
    token_file = "secrets/admin-token"
    max_body_bytes = 4096

    """

    static func fixture(_ table: String = admin) -> ConfigFixture {
        var fixture = ConfigFixture()
        fixture.files["fafang.toml", default: ""] += table
        fixture.files["secrets/admin-token"] = "fake-admin-token\n"
        return fixture
    }

    private func load(_ fixture: ConfigFixture) throws -> ConfigLoader.Outcome {
        let root = try fixture.write()
        defer { fixture.remove() }
        return ConfigLoader.load(path: root)
    }

    private func expectOnlyError(_ outcome: ConfigLoader.Outcome, _ fixture: ConfigFixture, key: String, line text: String,
                                 contains message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.errors.count == 1, "\(outcome.errors)", sourceLocation: sourceLocation)
        guard let error = outcome.errors.first else { return }
        let line = fixture.line(of: text, in: "fafang.toml")
        #expect(error.keyPath == key, "\(error)", sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(message), "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix("\(fixture.root)/fafang.toml:\(line): \(key): "), sourceLocation: sourceLocation)
    }

    @Test func validTableLoads() throws {
        let fixture = Self.fixture()
        let outcome = try load(fixture)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        let admin = try #require(outcome.configuration?.settings.admin)
        #expect(admin == AdminSettings(listen: ListenAddress(host: "127.0.0.1", port: 9099),
                                       token: .file(fixture.root + "/secrets/admin-token"), maxBodyBytes: 4096))
    }

    @Test func defaultsAndCredentials() throws {
        let fixture = Self.fixture("\n[admin]\ntoken_credential = \"admin-token\"\n")
        let outcome = try load(fixture)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        let admin = try #require(outcome.configuration?.settings.admin)
        #expect(admin.listen.description == "127.0.0.1:8088")
        #expect(admin.token == .credential("admin-token"))
        #expect(admin.maxBodyBytes == 65536)
    }

    @Test func withoutTheTableThereIsNoAdminServer() throws {
        let outcome = try load(ConfigFixture())
        #expect(try #require(outcome.configuration).settings.admin == nil)
    }

    @Test("a listen address that is not HOST:PORT", arguments: ["0.0.0.0", "127.0.0.1:80800", "fafang.example:8088", "127.0.0.256:1", ":8088"])
    func badListenAddress(text: String) throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "listen = \"127.0.0.1:9099\"", with: "listen = \"\(text)\"")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "admin.listen", line: "listen = \"\(text)\"", contains: "must be HOST:PORT")
    }

    @Test func aListenAddressBeyondLoopbackIsAWarning() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "listen = \"127.0.0.1:9099\"", with: "listen = \"0.0.0.0:8088\"")
        let outcome = try load(fixture)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.warnings.map(\.keyPath) == ["admin.listen"])
        #expect(outcome.configuration?.settings.admin?.listen == ListenAddress(host: "0.0.0.0", port: 8088))
        #expect(ListenAddress("[::1]:8088") == ListenAddress(host: "::1", port: 8088))
        #expect(ListenAddress("[::1]:8088")?.description == "[::1]:8088")
    }

    @Test func anInlineTokenIsRefusedWithoutEchoingIt() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "token_file = \"secrets/admin-token\"", with: "token = \"TOKEN-inline-0123456789\"")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "admin.token", line: "token = \"TOKEN-inline", contains: "must not be written in fafang.toml")
        #expect(!outcome.diagnostics.map(\.description).joined().contains("TOKEN-inline"))
    }

    @Test func theTokenIsRequiredAndItsFileMustExist() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "token_file = \"secrets/admin-token\"", with: "token_file = \"secrets/missing\"")
        expectOnlyError(try load(fixture), fixture, key: "admin.token_file", line: "token_file = \"secrets/missing\"", contains: "no such file")
        var none = Self.fixture()
        none.replace("fafang.toml", "token_file = \"secrets/admin-token\"", with: "")
        expectOnlyError(try load(none), none, key: "admin.token_file", line: "[admin]", contains: "missing")
    }

    @Test func maxBodyBytesIsBounded() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "max_body_bytes = 4096", with: "max_body_bytes = 10")
        expectOnlyError(try load(fixture), fixture, key: "admin.max_body_bytes", line: "max_body_bytes = 10", contains: "1024")
    }

    @Test func kannelReadsItsReceiptTokenLikeThePassword() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "max_segments = 3", with: "max_segments = 3\ngateway = \"kannel\"")
        fixture.files["fafang.toml", default: ""] += """

        [gateways.kannel]
        kind = "kannel"
        url = "http://127.0.0.1:13013/cgi-bin/sendsms"
        username = "fafang"
        password_file = "secrets/admin-token"
        receipt_url = "http://127.0.0.1:9099/receipts/kannel"
        receipt_token_file = "secrets/admin-token"

        """
        let outcome = try load(fixture)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        guard case let .kannel(kannel) = outcome.configuration?.settings.smsGateway?.details else {
            Issue.record("kannel is a Kannel gateway")
            return
        }
        #expect(kannel.receiptToken == .file(fixture.root + "/secrets/admin-token"))

        var inline = fixture
        inline.replace("fafang.toml", "receipt_token_file = \"secrets/admin-token\"", with: "receipt_token = \"TOKEN-inline-0123\"")
        let refused = try load(inline)
        expectOnlyError(refused, inline, key: "gateways.kannel.receipt_token", line: "receipt_token = ", contains: "must not be written")
        #expect(!refused.diagnostics.map(\.description).joined().contains("TOKEN-inline"))
    }

    @Test func theBundledConfigurationRunsTheAdminServerOnLoopback() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let outcome = ConfigLoader.load(path: repository.appendingPathComponent("Config").path)
        let settings = try #require(outcome.configuration, "\(outcome.errors)").settings
        let admin = try #require(settings.admin)
        #expect(admin.listen == AdminSettings.defaultListen)
        guard case let .kannel(kannel) = settings.smsGateway?.details else {
            Issue.record("the bundled SMS gateway is Kannel")
            return
        }
        #expect(kannel.receiptURL == "http://127.0.0.1:8088/receipts/kannel")
        #expect(kannel.receiptToken == admin.token)
    }
}
