import FafangTestSupport
import Foundation

/// The HTTP server the benchmark sends to: its own nginx (temp prefix, config and pid file,
/// on a free port, stopped by its pid) or, without nginx, the loopback test server.
final class BenchSink {
    let url: String
    let description: String
    /// True when the sink runs inside this process (its CPU counts as the engine's).
    let inProcess: Bool
    private let stopAction: () -> Void
    private var stopped = false

    private init(url: String, description: String, inProcess: Bool, stop: @escaping () -> Void) {
        self.url = url
        self.description = description
        self.inProcess = inProcess
        self.stopAction = stop
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        stopAction()
    }

    static func start(preferNginx: Bool) throws -> BenchSink {
        if preferNginx, let nginx = findExecutable("nginx") { return try startNginx(nginx) }
        let server = try LoopbackServer(recordingRequests: false) { _ in .text("ok\n") }
        return BenchSink(url: server.baseURL + "/", description: "loopback test server (in process) on \(server.baseURL)",
                         inProcess: true, stop: { server.stop() })
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/sbin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func startNginx(_ executable: String) throws -> BenchSink {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("fafang-bench-nginx-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let dir = directory.path
        let port = try freePort()
        let config = """
            daemon off;
            master_process on;
            worker_processes 1;
            pid \(dir)/nginx.pid;
            error_log \(dir)/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path \(dir)/body;
                proxy_temp_path \(dir)/proxy;
                fastcgi_temp_path \(dir)/fastcgi;
                uwsgi_temp_path \(dir)/uwsgi;
                scgi_temp_path \(dir)/scgi;
                keepalive_requests 10000000;
                keepalive_timeout 120s;
                server {
                    listen 127.0.0.1:\(port);
                    location / { return 200 "ok\\n"; }
                }
            }

            """
        try config.write(toFile: "\(dir)/nginx.conf", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-p", dir + "/", "-c", "\(dir)/nginx.conf", "-e", "\(dir)/error.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let stop = {
            kill(pid, SIGTERM)
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: directory)
        }
        guard waitUntilListening(port: port, process: process) else {
            let log = (try? String(contentsOfFile: "\(dir)/error.log", encoding: .utf8)) ?? ""
            stop()
            throw BenchError("nginx did not start on 127.0.0.1:\(port): \(log)")
        }
        return BenchSink(url: "http://127.0.0.1:\(port)/", description: "nginx (pid \(pid), 1 worker, return 200) on 127.0.0.1:\(port)",
                         inProcess: false, stop: stop)
    }

    /// Tries to connect every 20 ms for up to 5 s (a start-up check, not test synchronisation).
    private static func waitUntilListening(port: Int, process: Process) -> Bool {
        for _ in 0..<250 {
            guard process.isRunning else { return false }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            close(fd)
            if connected == 0 { return true }
            usleep(20_000)
        }
        return false
    }
}

/// A benchmark step that could not run.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
