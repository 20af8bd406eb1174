import FafangConfig
import FafangCore
import FafangTestSupport
import Foundation
import Testing

/// `[delivery]`, `[gateways.NAME]`, `[sms] gateway` and the secret keys of `[endpoints.NAME]`:
/// valid tables load, and each mistake is one error naming file, line and key path.
@Suite("fafang check: delivery, gateways and secrets")
struct GatewaySettingsTests {
    static let gateways = """

    [delivery]
    max_concurrent_transfers = 32
    max_connections_per_host = 8
    proxy = "http://10.0.0.1:3128"
    max_response_bytes = 32768
    connect_timeout_ms = 2000
    total_timeout_ms = 8000

    [gateways.kannel]
    kind = "kannel"
    url = "http://127.0.0.1:13013/cgi-bin/sendsms"
    username = "fafang"
    password_file = "secrets/kannel-password"
    number_format = "e164"
    receipt_url = "http://127.0.0.1:8088/receipts/kannel"
    total_timeout_ms = 4000

    [gateways.aliyun]
    kind = "aliyun"
    access_key_id = "LTAI-test"
    access_key_secret_credential = "aliyun-secret"

    [gateways.aliyun.templates]
    payment_recorded = "SMS_000001"
    payment_in_progress = "SMS_000002"

    [gateways.aliyun.parameters]
    payment_recorded = ["payee_name", "amount", "payment_date"]
    payment_in_progress = []

    [gateways.tencent]
    kind = "tencent"
    secret_id = "AKID-test"
    secret_key_file = "secrets/tencent-key"
    sms_sdk_app_id = "1400000000"
    templates = { payment_recorded = "1000001" }
    parameters = { payment_recorded = ["payee_name", "amount"] }

    [gateways.county]
    kind = "http"
    url = "https://sms.county.example/send?key={secret}"
    secret_file = "secrets/county-key"
    body = '{"to": "{phone}", "text": "{text}"}'
    success_json_path = "status"
    success_json_value = "0"
    headers = { "X-Ref" = "{id}" }

    [endpoints.hook]
    kind = "webhook"
    url = "https://hooks.example/fafang"
    secrets_file = "secrets/hook-whsec"

    """

    static let secrets = [
        "secrets/kannel-password": "fake\n", "secrets/tencent-key": "fake\n", "secrets/county-key": "fake\n",
        "secrets/hook-whsec": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n",
    ]

    /// The fixture with the gateways above, `[sms] gateway = "kannel"`, and the secret files.
    static func fixture() -> ConfigFixture {
        var fixture = ConfigFixture()
        fixture.replace("fafang.toml", "max_segments = 3", with: "max_segments = 3\ngateway = \"kannel\"")
        fixture.replace("fafang.toml", "url = \"http://127.0.0.1:9/robot\"", with: "url = \"http://127.0.0.1:9/robot\"\nformat = \"markdown\"")
        fixture.files["fafang.toml", default: ""] += gateways
        for (name, text) in secrets { fixture.files[name] = text }
        return fixture
    }

    private func load(_ fixture: ConfigFixture) throws -> ConfigLoader.Outcome {
        let root = try fixture.write()
        defer { fixture.remove() }
        return ConfigLoader.load(path: root)
    }

    /// The only error of `outcome`, at `key` on the line holding `text`.
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

    @Test func validTablesLoad() throws {
        let fixture = Self.fixture()
        let outcome = try load(fixture)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        let settings = try #require(outcome.configuration).settings
        #expect(settings.delivery == HTTPEngineSettings(maxConcurrentTransfers: 32, maxConnectionsPerHost: 8, proxy: "http://10.0.0.1:3128",
                                                        maxResponseBytes: 32768, connectTimeoutMilliseconds: 2000, totalTimeoutMilliseconds: 8000))
        #expect(Set(settings.gateways.keys) == ["kannel", "aliyun", "tencent", "county"])
        #expect(settings.sms.gateway == "kannel")
        let kannel = try #require(settings.smsGateway)
        #expect(kannel.totalTimeoutMilliseconds == 4000)
        guard case let .kannel(details) = kannel.details else {
            Issue.record("kannel is a Kannel gateway")
            return
        }
        #expect(details.password == .file(fixture.root + "/secrets/kannel-password"))
        #expect(details.numberFormat == .e164)
        #expect(details.dlrMask == 27)
        guard case let .aliyun(aliyun) = settings.gateways["aliyun"]?.details else {
            Issue.record("aliyun is an Aliyun gateway")
            return
        }
        #expect(aliyun.accessKeySecret == .credential("aliyun-secret"))
        #expect(aliyun.signName == "测试乡财政所")  // defaults to [sms] signature
        #expect(aliyun.endpoint == AliyunSMSSettings.defaultEndpoint)
        #expect(aliyun.templates == [
            .paymentRecorded: CloudSMSTemplate(code: "SMS_000001", parameters: ["payee_name", "amount", "payment_date"]),
            .paymentInProgress: CloudSMSTemplate(code: "SMS_000002", parameters: []),
        ])
        guard case let .tencent(tencent) = settings.gateways["tencent"]?.details else {
            Issue.record("tencent is a Tencent gateway")
            return
        }
        #expect(tencent.templates == [.paymentRecorded: CloudSMSTemplate(code: "1000001", parameters: ["payee_name", "amount"])])
        guard case let .http(county) = settings.gateways["county"]?.details else {
            Issue.record("county is an HTTP gateway")
            return
        }
        #expect(county.headers == [.init(name: "X-Ref", value: "{id}")])
        #expect(settings.endpoints["hook"]?.secrets == .file(fixture.root + "/secrets/hook-whsec"))
        #expect(settings.endpoints["robot-a"]?.format == .markdown)
    }

    @Test func withoutTheNewTablesTheDefaultsApply() throws {
        let outcome = try load(ConfigFixture())
        let settings = try #require(outcome.configuration).settings
        #expect(settings.delivery == HTTPEngineSettings())
        #expect(settings.gateways.isEmpty)
        #expect(settings.sms.gateway == nil)
    }

    @Test func unknownGatewayKind() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "kind = \"tencent\"", with: "kind = \"twilio\"")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "gateways.tencent.kind", line: "kind = \"twilio\"",
                        contains: "unknown gateway kind \"twilio\" (known: kannel, aliyun, tencent, http)")
    }

    @Test func inlineSecretIsRefusedWithoutEchoingIt() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "password_file = \"secrets/kannel-password\"", with: "password = \"SECRET-XYZ-inline\"")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "gateways.kannel.password", line: "password = ",
                        contains: "must not be written in fafang.toml: put it in a file and name it with password_file")
        #expect(!outcome.diagnostics.description.contains("SECRET-XYZ"))
    }

    @Test(arguments: [
        ("access_key_secret_credential = \"aliyun-secret\"", "access_key_secret = \"x\"", "gateways.aliyun.access_key_secret"),
        ("secret_key_file = \"secrets/tencent-key\"", "secret_key = \"x\"", "gateways.tencent.secret_key"),
        ("secrets_file = \"secrets/hook-whsec\"", "secret = \"whsec_x\"", "endpoints.hook.secret"),
    ])
    func everyInlineSecretIsRefused(old: String, new: String, key: String) throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", old, with: new)
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: key, line: new, contains: "must not be written in fafang.toml")
    }

    @Test func smsGatewayMustExist() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "gateway = \"kannel\"", with: "gateway = \"kanel\"")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "sms.gateway", line: "gateway = \"kanel\"",
                        contains: "no gateway \"kanel\" in [gateways] (configured: aliyun, county, kannel, tencent)")
    }

    @Test(arguments: [
        ("connect_timeout_ms = 2000", "connect_timeout_ms = 0", "delivery.connect_timeout_ms", "got 0"),
        ("total_timeout_ms = 4000", "total_timeout_ms = -3", "gateways.kannel.total_timeout_ms", "got -3"),
        ("total_timeout_ms = 8000", "total_timeout_ms = \"8s\"", "delivery.total_timeout_ms", "must be a whole number"),
        ("max_concurrent_transfers = 32", "max_concurrent_transfers = 0", "delivery.max_concurrent_transfers", "got 0"),
    ])
    func badTimeoutsAndLimits(old: String, new: String, key: String, message: String) throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", old, with: new)
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: key, line: new, contains: message)
    }

    @Test func connectTimeoutAboveTotal() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "connect_timeout_ms = 2000", with: "connect_timeout_ms = 9000")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "delivery.connect_timeout_ms", line: "connect_timeout_ms = 9000",
                        contains: "must not exceed total_timeout_ms (9000 > 8000)")
    }

    @Test func missingSecretFileIsNamed() throws {
        var fixture = Self.fixture()
        fixture.files["secrets/kannel-password"] = nil
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "gateways.kannel.password_file", line: "password_file",
                        contains: "no such file: \(fixture.root)/secrets/kannel-password")
    }

    @Test func missingPasswordAltogether() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "password_file = \"secrets/kannel-password\"\n", with: "")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "gateways.kannel.password_file", line: "[gateways.kannel]",
                        contains: "missing (the Kannel password: give password_file, or password_credential")
    }

    @Test func kannelURLWithCredentials() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "url = \"http://127.0.0.1:13013/cgi-bin/sendsms\"",
                        with: "url = \"http://127.0.0.1:13013/cgi-bin/sendsms?username=a&password=b\"")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "gateways.kannel.url", line: "sendsms?username", contains: "credentials go in username and password_file")
    }

    @Test func httpPhoneInThePath() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "url = \"https://sms.county.example/send?key={secret}\"",
                        with: "url = \"https://sms.county.example/send/{phone}?key={secret}\"")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "gateways.county.url", line: "send/{phone}", contains: "{phone} may appear in the query only")
    }

    @Test func weComRobotsAreNotSigned() throws {
        var fixture = Self.fixture()
        fixture.files["fafang.toml", default: ""] += "\n[endpoints.robot-w]\nkind = \"wecom\"\nurl = \"http://127.0.0.1:9/w\"\nsecret_file = \"secrets/tencent-key\"\n"
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "endpoints.robot-w.secret_file", line: "secret_file = \"secrets/tencent-key\"",
                        contains: "WeCom robots are not signed")
    }

    @Test func unsignedWebhookOffThisMachineIsAWarning() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "secrets_file = \"secrets/hook-whsec\"\n", with: "")
        let outcome = try load(fixture)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        let warning = try #require(outcome.warnings.first)
        #expect(outcome.warnings.count == 1)
        #expect(warning.keyPath == "endpoints.hook.kind")
        #expect(warning.message.contains("unsigned webhook"))
    }

    @Test func tokenInAFeishuHookPath() throws {
        var fixture = Self.fixture()
        fixture.files["fafang.toml", default: ""] += "\n[endpoints.robot-f]\nkind = \"feishu\"\nurl = \"https://open.feishu.cn/open-apis/bot/v2/hook/0123abcd\"\n"
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "endpoints.robot-f.url", line: "open-apis/bot/v2/hook/0123abcd",
                        contains: "carries the bot's token in its path")
    }

    @Test func gatewayAndEndpointNamesDiffer() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "[gateways.county]", with: "[gateways.robot-a]")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "gateways.robot-a", line: "[gateways.robot-a]", contains: "the name is also an endpoint")
    }

    // MARK: Cloud SMS templates

    @Test(arguments: [
        ("access_key_secret_credential = \"aliyun-secret\"\n", "access_key_secret_credential = \"aliyun-secret\"\ntemplate_code = \"SMS_1\"\n",
         "gateways.aliyun.template_code", "template_code = ",
         "no longer read (each kind of message has its own template): give each kind of message its own approved template in [gateways.aliyun.templates], e.g. payment_recorded = \"…\""),
        ("sms_sdk_app_id = \"1400000000\"", "sms_sdk_app_id = \"1400000000\"\ntemplate_id = \"1000001\"",
         "gateways.tencent.template_id", "template_id = ", "in [gateways.tencent.templates], e.g. payment_recorded = \"…\" (the TemplateId"),
        ("sms_sdk_app_id = \"1400000000\"", "sms_sdk_app_id = \"1400000000\"\ntemplate_parameters = [\"name\"]",
         "gateways.tencent.template_parameters", "template_parameters = ", "in [gateways.tencent.parameters]"),
    ])
    func singleTemplateKeysAreRefusedSayingWhatToWrite(old: String, new: String, key: String, line: String, message: String) throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", old, with: new)
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: key, line: line, contains: message)
    }

    @Test func unknownKindOfMessage() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "payment_in_progress = \"SMS_000002\"", with: "payment_progress = \"SMS_000002\"")
        fixture.replace("fafang.toml", "payment_in_progress = []", with: "")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "gateways.aliyun.templates.payment_progress", line: "payment_progress = ",
                        contains: "unknown kind of message \"payment_progress\" (kinds: payment_recorded, milestone_approaching")
    }

    @Test func aTemplateWithoutParameters() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "payment_in_progress = []", with: "")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "gateways.aliyun.templates.payment_in_progress", line: "payment_in_progress = \"SMS_000002\"",
                        contains: "no parameters for payment_in_progress: give payment_in_progress = [\"payee_name\", …] in [gateways.aliyun.parameters]")
    }

    @Test func parametersWithoutATemplate() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "payment_in_progress = \"SMS_000002\"", with: "")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "gateways.aliyun.parameters.payment_in_progress", line: "payment_in_progress = []",
                        contains: "no template for payment_in_progress: add payment_in_progress = \"…\"")
    }

    @Test func aFieldListedTwice() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "[\"payee_name\", \"amount\", \"payment_date\"]", with: "[\"payee_name\", \"amount\", \"amount\"]")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "gateways.aliyun.parameters.payment_recorded[2]", line: "\"amount\", \"amount\"",
                        contains: "\"amount\" is listed twice")
    }

    @Test func noTemplatesAtAll() throws {
        var fixture = Self.fixture()
        fixture.replace("fafang.toml", "templates = { payment_recorded = \"1000001\" }\n", with: "")
        fixture.replace("fafang.toml", "parameters = { payment_recorded = [\"payee_name\", \"amount\"] }\n", with: "")
        let outcome = try load(fixture)
        expectOnlyError(outcome, fixture, key: "gateways.tencent.templates", line: "[gateways.tencent]",
                        contains: "missing (a table [gateways.tencent.templates])")
    }
}
