import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Talks to systemd through `$NOTIFY_SOCKET` (sd_notify's protocol: one datagram per message,
/// `KEY=value` lines): READY=1, STATUS=…, WATCHDOG=1, RELOADING=1, STOPPING=1. Without the
/// variable (not under systemd) every call does nothing.
public struct SystemdNotifier: Sendable {
    /// The socket path (`@` first for the abstract namespace), nil when not under systemd.
    public let socketPath: String?
    /// Half the watchdog timeout systemd set (`WATCHDOG_USEC`), when it set one for this process.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        var interval: Duration?
        if let usec = environment["WATCHDOG_USEC"].flatMap(UInt64.init), usec > 0 {
            let pid = environment["WATCHDOG_PID"].flatMap(Int32.init)
            if pid == nil || pid == getpid() { interval = .microseconds(Int64(usec / 2)) }
        }
        watchdogInterval = path == nil ? nil : interval
    }

    public var isActive: Bool { socketPath != nil }

    /// Sends one message (several `KEY=value` lines); returns false when it could not be sent.
    @discardableResult
    public func notify(_ fields: [String: String]) -> Bool {
        notify(fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n"))
    }

    @discardableResult
    public func notify(_ message: String) -> Bool {
        guard let socketPath else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        let abstract = pathBytes.first == UInt8(ascii: "@")
        if abstract { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in pathBytes.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (abstract ? 0 : 1))
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, socketAddress, length) }
            }
        }
        return sent == bytes.count
    }

    public func ready(status: String) { notify(["READY": "1", "STATUS": status]) }
    public func status(_ text: String) { notify(["STATUS": text]) }
    public func watchdog() { notify("WATCHDOG=1") }
    public func stopping() { notify(["STOPPING": "1", "STATUS": "draining sends in flight"]) }

    /// RELOADING=1 with MONOTONIC_USEC, as systemd expects before a reload.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let usec = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        notify(["RELOADING": "1", "MONOTONIC_USEC": String(usec), "STATUS": "reloading the configuration"])
    }
}
