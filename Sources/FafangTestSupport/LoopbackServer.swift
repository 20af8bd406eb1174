import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A scriptable HTTP/1.1 server on 127.0.0.1 for tests and benchmarks: a handler decides, per
/// request, to answer (now or later), hold the connection, close it, or send a huge body.
///
/// It listens on a port of its own choosing (`port`), keeps connections alive, reads
/// `Content-Length` and chunked bodies, records what it receives, and counts connections.
/// One thread accepts, one thread serves each connection. `stop()` closes the listener and every
/// connection and joins those threads; call it in a `defer` (the threads hold the server, so
/// it is not stopped by going out of scope).
///
/// Thread-safe: the record, the counters and the waiters are in `state`, a `Mutex`.
public final class LoopbackServer: Sendable {
    public typealias Handler = @Sendable (LoopbackRequest) -> LoopbackReply

    struct Waiter {
        var id: Int
        var condition: @Sendable (LoopbackServerStatistics) -> Bool
        var continuation: CheckedContinuation<Bool, Never>
    }

    struct State {
        var requests: [LoopbackRequest] = []
        var statistics = LoopbackServerStatistics(requests: 0, connectionsAccepted: 0, openConnections: 0,
                                                   peakOpenConnections: 0)
        var stopped = false
        var waiters: [Waiter] = []
        var nextWaiter = 0

        /// Removes and returns the waiters whose condition now holds.
        mutating func satisfiedWaiters() -> [Waiter] {
            guard !waiters.isEmpty else { return [] }
            let statistics = self.statistics
            let ready = waiters.filter { $0.condition(statistics) }
            if !ready.isEmpty { waiters.removeAll { waiter in ready.contains { $0.id == waiter.id } } }
            return ready
        }
    }

    /// The port on 127.0.0.1 the server listens on.
    public let port: Int
    let listener: Int32
    let wake: (read: Int32, write: Int32)
    let handler: Handler
    let recordsRequests: Bool
    let state = Mutex(State())
    /// Every thread the server started (acceptor and connections); `stop()` waits for them.
    let threads = DispatchGroup()

    /// Starts listening on 127.0.0.1, on a free port unless `port` names one. With
    /// `recordingRequests` false (benchmarks), requests are counted but not kept.
    public init(port: Int = 0, recordingRequests: Bool = true,
                handler: @escaping Handler) throws(LoopbackServerError) {
        let (listener, bound) = try LoopbackSocket.listen(port: UInt16(clamping: port))
        let wake: (read: Int32, write: Int32)
        do {
            wake = try LoopbackSocket.makeWakePipe()
        } catch {
            close(listener)
            throw error
        }
        self.port = bound
        self.listener = listener
        self.wake = wake
        self.handler = handler
        self.recordsRequests = recordingRequests
        threads.enter()
        let acceptor = Thread { [self] in
            Thread.current.name = "loopback-accept"
            acceptLoop()
            threads.leave()
        }
        acceptor.start()
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Closes the listener and every connection, answers pending waits with false, and returns
    /// when every server thread has ended. Safe to call more than once.
    public func stop() {
        let (first, waiters) = state.withLock { state in
            let first = !state.stopped
            state.stopped = true
            let waiters = state.waiters
            state.waiters = []
            return (first, waiters)
        }
        for waiter in waiters { waiter.continuation.resume(returning: false) }
        guard first else {
            threads.wait()
            return
        }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)  // never read: the pipe stays readable, every poll sees it
        threads.wait()
        close(listener)
        close(wake.read)
        close(wake.write)
    }

    /// Requests received so far, in arrival order (empty when not recording).
    public var requests: [LoopbackRequest] { state.withLock { $0.requests } }

    /// Counters read together.
    public var statistics: LoopbackServerStatistics { state.withLock { $0.statistics } }

    /// Connections accepted since the server started.
    public var connectionsAccepted: Int { statistics.connectionsAccepted }

    /// Returns true once at least `count` requests have arrived; false after `timeout` or a stop.
    public func waitForRequests(_ count: Int, timeout: Duration = .seconds(10)) async -> Bool {
        await waitUntil(timeout: timeout) { $0.requests >= count }
    }

    /// Returns true once `condition` holds for the server's counters (checked whenever a request
    /// arrives or a connection opens or closes); false after `timeout` or a stop.
    public func waitUntil(timeout: Duration = .seconds(10),
                          _ condition: @escaping @Sendable (LoopbackServerStatistics) -> Bool) async -> Bool {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        // The timer only bounds a failing test; the answer normally comes from the server's threads.
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.expireWaiter(id)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let immediate = state.withLock { state -> Bool? in
                if state.stopped { return false }
                if condition(state.statistics) { return true }
                state.waiters.append(Waiter(id: id, condition: condition, continuation: continuation))
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    private func expireWaiter(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: false)
    }

    /// Applies `change` to the state and wakes the waiters it satisfied.
    func update(_ change: (inout State) -> Void) {
        let ready = state.withLock { state -> [Waiter] in
            change(&state)
            return state.satisfiedWaiters()
        }
        for waiter in ready { waiter.continuation.resume(returning: true) }
    }

    private func acceptLoop() {
        while LoopbackSocket.wait(for: listener, wake: wake.read) == .ready {
            guard let fd = LoopbackSocket.accept(listener) else { continue }
            var accepted = 0
            update { state in
                state.statistics.connectionsAccepted += 1
                state.statistics.openConnections += 1
                state.statistics.peakOpenConnections = max(state.statistics.peakOpenConnections,
                                                           state.statistics.openConnections)
                accepted = state.statistics.connectionsAccepted
            }
            let number = accepted
            threads.enter()
            let connection = Thread { [self] in
                Thread.current.name = "loopback-\(number)"
                serve(fd, connection: number)
                close(fd)
                update { $0.statistics.openConnections -= 1 }
                threads.leave()
            }
            connection.start()
        }
    }
}
