import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process run for its wall time and its peak resident memory: spawned with
/// posix_spawn, reaped with wait4, whose `ru_maxrss` is the child's VmHWM (the kernel keeps it
/// after /proc/PID is gone). Standard output and error go to files.
struct BenchChild {
    /// What one run of a command measured.
    struct Measure {
        var seconds: Double
        /// Peak resident set size, kilobytes.
        var peakKilobytes: Int
        var status: Int32
        var cpuSeconds: Double
    }

    let pid: pid_t
    let started: ContinuousClock.Instant

    /// Starts `binary` with `arguments`; `environment` is added to this process's own.
    static func spawn(_ binary: String, _ arguments: [String], environment: [String: String] = [:],
                      stdout: String, stderr: String) throws -> BenchChild {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var pid: pid_t = 0
        let started = ContinuousClock.now
        let result = posix_spawn(&pid, binary, &actions, nil, argv, envp)
        guard result == 0 else { throw BenchError("cannot start \(binary): error \(result)") }
        return BenchChild(pid: pid, started: started)
    }

    /// Waits for the child to end.
    func wait() -> Measure {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let elapsed = ContinuousClock.now - started
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return Measure(seconds: elapsed.seconds, peakKilobytes: usage.ru_maxrss, status: exit, cpuSeconds: cpu)
    }

    /// Whether the process has ended (and waits to be reaped).
    static func isZombie(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
    }

    /// Runs a command to its end.
    static func run(_ binary: String, _ arguments: [String], stdout: String, stderr: String) throws -> Measure {
        try spawn(binary, arguments, stdout: stdout, stderr: stderr).wait()
    }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
