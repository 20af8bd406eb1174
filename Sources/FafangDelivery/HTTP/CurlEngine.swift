import FafangCore
import Foundation

/// The HTTP engine every message leaves through: libcurl's multi interface driven by one
/// dedicated thread, many transfers at once over reused connections, behind an async `send`.
///
/// - At most `maxConcurrentTransfers` transfers run at once; the rest wait in a queue, their
///   timeouts not yet started. `maxConnectionsPerHost` caps connections to one host.
/// - TLS verification is always on, redirects are never followed, only http and https are
///   spoken, and a proxy is used only when the settings name one (environment proxies are ignored).
/// - A response body is kept up to `maxResponseBytes`; past that the transfer is stopped and
///   the response returned with `bodyTruncated`.
/// - Cancelling the calling task removes its transfer; `send` then returns `.cancelled` at once.
/// - `shutdown` answers everything still held; a `send` after it returns `.misuse`.
public final class CurlEngine: HTTPTransport, Sendable {
    /// Counters since the engine started.
    public struct Statistics: Sendable, Hashable {
        /// Transfers that ran to an end in libcurl (success or failure; not cancelled ones).
        public var transfersCompleted: Int
        /// New connections libcurl opened (`CURLINFO_NUM_CONNECTS`, summed): fewer than
        /// `transfersCompleted` when connections were reused.
        public var connectionsOpened: Int
    }

    public let settings: HTTPEngineSettings
    private let mailbox: CurlEngineMailbox

    /// Starts the engine thread. Throws when a setting is out of range or libcurl cannot start.
    public init(settings: HTTPEngineSettings = HTTPEngineSettings()) throws(TransportError) {
        try Self.validate(settings)
        let multi = try CurlMultiHandle(settings: settings)
        let mailbox = CurlEngineMailbox(multi: multi)
        let loop = CurlMultiLoop(multi: multi, mailbox: mailbox, settings: settings)
        self.settings = settings
        self.mailbox = mailbox
        let thread = Thread {
            Thread.current.name = "fafang-curl"  // set from inside: corelibs names the pthread only then
            loop.run()
        }
        thread.start()
    }

    /// Without an explicit `shutdown`, running transfers are aborted and the thread exits on its
    /// own (nobody can be waiting: a pending `send` keeps the engine alive).
    deinit {
        mailbox.requestStop(.aborting)
    }

    /// Sends `request` and returns its response or the reason there is none. Never throws:
    /// every failure, cancellation included, is in the outcome.
    ///
    /// Timeouts of 0 or less in the request mean the engine's defaults from the settings.
    public func send(_ request: HTTPRequest) async -> HTTPOutcome {
        let mailbox = self.mailbox
        let id = mailbox.makeID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<HTTPOutcome, Never>) in
                mailbox.enqueue(CurlJob(id: id, request: request, continuation: continuation))
            }
        } onCancel: {
            mailbox.cancel(id)
        }
    }

    /// Stops the engine and returns when its thread has exited. By then every accepted request
    /// has its outcome: delivered, or on its way to its caller from the cooperative pool.
    ///
    /// New sends are refused at once. Transfers already accepted (running or queued) may finish
    /// within `gracePeriod`; whatever is left then is aborted and answered `.cancelled`.
    /// Calling it again, or concurrently, waits for the same end.
    public func shutdown(gracePeriod: Duration = .zero) async {
        if gracePeriod > .zero {
            mailbox.requestStop(.draining(deadline: ContinuousClock.now.advanced(by: gracePeriod)))
        } else {
            mailbox.requestStop(.aborting)
        }
        await mailbox.waitUntilStopped()
    }

    /// Counters since the engine started.
    public var statistics: Statistics {
        Statistics(transfersCompleted: mailbox.transfersCompleted.load(ordering: .relaxed),
                   connectionsOpened: mailbox.connectionsOpened.load(ordering: .relaxed))
    }

    private static func validate(_ settings: HTTPEngineSettings) throws(TransportError) {
        func check(_ ok: Bool, _ field: String, _ value: Int) throws(TransportError) {
            guard ok else {
                throw TransportError(kind: .misuse, code: 0, call: "CurlEngine.init",
                                     message: "HTTPEngineSettings.\(field) must be > 0 (got \(value))")
            }
        }
        try check(settings.maxConcurrentTransfers > 0, "maxConcurrentTransfers", settings.maxConcurrentTransfers)
        try check(settings.maxConnectionsPerHost > 0, "maxConnectionsPerHost", settings.maxConnectionsPerHost)
        try check(settings.maxResponseBytes >= 0, "maxResponseBytes", settings.maxResponseBytes)
        try check(settings.connectTimeoutMilliseconds > 0, "connectTimeoutMilliseconds", settings.connectTimeoutMilliseconds)
        try check(settings.totalTimeoutMilliseconds > 0, "totalTimeoutMilliseconds", settings.totalTimeoutMilliseconds)
    }
}
