import ArgumentParser
import FafangCore
import FafangStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `fafang-bench e2e`: messages per second from a committed ledger to a local sink through the
/// whole daemon (scheduler → outbox → dispatcher → libcurl, every attempt recorded), next to wrk
/// on the same sink in the same run; the daemon's CPU time and peak RSS.
struct EndToEndBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e",
        abstract: "End-to-end messages/s from a committed ledger to a local sink, next to wrk; CPU and peak RSS.",
        discussion: "Use a release build of fafang (`swift build -c release`): pass --fafang .build/release/fafang.")

    @Option(help: "Households paid (one SMS each).") var households = 20_000
    @Option(help: "The fafang binary (default: next to this one).") var fafang: String?
    @Option(help: "Templates folder.") var templates = "Templates"
    @Option(help: "Seconds wrk runs.") var seconds = 5
    @Option(help: "Sends in flight ([dispatch] concurrency) and wrk connections.") var concurrency = 32
    @Option(help: "Rows the dispatcher claims at a time ([dispatch] batch_size).") var batchSize = 500
    @Option(help: "Seconds to wait for everything to be sent.") var timeout = 600.0

    func run() async throws {
        let binary = fafang ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/fafang"
        let templatesPath = templates.hasPrefix("/") ? templates : FileManager.default.currentDirectoryPath + "/" + templates
        let sink = try BenchSink.start(preferNginx: true)
        defer { sink.stop() }
        let root = NSTemporaryDirectory() + "fafang-e2e-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try BenchConfig.write(root: root, households: households, sinkURL: sink.url, templates: templatesPath, concurrency: concurrency,
                              batchSize: batchSize)

        let importStart = Date()
        try BenchProcess.runToEnd(binary, ["ledger", "import", "--config", root, root + "/ledger.csv"])
        let importSeconds = Date().timeIntervalSince(importStart)

        let store = try SQLiteStore.open(directory: root + "/state")
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: binary)
        daemon.arguments = ["run", "--config", root, "--log-level", "warning", "--tick", "1"]
        daemon.standardError = FileHandle.nullDevice
        let started = Date()
        try daemon.run()
        var sent = 0
        var peakRSS = 0
        while Date().timeIntervalSince(started) < timeout {
            try await Task.sleep(for: .milliseconds(50))
            peakRSS = max(peakRSS, BenchProcess.residentKilobytes(daemon.processIdentifier))
            let counts = try await store.outboxCounts()
            sent = (counts[.sent] ?? 0) + (counts[.delivered] ?? 0)
            if sent >= households, (counts[.pending] ?? 0) + (counts[.sending] ?? 0) == 0 { break }
        }
        let elapsed = Date().timeIntervalSince(started)
        let cpu = BenchProcess.cpuSeconds(daemon.processIdentifier)
        peakRSS = max(peakRSS, BenchProcess.peakKilobytes(daemon.processIdentifier))
        daemon.terminate()
        daemon.waitUntilExit()
        let attempts = try await store.attemptCount()
        let timeline = try await store.timeline()
        let wrk = try WrkRun.measure(url: sink.url + "sms", connections: concurrency, seconds: seconds, bodyBytes: 0)
        // The HTTP engine alone on the same sink (no store, no templates, no scheduler): the
        // ceiling the daemon's sending can reach, for scale.
        let engine = try await EngineRun.measure(url: sink.url + "sms", requests: households, concurrency: concurrency, bodyBytes: 256)

        let rate = Double(sent) / elapsed
        print("fafang-bench e2e: \(households) households paid, one SMS each, through the generic HTTP SMS gateway")
        print("  sink: \(sink.description)")
        print(String(format: "  ledger import: %d payments in %.2f s", households, importSeconds))
        print(String(format: "  daemon: %d messages sent in %.2f s (from start, scheduler included) = %.0f messages/s", sent, elapsed, rate))
        print("  attempts recorded: \(attempts)")
        func at(_ date: Date?) -> String { date.map { String(format: "%.2f s", $0.timeIntervalSince(started)) } ?? "-" }
        print("  timeline from start: enqueued \(at(timeline.firstEnqueued)) – \(at(timeline.lastEnqueued)), "
            + "attempts started \(at(timeline.firstAttempt)) – \(at(timeline.lastAttempt))")
        print(String(format: "  daemon CPU: %.2f s (user+sys); peak RSS: %.1f MB", cpu, Double(peakRSS) / 1024))
        print(String(format: "  HTTP engine alone, same sink (%d POSTs of 256 bytes, no store): %.0f requests/s, %.1f µs CPU per request",
                     households, engine.requestsPerSecond, (engine.userCPU + engine.systemCPU) / Double(households) * 1e6))
        if let wrkRate = wrk.requestsPerSecond {
            print(String(format: "  wrk: %.0f requests/s (%@)", wrkRate, wrk.command))
            print(String(format: "  ratio daemon/wrk: %.3f (goal ≥ 0.3); engine alone/wrk: %.3f; daemon/engine alone: %.3f",
                         rate / wrkRate, engine.requestsPerSecond / wrkRate, rate / engine.requestsPerSecond))
        } else {
            print("  wrk: not installed")
        }
        if sent < households { throw ExitCode(1) }
    }
}

/// `fafang-bench idle`: the daemon's CPU use and RSS over a quiet minute with the bundled config.
struct IdleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idle",
        abstract: "CPU use and RSS of `fafang run` over an idle minute with the bundled configuration.")

    @Option(help: "The fafang binary (default: next to this one).") var fafang: String?
    @Option(help: "The configuration to copy.") var config = "Config"
    @Option(help: "Templates folder.") var templates = "Templates"
    @Option(help: "Seconds measured (after a 5 s settling).") var seconds = 60.0

    func run() async throws {
        let binary = fafang ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/fafang"
        let root = NSTemporaryDirectory() + "fafang-idle-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.copyItem(atPath: config, toPath: root)
        let templatesPath = templates.hasPrefix("/") ? templates : FileManager.default.currentDirectoryPath + "/" + templates
        var text = try String(contentsOfFile: root + "/fafang.toml", encoding: .utf8)
        text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("state_directory =") { return "state_directory = \"\(root)/state\"" }
            if line.hasPrefix("templates_directory =") { return "templates_directory = \"\(templatesPath)\"" }
            return String(line)
        }.joined(separator: "\n")
        try text.write(toFile: root + "/fafang.toml", atomically: true, encoding: .utf8)
        // 2 January 2021 on a real-time clock: nothing is due for weeks, so this is idle as a
        // township server is most of the year.
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: binary)
        daemon.arguments = ["run", "--config", root, "--clock-start", "2021-01-02T10:00:00+08:00", "--clock-rate", "1", "--log-level", "warning"]
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        try await Task.sleep(for: .seconds(5))
        let cpuBefore = BenchProcess.cpuSeconds(daemon.processIdentifier)
        let start = Date()
        try await Task.sleep(for: .seconds(seconds))
        let cpu = BenchProcess.cpuSeconds(daemon.processIdentifier) - cpuBefore
        let wall = Date().timeIntervalSince(start)
        let rss = BenchProcess.residentKilobytes(daemon.processIdentifier)
        let peak = BenchProcess.peakKilobytes(daemon.processIdentifier)
        daemon.terminate()
        daemon.waitUntilExit()
        print(String(format: "fafang-bench idle: %.0f s measured; CPU %.3f s = %.3f %% of one core (goal ≤ 0.1 %%); RSS %.1f MB, peak %.1f MB (goal ≤ 30 MB)",
                     wall, cpu, cpu / wall * 100, Double(rss) / 1024, Double(peak) / 1024))
    }
}

/// Child processes and what /proc says of them.
enum BenchProcess {
    static func runToEnd(_ binary: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("\(binary) \(arguments.joined(separator: " ")) failed") }
    }

    /// utime + stime of a process, in seconds (from /proc/PID/stat).
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func residentKilobytes(_ pid: Int32) -> Int { status(pid, "VmRSS:") }
    static func peakKilobytes(_ pid: Int32) -> Int { status(pid, "VmHWM:") }

    private static func status(_ pid: Int32, _ key: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            return Int(line.dropFirst(key.count).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "0") ?? 0
        }
        return 0
    }
}

/// The end-to-end benchmark's configuration: one land-rent project of N households of 1.00 亩
/// at 1000 元 for one year, the SMS gateway a generic HTTP one pointed at the sink.
enum BenchConfig {
    static func write(root: String, households: Int, sinkURL: String, templates: String, concurrency: Int, batchSize: Int) throws {
        var register = "id,name,village,phone,card_tail,area_mu,rate_yuan_per_mu,years\n"
        var ledger = "bank_reference,project_code,payee_id,amount_yuan,date\n"
        for index in 0..<households {
            register += "B\(index),王\(index % 100),甲村,170\(String(format: "%08d", index)),\(String(format: "%04d", index % 10_000)),1.00,,\n"
            ledger += "R\(index),BENCH,B\(index),1000.00,2021-06-01\n"
        }
        let budgetWan = Money.yuan(Int64(households) * 1000).wanString
        let files: [String: String] = [
            "fafang.toml": BenchFiles.settings(templates: templates, smsGateway: "sink", rest: """
            [dispatch]
            concurrency = \(concurrency)
            batch_size = \(batchSize)
            sms_per_phone_per_day = 100
            [delivery]
            max_concurrent_transfers = \(concurrency)
            max_connections_per_host = \(concurrency)
            [gateways.sink]
            kind = "http"
            url = "\(sinkURL)sms?to={phone}&id={id}"
            method = "POST"
            body = "{text}"
            body_format = "text"
            """),
            "villages.csv": "id,name\nV1,甲村\n",
            "households.csv": register,
            "ledger.csv": ledger,
            "projects/bench.toml": """
            code = "BENCH"
            name = "租地费"
            kind = "land_rent"
            year = 2099
            [budget]
            total_wan = "\(budgetWan)"
            fiscal_wan = "\(budgetWan)"
            other_wan = "0"
            [[plan]]
            deadline = 2099-12-31
            cumulative_percent = "100"
            [payees]
            register = "../households.csv"
            rate_yuan_per_mu = "1000"
            years = 1

            """,
        ]
        try BenchFiles.write(files, under: root)
    }
}
