import CCurl
import FafangCore

/// libcurl's multi handle (`CURLM *`), owned: created with the engine's connection limits and
/// cleaned up in deinit, once the engine and its thread have both let go of it.
///
/// `@unchecked Sendable` without a lock: `wakeup()` is the only call made from other threads,
/// and libcurl documents `curl_multi_wakeup` as safe to call from any thread. Every other use
/// of `pointer` happens on the engine thread (`CurlMultiLoop.run`).
final class CurlMultiHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer

    init(settings: HTTPEngineSettings) throws(TransportError) {
        let initCode = ccurl_global_init_once()
        guard initCode == CURLE_OK else { throw .curl(initCode, call: "curl_global_init") }
        guard let multi = curl_multi_init() else {
            throw TransportError(kind: .other, code: Int32(CURLM_OUT_OF_MEMORY.rawValue), call: "curl_multi_init",
                                 message: "libcurl could not create a multi handle")
        }
        pointer = multi
        // Cached connections: no more than can be in use at once (maxConcurrentTransfers).
        try set(CURLMOPT_MAX_HOST_CONNECTIONS, settings.maxConnectionsPerHost, "CURLMOPT_MAX_HOST_CONNECTIONS")
        try set(CURLMOPT_MAXCONNECTS, max(settings.maxConcurrentTransfers, settings.maxConnectionsPerHost),
                "CURLMOPT_MAXCONNECTS")
    }

    deinit {
        curl_multi_cleanup(pointer)
    }

    /// Makes a `curl_multi_poll` on the engine thread return at once (or the next one, if the
    /// thread is not in it yet). Safe from any thread. Its CURLMcode is not reported: should it
    /// ever fail, the thread still wakes within its 1 s poll timeout.
    func wakeup() {
        _ = curl_multi_wakeup(pointer)
    }

    private func set(_ option: CURLMoption, _ value: Int, _ name: StaticString) throws(TransportError) {
        let code = ccurl_multi_setopt_long(pointer, option, value)
        guard code == CURLM_OK else { throw .curlMulti(code, call: "curl_multi_setopt(\(name))") }
    }
}
