import FafangCore
import FafangDelivery
import Foundation
import Synchronization

/// The engine's figure: N POSTs through one CurlEngine from C tasks, each sending its next
/// request as soon as the previous one is answered (as wrk's connections do).
struct EngineRun {
    var seconds: Double
    var requestsPerSecond: Double
    var userCPU: Double
    var systemCPU: Double
    var peakRSSMegabytes: Double
    var connectionsOpened: Int
    var errors: Int
    var firstError: String?

    static func measure(url: String, requests: Int, concurrency: Int, bodyBytes: Int) async throws -> EngineRun {
        let engine = try CurlEngine(settings: HTTPEngineSettings(
            maxConcurrentTransfers: concurrency, maxConnectionsPerHost: concurrency))
        let request = HTTPRequest(method: .post, url: url,
                                  headers: [HTTPHeader("Content-Type", "application/octet-stream")],
                                  body: [UInt8](repeating: UInt8(ascii: "x"), count: bodyBytes))
        let next = TicketCounter()
        let before = ResourceUsage.now()
        let clock = ContinuousClock()
        let start = clock.now
        let (errors, firstError) = await withTaskGroup(of: (Int, String?).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var errors = 0
                    var firstError: String?
                    while next.take() < requests {
                        let outcome = await engine.send(request)
                        if outcome.response?.status != 200 {
                            errors += 1
                            if firstError == nil {
                                firstError = outcome.error.map(String.init(describing:)) ?? "status \(outcome.response?.status ?? 0)"
                            }
                        }
                    }
                    return (errors, firstError)
                }
            }
            return await group.reduce(into: (0, String?.none)) { total, part in
                total.0 += part.0
                total.1 = total.1 ?? part.1
            }
        }
        let elapsed = clock.now - start
        let after = ResourceUsage.now()
        let connections = engine.statistics.connectionsOpened
        await engine.shutdown()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return EngineRun(seconds: seconds, requestsPerSecond: Double(requests) / seconds,
                         userCPU: after.user - before.user, systemCPU: after.system - before.system,
                         peakRSSMegabytes: after.maxRSSMegabytes, connectionsOpened: connections,
                         errors: errors, firstError: firstError)
    }
}

/// getrusage(RUSAGE_SELF): CPU seconds and peak resident set of this process.
struct ResourceUsage {
    var user: Double
    var system: Double
    var maxRSSMegabytes: Double

    static func now() -> ResourceUsage {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return ResourceUsage(user: seconds(usage.ru_utime), system: seconds(usage.ru_stime),
                             maxRSSMegabytes: Double(usage.ru_maxrss) / 1024)  // kilobytes on Linux
    }
}

/// Hands out 0, 1, 2, … to the sending tasks.
final class TicketCounter: Sendable {
    private let next = Atomic<Int>(0)

    func take() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}
