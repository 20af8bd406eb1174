import CCurl

/// How libcurl's result codes become `TransportError`s: every failed call is named, carries
/// curl's text, and is classified so the retry policy can tell a refused connection from a
/// malformed URL.
extension TransportError {
    /// A failed `CURLcode` from `call`, e.g. `curl_easy_setopt(CURLOPT_URL)`. `detail` is the
    /// error buffer's text when curl filled it; otherwise curl_easy_strerror's.
    static func curl(_ code: CURLcode, call: String, detail: String? = nil) -> TransportError {
        let text: String
        if let detail, !detail.isEmpty {
            text = detail
        } else if let cText = curl_easy_strerror(code) {
            text = String(cString: cText)
        } else {
            text = "CURLcode \(code.rawValue)"
        }
        return TransportError(kind: Kind(curlCode: code), code: Int32(bitPattern: code.rawValue), call: call, message: text)
    }

    /// A failed `CURLMcode` from a multi-interface call such as `curl_multi_add_handle`.
    static func curlMulti(_ code: CURLMcode, call: String) -> TransportError {
        let text = curl_multi_strerror(code).map { String(cString: $0) } ?? "CURLMcode \(code.rawValue)"
        return TransportError(kind: Kind(curlMultiCode: code), code: code.rawValue, call: call, message: text)
    }

    /// A URL that libcurl's URL parser (`curl_url_set`) rejected: always `.misuse`.
    static func curlURL(_ code: CURLUcode, call: String) -> TransportError {
        let text = curl_url_strerror(code).map { String(cString: $0) } ?? "CURLUcode \(code.rawValue)"
        return TransportError(kind: .misuse, code: Int32(bitPattern: code.rawValue), call: call, message: text)
    }

    /// The calling task was cancelled, so its transfer was removed from the engine.
    static let cancelledByCaller = TransportError(
        kind: .cancelled, code: 0, call: "CurlEngine.send", message: "the calling task was cancelled")

    /// The engine was shut down before the transfer finished.
    static let abortedByShutdown = TransportError(
        kind: .cancelled, code: 0, call: "CurlEngine.shutdown",
        message: "the engine was shut down before the transfer finished")

    /// `send` after `shutdown`: a programming error, not a network failure.
    static let engineShutDown = TransportError(
        kind: .misuse, code: 0, call: "CurlEngine.send", message: "the engine has been shut down")
}

extension TransportError.Kind {
    /// Classifies a transfer's or an easy call's `CURLcode`.
    init(curlCode code: CURLcode) {
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY,
             CURLE_INTERFACE_FAILED, CURLE_PROXY, CURLE_NO_CONNECTION_AVAILABLE:
            self = .connect
        case CURLE_OPERATION_TIMEDOUT:
            self = .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
             CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            self = .tls
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
             CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3,
             CURLE_QUIC_CONNECT_ERROR, CURLE_SEND_FAIL_REWIND:
            self = .sendOrReceive
        case CURLE_ABORTED_BY_CALLBACK:
            self = .cancelled
        case CURLE_FILESIZE_EXCEEDED:
            self = .bodyTooLarge
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT,
             CURLE_UNKNOWN_OPTION, CURLE_NOT_BUILT_IN, CURLE_FAILED_INIT, CURLE_SETOPT_OPTION_SYNTAX,
             CURLE_RECURSIVE_API_CALL:
            self = .misuse
        default:
            self = .other
        }
    }

    /// Classifies a multi-interface `CURLMcode`.
    init(curlMultiCode code: CURLMcode) {
        switch code {
        case CURLM_BAD_HANDLE, CURLM_BAD_EASY_HANDLE, CURLM_UNKNOWN_OPTION, CURLM_ADDED_ALREADY,
             CURLM_RECURSIVE_API_CALL, CURLM_BAD_FUNCTION_ARGUMENT:
            self = .misuse
        case CURLM_ABORTED_BY_CALLBACK:
            self = .cancelled
        default:
            self = .other
        }
    }
}
