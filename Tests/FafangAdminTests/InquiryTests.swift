import FafangAdmin
import FafangConfig
import FafangCore
import FafangDaemon
import FafangDelivery
import FafangStore
import FafangTestSupport
import Foundation
import ServiceLifecycle
import Testing

/// Households' inbound SMS through the daemon as `fafang run` assembles it (`DaemonBuilder`):
/// the intake routes, the store, the outbox and the dispatcher, with a real Kannel or the cloud
/// vendors' documented pushes.
@Suite("Inquiries: two-way SMS", .serialized)
struct InquiryTests {
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Templates").path

    /// The fixture's households H1 and H2 on one phone (…0011); H1 paid in full.
    static func fixture(inquiry: String) -> ConfigFixture {
        var fixture = ConfigFixture()
        fixture.useTemplates(at: templates)
        fixture.replace("payees/rent.csv", "H2,王二,甲村,17000000012", with: "H2,王二,甲村,17000000011")
        fixture.files["fafang.toml", default: ""] += "\n[admin]\nlisten = \"127.0.0.1:0\"\ntoken_file = \"secrets/admin-token\"\n\n" + inquiry
        fixture.files["secrets/admin-token"] = AdminTestRig.token + "\n"
        return fixture
    }

    static func run(_ fixture: ConfigFixture, store: SQLiteStore, log: CapturedLog,
                    _ body: @Sendable (String, CurlEngine) async throws -> Void) async throws {
        let root = try fixture.write()
        let load = Runtime.load(path: root)
        let runtime = try #require(load.runtime, "\(load.diagnostics)")
        _ = try await store.recordLedger([LedgerEntry(projectCode: "RENT01", payeeID: "H1", amount: .yuan(2160),
                                                      date: CivilDate(iso: "2021-03-15")!, bankReference: "B-H1")],
                                         source: "cli", now: AdminTestRig.now) { _, _ in nil }
        let (addresses, continuation) = AsyncStream.makeStream(of: ListenAddress.self)
        let assembled = try DaemonBuilder.build(runtime: runtime, store: store, options: Daemon.Options(configPath: root, clock: AdminTestRig.clock),
                                                logger: log.logger("fafang"), onListening: { continuation.yield($0) })
        let engine = try CurlEngine()
        try await withRunningGroup(assembled.serviceGroup(handlingSignals: false), addresses: addresses, continuation: continuation) { base in
            try await body(base, engine)
        }
        await engine.shutdown(gracePeriod: .seconds(5))
        await assembled.daemon.engine.shutdown(gracePeriod: .seconds(5))
    }

    /// Polls `condition` until it holds or 20 s pass.
    static func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try await !condition() {
            if ContinuousClock.now > deadline { throw TimedOut(what: what) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct TimedOut: Error { var what: String }

    /// A vendor's answer as JSON, to compare regardless of key order.
    static func json(_ text: String) -> NSDictionary? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? NSDictionary
    }

    static func inquiryReplies(_ store: SQLiteStore, to phone: String) async throws -> [OutboxMessage] {
        try await store.messages(in: Set(MessageState.allCases), id: nil, since: nil).filter { $0.kind.isInquiry && $0.recipient == phone }
    }

    @Test("a real Kannel: fakesmsc's 查询 is answered with the phone's households, masked; an unknown phone neutrally; the daily limit holds",
          .enabled(if: KannelHarness.testsRun))
    func kannelRoundTrip() async throws {
        #expect(KannelHarness.isInstalled, "install kannel and kannel-extras (make setup)")
        // Used from the test body only, one call at a time (the harness is not Sendable).
        nonisolated(unsafe) let kannel = try KannelHarness()
        defer { kannel.stop() }
        var fixture = Self.fixture(inquiry: "[inquiry]\nreplies_per_phone_per_day = 2\n")
        fixture.replace("fafang.toml", "max_segments = 3", with: """
            max_segments = 3
            gateway = "kannel"

            [gateways.kannel]
            kind = "kannel"
            url = "\(kannel.sendsmsURL)"
            username = "\(kannel.username)"
            password_file = "secrets/kannel-password"
            from = "95555"
            """)
        fixture.files["secrets/kannel-password"] = kannel.password + "\n"
        defer { fixture.remove() }
        let store = try SQLiteStore.inMemory()
        let log = CapturedLog()
        try await Self.run(fixture, store: store, log: log) { base, _ in
            try await offThePool { try kannel.start(moURL: base + "/inquiries/kannel?token=" + AdminTestRig.token) }
            try await offThePool { try kannel.sendMO(from: "17000000011", to: "95555", text: "查询") }
            let first = try #require(try await offThePool { try kannel.messages(to: "17000000011", count: 1) }.first)
            #expect(first.hasPrefix("【测试乡财政所】您好，您登记的资金情况："), "\(first)")
            #expect(first.contains("[户号*1]王*租地费（甲村）已发2,160.00元（2021年3月15日，尾号1111卡），已发清"), "\(first)")
            #expect(first.contains("[户号*2]王*租地费（甲村）已发0.00元，待发3,240.00元（2021年12月31日前）"), "\(first)")
            #expect(!first.contains("王一") && !first.contains("王二"), "names are masked")

            try await offThePool { try kannel.sendMO(from: "+8617000000099", to: "95555", text: "ｃｘ") }
            let neutral = try #require(try await offThePool { try kannel.messages(to: "17000000099", count: 1) }.first)
            #expect(neutral == "【测试乡财政所】您好，如需查询资金发放情况，请致电0315-0000000，或持本人证件到乡财政所咨询。")

            try await offThePool { try kannel.sendMO(from: "17000000011", to: "95555", text: "查 询") }
            #expect(try await offThePool { try kannel.messages(to: "17000000011", count: 2) }.count == 2)
            try await offThePool { try kannel.sendMO(from: "17000000011", to: "95555", text: "余额") }
            try await Self.eventually("the third query of the day to be audited as limited") {
                try await store.auditLog(limit: 20, before: nil).contains { $0.action == "inquiry_limited" && $0.subject == "170****0011" }
            }
            #expect(try await Self.inquiryReplies(store, to: "17000000011").count == 2, "no third reply is enqueued")
            let audit = try await store.auditLog(limit: 20, before: nil)
            #expect(audit.filter { $0.action == "inquiry_reply" }.count == 3)
            #expect(!audit.contains { $0.subject.contains("17000000011") || $0.detail.contains("17000000011") })
        }
        #expect(kannel.received(for: "17000000011").count == 2, "the limit held: \(kannel.received(for: "17000000011"))")
        #expect(!log.text.contains("17000000011") && !log.text.contains("17000000099"), "phones are masked in the logs")
        #expect(!log.text.contains(kannel.password))
    }

    @Test("Aliyun's SmsUp and Tencent's 短信回复 pushes, in their documented formats, are answered as each vendor expects")
    func cloudPushes() async throws {
        let sink = try LoopbackServer { _ in .text("ok") }
        defer { sink.stop() }
        var fixture = Self.fixture(inquiry: "[inquiry]\n")
        fixture.sendEverything(to: sink.baseURL)
        defer { fixture.remove() }
        let store = try SQLiteStore.inMemory()
        let log = CapturedLog()
        try await Self.run(fixture, store: store, log: log) { base, engine in
            func post(_ path: String, _ body: String) async throws -> (Int, String) {
                let response = try await engine.send(HTTPRequest(method: .post, url: base + path + "?token=" + AdminTestRig.token,
                                                                 headers: [HTTPHeader("Content-Type", "application/json")],
                                                                 body: Array(body.utf8))).result.get()
                return (response.status, String(decoding: response.body, as: UTF8.self))
            }
            // https://help.aliyun.com/zh/sms/developer-reference/smsup-http: the documented example,
            // with a registered phone for its masked one and 查询 for its "内容".
            let aliyun = """
                [{"phone_number" : "17000000011", "content" : "查询", "send_time" : "2017-09-01 00:00:00",
                  "dest_code" : "1234", "sequence_id" : "1234567890"}]
                """
            let (status, answer) = try await post("/inquiries/aliyun", aliyun)
            #expect(status == 200 && Self.json(answer) == ["code": 0, "msg": "接收成功"], "\(answer)")
            // Aliyun pushes again when unsure: the same sequence_id makes no second reply.
            #expect(try await post("/inquiries/aliyun", aliyun).0 == 200)
            // https://cloud.tencent.com/document/api/382/5809: the documented example, likewise.
            let tencent = """
                {"extend": "", "mobile": "17000000012", "nationcode": "86", "sign": "测试乡财政所", "text": "查询", "time": 1457336869}
                """
            let (tencentStatus, tencentAnswer) = try await post("/inquiries/tencent", tencent)
            #expect(tencentStatus == 200 && Self.json(tencentAnswer) == ["result": 0, "errmsg": "OK"], "\(tencentAnswer)")
            #expect(try await post("/inquiries/tencent", tencent).0 == 200)
            #expect(try await post("/inquiries/aliyun", #"{"not":"an array"}"#).0 == 400)
            try await Self.eventually("both replies to reach the SMS sink") {
                sink.requests.filter { $0.path == "/sms" }.count >= 2
            }
            #expect(try await Self.inquiryReplies(store, to: "17000000011").count == 1, "one reply to the Aliyun phone")
            #expect(try await Self.inquiryReplies(store, to: "17000000012").map(\.kind) == [.inquiryUnknown],
                    "…0012 has no payee now: the neutral reply")
            let texts = sink.requests.filter { $0.path == "/sms" }.map(\.bodyText)
            #expect(texts.contains { $0.contains("已发2,160.00元") }, "\(texts)")
            #expect(texts.contains { $0.contains("如需查询资金发放情况") }, "\(texts)")
        }
    }
}
