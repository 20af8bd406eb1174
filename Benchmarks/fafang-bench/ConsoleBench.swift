import ArgumentParser
import FafangCore
import FafangDelivery
import FafangStore
import FafangTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `fafang-bench console`: the console's pages and `/metrics` of a running `fafang run` on a
/// county-sized store — a register of N households, N payments in the ledger, N messages in the
/// outbox with an attempt each, a held batch — each page timed over repeated requests after a
/// first one (which builds the kept ledger view and is reported apart), next to the 200 ms target.
struct ConsoleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Times each console page and /metrics of fafang run on a generated store of N payees, N payments and N messages.",
        discussion: "Use release builds. The store is generated once into --directory (reused when it already holds one).")

    @Option(help: "Households in the register; as many payments and messages.") var households = 1_000_000
    @Option(help: "The fafang binary (default: next to this one).") var fafang: String?
    @Option(help: "Templates folder.") var templates = "Templates"
    @Option(help: "Keep the generated configuration and store in this folder.") var directory: String?
    @Option(help: "Requests per page after the first.") var repeats = 20

    static let targetMilliseconds = 200.0
    static let user = "bench"
    static let password = "bench-console-password"

    func run() async throws {
        let binary = fafang ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/fafang"
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw ValidationError("no fafang binary at \(binary)") }
        let templatesPath = templates.hasPrefix("/") ? templates : FileManager.default.currentDirectoryPath + "/" + templates
        let root = directory ?? NSTemporaryDirectory() + "fafang-console-" + UUID().uuidString.prefix(8)
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: root) } }
        let port = try freePort()
        if !FileManager.default.fileExists(atPath: root + "/state/fafang.sqlite") {
            let start = ContinuousClock.now
            try await ConsoleBenchStore.generate(root: root, households: households, templates: templatesPath, binary: binary)
            print(String(format: "generated %@ in %.0f s", root, (ContinuousClock.now - start).seconds))
        }
        try ConsoleBenchStore.listen(root: root, port: port)

        let log = root + "/console-bench-run.log"
        let daemon = try BenchChild.spawn(binary, ["run", "--config", root, "--clock-start", "2021-12-20T10:00:00+08:00", "--clock-rate", "1",
                                                   "--log-level", "warning"], stdout: log, stderr: log)
        defer {
            kill(daemon.pid, SIGTERM)
            _ = daemon.wait()
        }
        let engine = try CurlEngine()
        defer { Task { await engine.shutdown() } }
        let client = ConsoleClient(engine: engine, base: "http://127.0.0.1:\(port)")
        let readyStart = ContinuousClock.now
        try await client.waitUntilHealthy(timeout: 900)
        print(String(format: "fafang-bench console: %d households, %d payments, %d messages; fafang run answered /healthz after %.1f s",
                     households, households, households, (ContinuousClock.now - readyStart).seconds))
        try await client.login(user: Self.user, password: Self.password)

        let batch = try await client.firstBatchPath()
        let pages: [(String, String)] = [
            ("overview", "/console/"),
            ("project", "/console/projects/\(ScaleConfig.projectCode)"),
            ("project, unpaid page 5000", "/console/projects/\(ScaleConfig.projectCode)?offset=250000"),
            ("deliveries", "/console/deliveries"),
            ("deliveries by phone tail", "/console/deliveries?phone=0042"),
            ("deliveries by village", "/console/deliveries?village=\(percentEncode(ScaleConfig.villageName(7)))"),
            ("deliveries dead", "/console/deliveries?state=dead"),
            ("deliveries delivered", "/console/deliveries?state=delivered"),
            ("deliveries held, village", "/console/deliveries?state=held&village=\(percentEncode(ScaleConfig.villageName(0)))"),
            ("outbox", "/console/outbox"),
            ("batches", "/console/batches"),
            ("batch", batch ?? "/console/batches"),
            ("audit", "/console/audit"),
            ("public index", "/public/"),
            ("public report", "/public/report?project=\(ScaleConfig.projectCode)&village=\(percentEncode(ScaleConfig.villageName(3)))"),
            ("metrics", "/metrics"),
        ]
        print("\n  page                            first ms   median ms    p95 ms    max ms   target")
        var missed = false
        for (name, path) in pages {
            let first = try await client.timedGet(path)
            var times: [Double] = []
            for _ in 0..<repeats { times.append(try await client.timedGet(path)) }
            times.sort()
            let median = times[times.count / 2], p95 = times[min(times.count - 1, Int(Double(times.count) * 0.95))], worst = times.last ?? 0
            let met = worst <= Self.targetMilliseconds
            missed = missed || !met
            print("  " + name.padding(toLength: 30, withPad: " ", startingAt: 0)
                + String(format: "%9.1f %11.1f %9.1f %9.1f   %@", first, median, p95, worst, met ? "met" : "MISSED"))
        }
        print("\n  (first: the first request of each page; the overview's builds the kept ledger view from the store)")
        if missed { throw ExitCode(1) }
    }
}

/// A logged-in operator's requests: cookies kept, the CSRF token of the login form sent.
struct ConsoleClient {
    let engine: CurlEngine
    let base: String
    private let cookies = CookieJar()

    init(engine: CurlEngine, base: String) {
        self.engine = engine
        self.base = base
    }

    final class CookieJar: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String: String] = [:]
        func take(_ headers: [HTTPHeader]) {
            lock.withLock {
                for header in headers where header.name.lowercased() == "set-cookie" {
                    let pair = header.value.split(separator: ";", maxSplits: 1).first ?? ""
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2 { values[String(parts[0]).trimmingCharacters(in: .whitespaces)] = String(parts[1]) }
                }
            }
        }
        var header: String { lock.withLock { values.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") } }
    }

    func request(_ path: String, method: HTTPRequest.Method = .get, form: [(String, String)]? = nil) async throws -> HTTPResponse {
        var headers = [HTTPHeader("Cookie", cookies.header)]
        var body: [UInt8] = []
        if let form {
            headers.append(HTTPHeader("Content-Type", "application/x-www-form-urlencoded"))
            body = Array(form.map { "\($0.0)=\(percentEncode($0.1))" }.joined(separator: "&").utf8)
        }
        let outcome = await engine.send(HTTPRequest(method: method, url: base + path, headers: headers, body: body,
                                                    connectTimeoutMilliseconds: 2000, totalTimeoutMilliseconds: 120_000))
        let response = try outcome.result.get()
        cookies.take(response.headers)
        return response
    }

    /// Milliseconds for one GET, which must answer 200.
    func timedGet(_ path: String) async throws -> Double {
        let start = ContinuousClock.now
        let response = try await request(path)
        let elapsed = (ContinuousClock.now - start).seconds * 1000
        guard response.status == 200 else { throw ValidationError("GET \(path) answered \(response.status): \(response.bodyText.prefix(300))") }
        return elapsed
    }

    func waitUntilHealthy(timeout: Double) async throws {
        let start = ContinuousClock.now
        while (ContinuousClock.now - start).seconds < timeout {
            if let response = try? await request("/healthz"), response.status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ValidationError("fafang run did not answer /healthz within \(Int(timeout)) s")
    }

    func login(user: String, password: String) async throws {
        let page = try await request("/console/login")
        guard let token = Self.hidden("csrf", in: page.bodyText) else { throw ValidationError("the login page has no CSRF field") }
        let response = try await request("/console/login", method: .post, form: [("account", user), ("password", password), ("csrf", token)])
        guard response.status == 303 || response.status == 302 else {
            throw ValidationError("login answered \(response.status): \(response.bodyText.prefix(300))")
        }
    }

    /// The first batch's page, from the batches list.
    func firstBatchPath() async throws -> String? {
        let page = try await request("/console/batches").bodyText
        guard let range = page.range(of: #"/console/batches/[0-9]+"#, options: .regularExpression) else { return nil }
        return String(page[range])
    }

    static func hidden(_ name: String, in html: String) -> String? {
        guard let field = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[field.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}

func percentEncode(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? text
}

/// The console benchmark's store, written through the store's own API (the scheduler's event
/// keys, so `fafang run` finds every payment already notified), then settled in bulk SQL.
enum ConsoleBenchStore {
    static func generate(root: String, households: Int, templates: String, binary: String) async throws {
        _ = try ScaleConfig.write(root: root, households: households, ledgerRows: 0, templates: templates, gb18030: false)
        let settings = root + "/fafang.toml"
        try (try String(contentsOfFile: settings, encoding: .utf8) + "\n[console]\noperators = \"operators.toml\"\n")
            .write(toFile: settings, atomically: true, encoding: .utf8)
        try "# fafang-bench console\n".write(toFile: root + "/operators.toml", atomically: true, encoding: .utf8)
        try ConsoleBench.password.write(toFile: root + "/bench-password", atomically: true, encoding: .utf8)
        try run(binary, ["passwd", ConsoleBench.user, "--config", root, "--role", "approver", "--display-name", "测试", "--password-file",
                         root + "/bench-password", "--cost", "4"])

        let store = try SQLiteStore.open(directory: root + "/state")
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let now = CivilDate(iso: "2021-12-01")!.start(in: zone).addingTimeInterval(10 * 3600)
        let chunk = 50_000
        for start in stride(from: 0, to: households, by: chunk) {
            let range = start..<min(start + chunk, households)
            let entries = range.map { index -> LedgerEntry in
                let household = ScaleConfig.Household(index: index)
                let day = CivilDate(iso: "2021-03-01")!.adding(days: index % 270)
                return LedgerEntry(projectCode: ScaleConfig.projectCode, payeeID: household.id, amount: Money(fen: household.owedFen / 5),
                                   date: day, bankReference: "BK" + String(index).leftPadded(to: 8), recordedBy: index % 2 == 0 ? "api" : "zhangkj")
            }
            _ = try await store.recordLedger(entries, source: "fafang-bench", now: now) { _, _ in nil }
            var events: [DueEvent] = []
            var items: [OutboxItem] = []
            for (offset, entry) in entries.enumerated() {
                let household = ScaleConfig.Household(index: range.lowerBound + offset)
                // The scheduler's key of a payment notice (PaymentNotice.key).
                let key = "paid:\(entry.projectCode):\(entry.bankReference)"
                events.append(DueEvent(key: key, kind: .paymentRecorded, projectCode: entry.projectCode, audiences: [.payee(entry.payeeID)],
                                       facts: DueEvent.Facts()))
                let held = (range.lowerBound + offset) % 200 == 0
                items.append(OutboxItem(
                    idempotencyKey: IdempotencyKey.make(eventKey: key, channel: .sms, recipient: household.phone), eventKey: key,
                    kind: .paymentRecorded, projectCode: entry.projectCode, channel: .sms, gateway: "county", recipient: household.phone,
                    village: household.village, payeeID: household.id,
                    text: "【测试】\(household.name)户：县级租地费\(entry.amount.yuanString)元已于\(entry.date)发放至尾号\(household.cardTail)的账户。",
                    title: nil, notBefore: now, approval: held ? ApprovalHold(projectCode: entry.projectCode, day: CivilDate(iso: "2021-12-01")!) : nil,
                    amount: entry.amount, segments: 1, recordedBy: entry.recordedBy))
            }
            try await store.enqueue(EnqueueBatch(events: events, items: items), now: now)
        }
        // Settle the messages as a year of sending would have: most delivered, some sent, some dead.
        try await store.execute(sql: """
            INSERT INTO delivery_attempt (outbox_id, number, started_at, duration_ms, http_status, curl_code, verdict, detail)
                SELECT id, 1, created_at, 35, CASE WHEN id % 50 = 0 THEN 400 ELSE 200 END, 0,
                       CASE WHEN id % 50 = 0 THEN 'permanent' ELSE 'delivered' END, 'bench' FROM outbox WHERE state = 'pending';
            UPDATE outbox SET attempts = 1,
                state = CASE WHEN id % 50 = 0 THEN 'dead' WHEN id % 20 = 0 THEN 'sent' ELSE 'delivered' END,
                last_error = CASE WHEN id % 50 = 0 THEN 'refused by the gateway (bench)' END
                WHERE state = 'pending';
            INSERT INTO delivery_receipt (outbox_id, received_at, status, detail)
                SELECT id, updated_at, 'delivered', 'bench' FROM outbox WHERE state = 'delivered';
            """)
        for index in 0..<200 {
            try await store.recordAudit(AuditEntry(at: now.addingTimeInterval(Double(index)), actor: "zhangkj", action: "ledger_record",
                                                   subject: "bench-\(index).csv", detail: "bench"))
        }
    }

    /// Points `[admin] listen` at `port` (the generated configuration listens on port 0).
    static func listen(root: String, port: Int) throws {
        let settings = root + "/fafang.toml"
        let text = try String(contentsOfFile: settings, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("listen = ") ? "listen = \"127.0.0.1:\(port)\"" : String(line)
        }
        try lines.joined(separator: "\n").write(toFile: settings, atomically: true, encoding: .utf8)
    }

    static func run(_ binary: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("fafang \(arguments.first ?? "") failed with \(process.terminationStatus)") }
    }
}
