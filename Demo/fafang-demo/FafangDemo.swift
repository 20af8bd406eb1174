import ArgumentParser
import FafangCore
import FafangStore
import FafangTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `fafang-demo`: rehearses the township's budget year in minutes. The bundled configuration,
/// a local sink on 127.0.0.1 standing in for the Kannel SMS gateway and the village robots, a
/// ledger replaying the year's payments, `fafang run` on a virtual clock from 2021-01-01, and a
/// summary of what was sent to whom.
@main
struct FafangDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fafang-demo",
        abstract: "Rehearse the 2021 budget year of the bundled configuration against a local sink, and summarise.")

    @Option(help: "The fafang binary (default: next to this one).") var fafang: String?
    @Option(help: "The configuration to copy.") var config = "Config"
    @Option(help: "The ledger replayed through the year.") var ledger = "Config/demo/ledger-2021.csv"
    @Option(help: "The Templates folder.") var templates = "Templates"
    @Option(help: "Virtual seconds per real second (172800: a day in half a second).") var rate = 172_800.0
    @Option(help: "Virtual start (ISO 8601).") var start = "2021-01-01T08:00:00+08:00"
    @Option(help: "Virtual end (ISO 8601): a week into the next year, for the last reminders.") var end = "2022-01-08T08:00:00+08:00"
    @Option(help: "Percent of requests the sink answers with 503, each drawn independently (a flaky network).") var failPercent = 0
    @Flag(help: "Keep the work folder (state, logs) and print its path.") var keep = false

    func run() async throws {
        let binary = fafang ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/fafang"
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw ValidationError("no fafang binary at \(binary)") }
        guard let startDate = ISO8601DateFormatter().date(from: start), let endDate = ISO8601DateFormatter().date(from: end) else {
            throw ValidationError("--start and --end must be ISO 8601 with a zone")
        }
        let work = NSTemporaryDirectory() + "fafang-demo-" + UUID().uuidString.prefix(8)
        defer { if !keep { try? FileManager.default.removeItem(atPath: work) } }

        let sink = try DemoSink(failPercent: failPercent)
        let server = try LoopbackServer(recordingRequests: false) { sink.handle($0) }
        defer { server.stop() }
        try DemoWorkspace.prepare(work: work, config: config, templates: absolute(templates), sinkURL: server.baseURL,
                                  adminPort: try freePort())
        print("Fafang year-long demo: \(start) → \(end) at \(Int(rate))× (one day per \(String(format: "%.2f", 86_400 / rate)) s)")
        print("  sink \(server.baseURL) stands in for Kannel (SMS) and the village robots; work folder \(work)")

        try runFafang(binary, ["ledger", "import", "--config", work + "/config", absolute(ledger)])
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: binary)
        daemon.arguments = ["run", "--config", work + "/config", "--clock-start", start, "--clock-rate", String(rate),
                            "--tick", "3600", "--log-level", "notice"]
        _ = FileManager.default.createFile(atPath: work + "/fafang.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: work + "/fafang.log"))
        daemon.standardError = log
        daemon.standardOutput = log
        print("  payment SMS wait for an approver ([approval] of the bundled configuration); the demo approves each batch as it opens")
        let began = Date()
        try daemon.run()
        let store = try SQLiteStore.open(directory: work + "/state")
        var approver = DemoApprover(store: store)
        func virtualNow() -> Date { startDate.addingTimeInterval(Date().timeIntervalSince(began) * rate) }
        let realSeconds = endDate.timeIntervalSince(startDate) / rate
        var month = 0
        while Date().timeIntervalSince(began) < realSeconds, daemon.isRunning {
            try await Task.sleep(for: .milliseconds(250))
            try await approver.approveOpenBatches(now: virtualNow())
            let virtual = virtualNow()
            let current = Calendar(identifier: .gregorian).component(.month, from: virtual)
            if current != month {
                month = current
                let counts = sink.counts
                print(String(format: "  %@  SMS %4d  robot/webhook %4d", DemoSummary.day(virtual), counts.sms, counts.webhook))
            }
        }
        guard daemon.isRunning else {
            print("fafang run stopped early; its log: \(work)/fafang.log")
            throw ExitCode(1)
        }
        // The last batches approved and sent, their delivery reports on their way: give them a
        // moment (at most 10 s).
        let settle = Date()
        while Date().timeIntervalSince(settle) < 10 {
            try await approver.approveOpenBatches(now: virtualNow())
            let counts = try await store.outboxCounts()
            if [MessageState.held, .pending, .sending, .sent].allSatisfy({ (counts[$0] ?? 0) == 0 }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        daemon.terminate()
        daemon.waitUntilExit()
        await sink.stop()
        try log.close()
        let ok = try await DemoSummary.print(store: store, sink: sink, approval: approver.summary)
        if keep { print("work folder kept: \(work)") }
        if !ok { throw ExitCode(1) }
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    private func runFafang(_ binary: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ExitCode(process.terminationStatus) }
    }
}
