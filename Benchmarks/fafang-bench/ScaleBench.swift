import ArgumentParser
import FafangTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `fafang-bench scale`: a county-sized register through the commands that read it whole —
/// `fafang check`, `fafang plan`, `fafang ledger import` of a bank file, and `fafang run` up to
/// READY=1 (sd_notify, caught on a NOTIFY_SOCKET of our own) — each timed with its peak RSS,
/// next to the targets of issue 10. Several `--fafang` binaries run on the same files, one
/// after the other, for a before/after comparison in one run.
struct ScaleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "check, plan, run-to-READY and ledger import on a generated county-sized register: seconds and peak RSS next to the targets.",
        discussion: "Use release builds (`swift build -c release --static-swift-stdlib`). Peak RSS is the child's ru_maxrss (its VmHWM); for `run`, VmHWM when READY=1 arrives.")

    @Option(help: "Households in the land-rent register.") var households = 1_000_000
    @Option(help: "Rows of the bank batch result file (at most 2/5 of the households).") var ledgerRows = 200_000
    @Option(help: "A fafang binary; give it several times to compare them on the same files (the exit status is the first one's).") var fafang: [String] = []
    @Option(help: "Templates folder.") var templates = "Templates"
    @Flag(help: "Write the register and the bank file in GB18030 (as Chinese Excel saves CSV).") var gb18030 = false
    @Option(help: "Keep the generated configuration in this folder (created; reused if it already has one).") var directory: String?
    @Option(help: "Seconds to wait for READY=1.") var timeout = 600.0

    static let targetSeconds = 5.0
    static let targetMegabytes = 400.0
    static let importTargetSeconds = 10.0

    func run() async throws {
        guard ledgerRows * 5 <= households * 2 || households == 0 else {
            throw ValidationError("--ledger-rows must be at most 2/5 of --households (each payment is half of what one household is owed)")
        }
        let binaries = fafang.isEmpty ? [(CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/fafang"] : fafang
        let templatesPath = templates.hasPrefix("/") ? templates : FileManager.default.currentDirectoryPath + "/" + templates
        let root = directory ?? NSTemporaryDirectory() + "fafang-scale-" + UUID().uuidString.prefix(8)
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: root) } }
        let bankFile = root + "/bank-2021.csv"
        if !FileManager.default.fileExists(atPath: bankFile) {
            let start = ContinuousClock.now
            _ = try ScaleConfig.write(root: root, households: households, ledgerRows: ledgerRows, templates: templatesPath, gb18030: gb18030)
            print(String(format: "generated %@ in %.1f s", root, (ContinuousClock.now - start).seconds))
        }
        let registerBytes = (try? FileManager.default.attributesOfItem(atPath: root + "/payees/households.csv")[.size] as? Int) ?? 0
        print("fafang-bench scale: \(households) households (\(gb18030 ? "GB18030" : "UTF-8"), \(registerBytes / 1_048_576) MiB), "
            + "\(ledgerRows) bank rows; targets ≤ \(Int(Self.targetSeconds)) s and ≤ \(Int(Self.targetMegabytes)) MB, import ≤ \(Int(Self.importTargetSeconds)) s")
        var met: [Bool] = []
        for binary in binaries {
            guard FileManager.default.isExecutableFile(atPath: binary) else { throw ValidationError("no fafang binary at \(binary)") }
            met.append(try await measure(binary, root: root, bankFile: bankFile))
        }
        if met.first == false { throw ExitCode(1) }
    }

    /// Measures one binary; false when a command failed or missed a target.
    private func measure(_ binary: String, root: String, bankFile: String) async throws -> Bool {
        var failed = false
        print("\n  \(binary)")
        print("  " + "command".padding(toLength: 16, withPad: " ", startingAt: 0) + "seconds  target   peak RSS    target     CPU s")
        let log = root + "/bench-" + (binary as NSString).lastPathComponent
        let check = try BenchChild.run(binary, ["check", "--config", root], stdout: log + "-check.out", stderr: log + "-check.err")
        failed = !report("check", check, seconds: Self.targetSeconds, megabytes: Self.targetMegabytes) || failed
        let plan = try BenchChild.run(binary, ["plan", "--config", root, "--at", "2021-06-20"], stdout: log + "-plan.out", stderr: log + "-plan.err")
        failed = !report("plan", plan, seconds: Self.targetSeconds, megabytes: Self.targetMegabytes) || failed
        try? FileManager.default.removeItem(atPath: root + "/state")
        let ledger = try BenchChild.run(binary, ["ledger", "import", "--config", root, bankFile], stdout: log + "-import.out", stderr: log + "-import.err")
        failed = !report("ledger import", ledger, seconds: Self.importTargetSeconds, megabytes: nil) || failed
        let (ready, whole) = try await runToReady(binary, root: root, log: log)
        failed = !report("run to READY", ready, seconds: Self.targetSeconds, megabytes: Self.targetMegabytes) || failed
        if let whole {
            print(String(format: "  %@%.0f MB peak until it stopped on SIGTERM (first scheduler tick included), exit %d",
                         "".padding(toLength: 16, withPad: " ", startingAt: 0), Double(whole.peakKilobytes) / 1024, whole.status))
        }
        for (name, file) in [("check", "-check.out"), ("import", "-import.out")] {
            if let summary = try? String(contentsOfFile: log + file, encoding: .utf8).split(separator: "\n").last {
                print("  \(name) said: \(summary)")
            }
        }
        return !failed
    }

    /// Prints one line; false when the command failed or missed a target.
    private func report(_ name: String, _ measure: BenchChild.Measure?, seconds: Double, megabytes: Double?) -> Bool {
        let label = "  " + name.padding(toLength: 16, withPad: " ", startingAt: 0)
        guard let measure, measure.status == 0 else {
            print(label + "failed (exit \(measure.map { "\($0.status)" } ?? "before READY"))")
            return false
        }
        let mb = Double(measure.peakKilobytes) / 1024
        let timeOK = measure.seconds <= seconds
        let memoryOK = megabytes.map { mb <= $0 } ?? true
        print(label + String(format: "%7.2f  ≤ %2.0f s  %7.0f MB  %@  %7.2f  %@", measure.seconds, seconds, mb,
                             megabytes.map { String(format: "≤ %3.0f MB", $0) } ?? "         ", measure.cpuSeconds,
                             timeOK && memoryOK ? "met" : "MISSED"))
        return timeOK && memoryOK
    }

    /// `fafang run` until READY=1: the time and VmHWM then; and the peak over the whole run.
    private func runToReady(_ binary: String, root: String, log: String) async throws -> (BenchChild.Measure?, BenchChild.Measure?) {
        let socket = try NotifySocket()
        defer { socket.close() }
        let child = try BenchChild.spawn(binary, ["run", "--config", root, "--log-level", "warning"], environment: ["NOTIFY_SOCKET": socket.path],
                                         stdout: log + "-run.out", stderr: log + "-run.err")
        let isReady = { (messages: [String]) in messages.contains { $0.contains("READY=1") } }
        var ready: BenchChild.Measure?
        if await socket.wait(timeout: .seconds(Int64(timeout)), while: { !BenchChild.isZombie(child.pid) }, isReady),
           let readyAt = socket.all.first(where: { isReady([$0.text]) })?.at {
            ready = BenchChild.Measure(seconds: (readyAt - child.started).seconds, peakKilobytes: BenchProcess.peakKilobytes(child.pid),
                                       status: 0, cpuSeconds: BenchProcess.cpuSeconds(child.pid))
        }
        kill(child.pid, SIGTERM)
        return (ready, child.wait())
    }
}
