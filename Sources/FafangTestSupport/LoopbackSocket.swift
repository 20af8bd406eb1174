#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A POSIX call that failed while a loopback server started or a port was looked for.
public struct LoopbackServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The call, e.g. `bind(127.0.0.1:0)`.
    public var call: String
    public var errno: Int32

    public var description: String { "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// A TCP port on 127.0.0.1 that was free a moment ago: bound to port 0, read back, closed.
/// Nothing listens there, so connecting to it is refused (until something else takes it).
public func freePort() throws(LoopbackServerError) -> Int {
    let (fd, port) = try LoopbackSocket.listen(backlog: 1)
    close(fd)
    return port
}

/// The few socket calls the loopback server needs, in Swift.
enum LoopbackSocket {
    #if os(Linux)
    private static let streamType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    #else
    private static let streamType = SOCK_STREAM
    #endif

    /// A listening socket on 127.0.0.1:`port` (0: any free port) and the port it got.
    static func listen(port: UInt16 = 0, backlog: Int32 = 1_024) throws(LoopbackServerError) -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, streamType, 0)
        guard fd >= 0 else { throw LoopbackServerError(call: "socket", errno: errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw LoopbackServerError(call: "bind(127.0.0.1:\(port))", errno: code)
        }
        #if canImport(Glibc)
        let listening = Glibc.listen(fd, backlog)
        #else
        let listening = Darwin.listen(fd, backlog)
        #endif
        guard listening == 0 else {
            let code = errno
            close(fd)
            throw LoopbackServerError(call: "listen", errno: code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            let code = errno
            close(fd)
            throw LoopbackServerError(call: "getsockname", errno: code)
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// The next connection on `listener`, with TCP_NODELAY set (else ~40 ms per small response).
    static func accept(_ listener: Int32) -> Int32? {
        #if canImport(Glibc)
        let fd = Glibc.accept(listener, nil, nil)
        #else
        let fd = Darwin.accept(listener, nil, nil)
        #endif
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    /// A pipe whose read end becomes readable, for good, when the server stops.
    static func makeWakePipe() throws(LoopbackServerError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw LoopbackServerError(call: "pipe", errno: errno) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    enum Readiness { case ready, stopped, timedOut }

    /// Waits until `fd` is readable (or writable), the wake pipe fires, or `milliseconds` pass
    /// (-1: no limit). A hangup or error on `fd` counts as ready: the next call reports it.
    static func wait(for fd: Int32, writable: Bool = false, wake: Int32, milliseconds: Int32 = -1) -> Readiness {
        var fds = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        if fd >= 0 { fds.append(pollfd(fd: fd, events: Int16(writable ? POLLOUT : POLLIN), revents: 0)) }
        while true {
            let count = poll(&fds, nfds_t(fds.count), milliseconds)
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return .stopped }
            if fds[0].revents != 0 { return .stopped }
            if count == 0 { return .timedOut }
            return .ready
        }
    }

    /// Writes all of `bytes`, waiting while the socket is full; false when the peer is gone or
    /// the server stops.
    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, wake: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            if sent > 0 {
                offset += sent
            } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                guard wait(for: fd, writable: true, wake: wake) == .ready else { return false }
            } else {
                return false
            }
        }
        return true
    }
}
