import Foundation
import Synchronization

/// A loopback stand-in for the cloud SMS vendors, on 127.0.0.1: answers Aliyun `SendSms` (signed
/// GET) and `SendBatchSms` (signed GET or POST form) and Tencent `SendSms` (JSON POST with
/// `X-TC-Action`) as the vendors document, records each request parsed (numbers, template,
/// parameters per number), and can be told to fail numbers or whole requests.
///
/// ```swift
/// let sink = try CloudSMSSink()
/// defer { sink.stop() }
/// sink.failNumber("17000000002", code: "LimitExceeded.PhoneNumberThirtySecondLimit")
/// // point the gateway's endpoint at sink.endpoint, send…
/// #expect(sink.requests.first?.recipients.map(\.phone) == ["17000000001", "17000000002"])
/// ```
///
/// - Aliyun answers for the whole request (as Aliyun does): `Code` OK with one `BizId`
///   (`<n>^0`), or the code of the first failing number, or the scripted request failure.
/// - Tencent answers one `SendStatusSet` row per number, in the *reverse* of the request's order
///   (Tencent does not keep it either, see its documented example), each `Ok` with a SerialNo of
///   its own (`5000:<n>`) or its scripted code; or `Response.Error` for a request failure.
/// - Signatures are checked when a verifier is given (this target has no HMAC; tests pass one
///   built on the production signer); a bad one gets the vendor's signature error.
///
/// Thread-safe: the record and the script are in a `Mutex`.
public final class CloudSMSSink: Sendable {
    /// Which vendor's API a request spoke.
    public enum Vendor: String, Sendable, Hashable {
        case aliyun, tencent
    }

    /// One number of a request, as parsed, and what the sink answered for it.
    public struct Recipient: Sendable, Hashable {
        /// The 11 digits, without `+86`.
        public var phone: String
        public var signName: String
        /// Aliyun: the TemplateParam(Json) object of this number; Tencent: the TemplateParamSet
        /// by position, `"1"`, `"2"`… as its template writes `{1}`, `{2}`…
        public var parameters: [String: String]
        /// The vendor code answered: `OK` / `Ok`, or the failure.
        public var code: String
        /// BizId (Aliyun: one per request) or SerialNo (Tencent: one per number); nil on failure.
        public var reference: String?
    }

    /// One request, as parsed.
    public struct Request: Sendable, Hashable {
        public var vendor: Vendor
        /// `SendSms` or `SendBatchSms`.
        public var action: String
        /// Aliyun TemplateCode or Tencent TemplateId.
        public var templateCode: String
        /// In the request's order.
        public var recipients: [Recipient]
        /// Aliyun OutId or Tencent SessionContext, when sent.
        public var context: String?
        /// Whether the signature checked out; nil without a verifier.
        public var signatureValid: Bool?
        /// The raw request.
        public var raw: LoopbackRequest
    }

    /// Checks a request's signature. Aliyun: the HTTP method and every parameter decoded,
    /// `Signature` included. Tencent: the raw request (headers and body).
    public struct Verifiers: Sendable {
        public var aliyun: (@Sendable (_ method: String, _ parameters: [String: String]) -> Bool)?
        public var tencent: (@Sendable (_ request: LoopbackRequest) -> Bool)?

        public init(aliyun: (@Sendable (String, [String: String]) -> Bool)? = nil,
                    tencent: (@Sendable (LoopbackRequest) -> Bool)? = nil) {
            self.aliyun = aliyun
            self.tencent = tencent
        }
    }

    /// A scripted failure of a whole request.
    struct RequestFailure {
        var code: String
        var message: String
        var status: Int
    }

    struct State {
        var requests: [Request] = []
        var failingNumbers: [String: (code: String, message: String)] = [:]
        var failingRequests: [RequestFailure] = []
        var serial = 0
    }

    final class Shared: Sendable {
        let state = Mutex(State())
        let verifiers: Verifiers
        init(verifiers: Verifiers) { self.verifiers = verifiers }
    }

    private let server: LoopbackServer
    let shared: Shared

    /// Starts the sink on a free port of 127.0.0.1.
    public init(verifiers: Verifiers = Verifiers()) throws(LoopbackServerError) {
        let shared = Shared(verifiers: verifiers)
        self.shared = shared
        server = try LoopbackServer { request in CloudSMSSink.answer(request, shared) }
    }

    /// `http://127.0.0.1:<port>/`: the `endpoint` of an `aliyun` or `tencent` gateway.
    public var endpoint: String { server.baseURL + "/" }

    /// The requests answered so far, in arrival order (anything else the server got is not here).
    public var requests: [Request] { shared.state.withLock { $0.requests } }

    /// Every number of every request, in order.
    public var recipients: [Recipient] { requests.flatMap(\.recipients) }

    /// Fails this number (11 digits) with `code` from now on: Tencent answers its row with it,
    /// Aliyun the whole request that holds it (Aliyun has no per-number results).
    public func failNumber(_ phone: String, code: String, message: String = "scripted failure") {
        shared.state.withLock { $0.failingNumbers[String(phone.suffix(11))] = (code, message) }
    }

    /// Fails the next `count` requests as a whole with `code` (Aliyun `Code`, Tencent
    /// `Response.Error.Code`) and HTTP `status`.
    public func failRequests(_ count: Int = 1, code: String, message: String = "scripted failure", status: Int = 200) {
        shared.state.withLock { state in
            state.failingRequests += Array(repeating: RequestFailure(code: code, message: message, status: status), count: count)
        }
    }

    /// True once `count` requests have arrived; false after `timeout`.
    public func waitForRequests(_ count: Int, timeout: Duration = .seconds(10)) async -> Bool {
        await server.waitForRequests(count, timeout: timeout)
    }

    /// Stops the server (safe to call more than once).
    public func stop() { server.stop() }
}
