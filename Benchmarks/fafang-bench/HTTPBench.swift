import ArgumentParser
import Foundation

/// `fafang-bench http`: POSTs through CurlEngine against a local sink, next to wrk's figure.
struct HTTPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Send N POSTs through CurlEngine to a local sink and compare with wrk.",
        discussion: """
        The sink is nginx (`return 200`, keepalive_requests 10000000) when `nginx` is installed,
        else Fafang's loopback test server. Each round runs wrk (-t1 -cC -dSs) and then sends N
        POSTs through a fresh engine at concurrency C; the report gives medians over the rounds,
        so that a busy machine skews both figures alike. Exits 1 when any request failed.
        """)

    @Option(help: "POSTs to send through the engine.") var requests = 100_000
    @Option(help: "Transfers at once (engine) and connections (wrk).") var concurrency = 32
    @Option(help: "Bytes of request body per POST.") var bodyBytes = 64
    @Option(help: "Seconds wrk runs.") var seconds = 5
    @Option(help: "Rounds of wrk then engine; medians are reported.") var rounds = 3
    @Flag(help: "Use the loopback test server even when nginx is installed.") var loopback = false
    @Flag(inversion: .prefixedNo, help: "Run wrk for comparison (off: the engine alone, e.g. under a profiler).")
    var wrk = true

    func validate() throws {
        guard requests > 0, concurrency > 0, bodyBytes >= 0, seconds > 0, rounds > 0 else {
            throw ValidationError("--requests, --concurrency, --seconds and --rounds must be > 0, --body-bytes >= 0")
        }
    }

    func run() async throws {
        let sink = try BenchSink.start(preferNginx: !loopback)
        defer { sink.stop() }
        var wrkRuns: [WrkRun] = []
        var engineRuns: [EngineRun] = []
        for _ in 0..<rounds {
            wrkRuns.append(self.wrk
                ? try WrkRun.measure(url: sink.url, connections: concurrency, seconds: seconds, bodyBytes: bodyBytes)
                : WrkRun(requestsPerSecond: nil, command: "skipped (--no-wrk)"))
            engineRuns.append(try await EngineRun.measure(url: sink.url, requests: requests, concurrency: concurrency,
                                                          bodyBytes: bodyBytes))
        }
        let report = BenchReport(sink: sink.description, requests: requests, concurrency: concurrency,
                                 bodyBytes: bodyBytes, wrk: wrkRuns, engine: engineRuns, cpuIncludesSink: sink.inProcess)
        print(report.text)
        if engineRuns.contains(where: { $0.errors > 0 }) { throw ExitCode(1) }
    }
}
