import Foundation

/// wrk's figure for the same sink: `wrk -t1 -cC -dSs`, POSTing the same body size via a Lua script.
struct WrkRun {
    /// Requests per second, nil when wrk is not installed.
    var requestsPerSecond: Double?
    var command: String

    static func measure(url: String, connections: Int, seconds: Int, bodyBytes: Int) throws -> WrkRun {
        guard let wrk = BenchSink.findExecutable("wrk") else {
            return WrkRun(requestsPerSecond: nil, command: "wrk not installed")
        }
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("fafang-bench-\(getpid()).lua")
        try """
            wrk.method = "POST"
            wrk.body = string.rep("x", \(bodyBytes))
            wrk.headers["Content-Type"] = "application/octet-stream"

            """.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let arguments = ["-t1", "-c\(connections)", "-d\(seconds)s", "-s", script.path, url]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let command = "wrk " + arguments.joined(separator: " ")
        guard process.terminationStatus == 0, let rate = parseRequestsPerSecond(text) else {
            throw BenchError("\(command) failed (status \(process.terminationStatus)):\n\(text)")
        }
        if let line = text.split(separator: "\n").first(where: { $0.contains("Non-2xx") }) {
            throw BenchError("wrk saw errors: \(line)")
        }
        return WrkRun(requestsPerSecond: rate, command: command)
    }

    /// The number on wrk's `Requests/sec:   115000.12` line.
    static func parseRequestsPerSecond(_ output: String) -> Double? {
        for line in output.split(separator: "\n") where line.hasPrefix("Requests/sec:") {
            return Double(line.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}
