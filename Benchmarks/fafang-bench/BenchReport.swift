import Foundation

/// The one block `fafang-bench http` prints: medians over the rounds, then each round's figures.
struct BenchReport {
    var sink: String
    var requests: Int
    var concurrency: Int
    var bodyBytes: Int
    var wrk: [WrkRun]
    var engine: [EngineRun]
    var cpuIncludesSink: Bool

    var text: String {
        let engineRate = median(engine.map(\.requestsPerSecond))
        let wrkRates = wrk.compactMap(\.requestsPerSecond)
        let wrkRate = wrkRates.isEmpty ? nil : median(wrkRates)
        let cpu = median(engine.map { $0.userCPU + $0.systemCPU })
        let user = median(engine.map(\.userCPU))
        let system = median(engine.map(\.systemCPU))
        let errors = engine.map(\.errors).reduce(0, +)
        var lines = [
            "fafang-bench http (\(engine.count) round\(engine.count == 1 ? "" : "s"), medians)",
            "  sink          \(sink)",
            "  workload      \(requests) POSTs per round, \(bodyBytes)-byte body, concurrency \(concurrency)",
            "  engine        \(fixed(engineRate)) req/s",
            "  wrk           \(wrkRate.map { fixed($0) + " req/s" } ?? "n/a") (\(wrk.first?.command ?? "n/a"))",
            "  ratio         \(wrkRate.map { fixed(engineRate / $0, 2) } ?? "n/a") (engine / wrk)",
            "  engine CPU    \(fixed(cpu, 2)) s per round (user \(fixed(user, 2)), sys \(fixed(system, 2))), "
                + "\(fixed(cpu / Double(requests) * 1e6, 1)) µs per request"
                + (cpuIncludesSink ? " — includes the in-process sink" : ""),
            "  peak RSS      \(fixed(engine.map(\.peakRSSMegabytes).max() ?? 0, 1)) MB",
            "  connections   \(engine.map { String($0.connectionsOpened) }.joined(separator: ", ")) (opened by the engine, per round)",
            "  errors        \(errors)",
        ]
        for (index, run) in engine.enumerated() {
            let wrkText = index < wrk.count ? wrk[index].requestsPerSecond.map { fixed($0) } ?? "n/a" : "n/a"
            let ratio = index < wrk.count ? wrk[index].requestsPerSecond.map { fixed(run.requestsPerSecond / $0, 2) } ?? "n/a" : "n/a"
            lines.append("  round \(index + 1)       engine \(fixed(run.requestsPerSecond)), wrk \(wrkText), ratio \(ratio)")
        }
        if let first = engine.compactMap(\.firstError).first { lines.append("  first error   \(first)") }
        return lines.joined(separator: "\n")
    }

    private func fixed(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
