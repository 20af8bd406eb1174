import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster for tests and benchmarks: `initdb` into a temporary folder,
/// started with `pg_ctl` on a free loopback port (and a socket in that folder), trust
/// authentication for the `fafang` role, durability off (nothing here must survive the run);
/// stopped and removed by `stop()`. As root (CI), the server runs as the `postgres` system user
/// (PostgreSQL refuses to run as root), through `runuser`.
public final class PostgresHarness: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let port: Int
    public let root: String
    public let user = "fafang"
    private let bin: String
    private var running = false

    /// The `bin` folder of the newest installed PostgreSQL (Debian: /usr/lib/postgresql/N/bin).
    public static func binaries() -> String? {
        let base = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        return versions.compactMap(Int.init).sorted().last.map { "\(base)/\($0)/bin" }
            .flatMap { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") ? $0 : nil }
    }

    /// Creates and starts the cluster; throws when PostgreSQL is not installed or does not start.
    /// `extraOptions` are more server options (`-c name=value …`), e.g. for a benchmark's profile.
    public init(extraOptions: String = "") throws {
        guard let bin = Self.binaries() else { throw Failure(description: "PostgreSQL is not installed (make setup installs postgresql)") }
        self.bin = bin
        root = NSTemporaryDirectory() + "fafang-pg-" + UUID().uuidString.prefix(8)
        port = try freePort()
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        if getuid() == 0 { try run("/bin/chown", ["postgres:postgres", root]) }
        try server(bin + "/initdb", ["-D", root + "/data", "-U", user, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        try server(bin + "/pg_ctl", ["start", "-w", "-t", "60", "-D", root + "/data", "-l", root + "/server.log", "-o",
                                     "-p \(port) -k \(root) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
                                     + (extraOptions.isEmpty ? "" : " " + extraOptions)])
        running = true
    }

    deinit { stop() }

    /// `postgresql://fafang@127.0.0.1:PORT/DATABASE`.
    public func url(database: String = "postgres") -> String { "postgresql://\(user)@127.0.0.1:\(port)/\(database)" }

    /// Creates a database (each test its own).
    public func createDatabase(_ name: String) throws {
        try server(bin + "/createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", user, name])
    }

    /// Runs one SQL statement through psql; returns its unaligned output.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try server(bin + "/psql", ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
    }

    /// Stops the server (fast shutdown, waiting for it) and removes the folder.
    public func stop() {
        if running {
            running = false
            _ = try? server(bin + "/pg_ctl", ["stop", "-w", "-m", "fast", "-D", root + "/data"])
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The server's log, for a failing test's message.
    public var log: String { (try? String(contentsOfFile: root + "/server.log", encoding: .utf8)) ?? "" }

    /// Runs a PostgreSQL program as the user the server runs as.
    @discardableResult
    private func server(_ program: String, _ arguments: [String]) throws -> String {
        if getuid() == 0 { return try run("/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments) }
        return try run(program, arguments)
    }

    /// Runs `program` to its end (posix_spawn and waitpid: Foundation's Process may miss the end
    /// of a child whose own child, the server, lives on), its output to a file, not a pipe (the
    /// server pg_ctl starts inherits it and would never close it).
    @discardableResult
    private func run(_ program: String, _ arguments: [String]) throws -> String {
        let outputPath = root + "/command-\(UUID().uuidString.prefix(8)).out"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure(description: "cannot start \(program): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7F == 0
        let code = (status >> 8) & 0xFF
        guard exited, code == 0 else {
            throw Failure(description: "\((program as NSString).lastPathComponent) \(arguments.first ?? "") failed (status \(status)): \(text)")
        }
        return text
    }
}
