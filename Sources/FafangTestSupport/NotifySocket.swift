import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket standing in for systemd's notify socket (`NOTIFY_SOCKET`): records each
/// message with when it came. For tests of the daemon's sd_notify and for benchmarks timing READY=1.
public final class NotifySocket: Sendable {
    public let path: String
    private let fd: Int32
    private let messages = Mutex<[(at: ContinuousClock.Instant, text: String)]>([])

    public init() throws {
        path = NSTemporaryDirectory() + "notify-\(UUID().uuidString.prefix(8)).sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw CocoaError(.fileWriteUnknown) }
        // The reader thread ends when `close()` shuts the socket down.
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 { return }
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                self.messages.withLock { $0.append((ContinuousClock.now, text)) }
            }
        }
    }

    /// Every message so far, with when it arrived.
    public var all: [(at: ContinuousClock.Instant, text: String)] { messages.withLock { $0 } }

    /// Polls until `condition` holds on what arrived (the daemon offers nothing else to wait on),
    /// for at most `timeout`, and only while `alive()` (the process that should send is running).
    public func wait(timeout: Duration = .seconds(10), while alive: () -> Bool = { true }, _ condition: ([String]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, alive() {
            if condition(all.map(\.text)) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(all.map(\.text))
    }

    public func close() {
        shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
        unlink(path)
    }
}
