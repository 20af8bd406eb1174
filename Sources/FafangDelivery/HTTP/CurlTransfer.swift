import CCurl
import FafangCore

/// One libcurl easy handle with the buffers a transfer on it needs, reused for one request
/// after another so that a steady stream of sends allocates no handles.
///
/// Confined to the engine thread: only `CurlMultiLoop` touches it. libcurl's callbacks find it
/// through `Unmanaged` userdata (`CURLOPT_WRITEDATA`, `CURLOPT_HEADERDATA`, `CURLOPT_PRIVATE`);
/// the loop keeps it alive (in its active list) for as long as the handle is in the multi.
final class CurlTransfer {
    /// The `CURL *`, owned: cleaned up in deinit.
    let easy: UnsafeMutableRawPointer
    /// A `CURLU *` holding the parsed URL of the current request (`CURLOPT_CURLU`).
    private let parsedURL: OpaquePointer
    /// `CURLOPT_ERRORBUFFER`: curl's text for the last failure.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// The request's header lines (`CURLOPT_HTTPHEADER`), alive until replaced, and the headers
    /// they were built from.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var headerListSource: [HTTPHeader] = []
    /// The request body (`CURLOPT_POSTFIELDS` does not copy), grown as needed and reused.
    private var requestBody: UnsafeMutableRawPointer
    private var requestBodyCapacity: Int
    private let maxResponseBytes: Int

    /// The job running on this handle, from `prepare` until the loop completes it.
    var job: CurlJob?
    /// Where this transfer sits in the loop's active list; -1 when idle.
    var activeIndex = -1

    private var responseHeaders: [HTTPHeader] = []
    private var responseBody: [UInt8] = []
    private var truncated = false

    /// Makes the handle and sets the options that stay the same for every request: the
    /// callbacks, TLS verification, protocols, redirects, proxy and CA bundle.
    init(settings: HTTPEngineSettings) throws(TransportError) {
        guard let easy = curl_easy_init() else {
            throw TransportError(kind: .other, code: Int32(CURLE_FAILED_INIT.rawValue), call: "curl_easy_init",
                                 message: "libcurl could not create an easy handle")
        }
        guard let url = curl_url() else {
            curl_easy_cleanup(easy)
            throw TransportError(kind: .other, code: Int32(CURLE_OUT_OF_MEMORY.rawValue), call: "curl_url",
                                 message: "libcurl could not create a URL handle")
        }
        self.easy = easy
        self.parsedURL = url
        self.maxResponseBytes = max(0, settings.maxResponseBytes)
        let errorSize = ccurl_error_size()
        errorBuffer = .allocate(capacity: errorSize)
        errorBuffer.initialize(repeating: 0, count: errorSize)
        requestBodyCapacity = 256
        requestBody = .allocate(byteCount: requestBodyCapacity, alignment: 1)
        try setFixedOptions(settings)
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_url_cleanup(parsedURL)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
        requestBody.deallocate()
    }

    private func setFixedOptions(_ settings: HTTPEngineSettings) throws(TransportError) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer), "CURLOPT_ERRORBUFFER")
        try set(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        try set(CURLOPT_PROTOCOLS_STR, string: "http,https", "CURLOPT_PROTOCOLS_STR")
        try set(CURLOPT_FOLLOWLOCATION, 0, "CURLOPT_FOLLOWLOCATION")
        try set(CURLOPT_SSL_VERIFYPEER, 1, "CURLOPT_SSL_VERIFYPEER")
        try set(CURLOPT_SSL_VERIFYHOST, 2, "CURLOPT_SSL_VERIFYHOST")
        try set(CURLOPT_PRIVATE, pointer: me, "CURLOPT_PRIVATE")
        try check(ccurl_easy_setopt_write_function(easy, curlWriteCallback), "CURLOPT_WRITEFUNCTION")
        try set(CURLOPT_WRITEDATA, pointer: me, "CURLOPT_WRITEDATA")
        try check(ccurl_easy_setopt_header_function(easy, curlHeaderCallback), "CURLOPT_HEADERFUNCTION")
        try set(CURLOPT_HEADERDATA, pointer: me, "CURLOPT_HEADERDATA")
        // "" rather than nothing: an empty proxy string makes curl ignore http_proxy & co.
        try set(CURLOPT_PROXY, string: settings.proxy ?? "", "CURLOPT_PROXY")
        if let caBundle = settings.caBundle {
            try set(CURLOPT_CAINFO, string: caBundle, "CURLOPT_CAINFO")
        }
        try set(CURLOPT_CURLU, pointer: UnsafeMutableRawPointer(parsedURL), "CURLOPT_CURLU")
    }

    /// Sets the options that change per request (URL, method, body, headers, timeouts) for
    /// `job`. Every one of them is set each time, so nothing of the previous request remains.
    /// On a throw the handle is left unused and may be prepared again.
    func prepare(_ job: CurlJob, settings: HTTPEngineSettings) throws(TransportError) {
        let request = job.request
        errorBuffer[0] = 0
        responseHeaders.removeAll(keepingCapacity: true)
        responseBody = []
        truncated = false

        let urlCode = curl_url_set(parsedURL, CURLUPART_URL, request.url, 0)
        guard urlCode == CURLUE_OK else { throw .curlURL(urlCode, call: "curl_url_set(CURLUPART_URL)") }
        let connectTimeout = request.connectTimeoutMilliseconds > 0
            ? request.connectTimeoutMilliseconds : settings.connectTimeoutMilliseconds
        let totalTimeout = request.totalTimeoutMilliseconds > 0
            ? request.totalTimeoutMilliseconds : settings.totalTimeoutMilliseconds
        try set(CURLOPT_CONNECTTIMEOUT_MS, connectTimeout, "CURLOPT_CONNECTTIMEOUT_MS")
        try set(CURLOPT_TIMEOUT_MS, totalTimeout, "CURLOPT_TIMEOUT_MS")
        try setMethodAndBody(request)
        try setHeaders(request.headers)
        self.job = job
    }

    private func setMethodAndBody(_ request: HTTPRequest) throws(TransportError) {
        let count = request.body.count
        if request.method == .get && count == 0 {
            try set(CURLOPT_CUSTOMREQUEST, string: nil, "CURLOPT_CUSTOMREQUEST")
            try set(CURLOPT_POSTFIELDS, pointer: nil, "CURLOPT_POSTFIELDS")  // no stale pointer to a body
            try set(CURLOPT_HTTPGET, 1, "CURLOPT_HTTPGET")  // after POSTFIELDS, which selects POST
            return
        }
        if count > requestBodyCapacity {
            requestBody.deallocate()
            requestBodyCapacity = max(count, requestBodyCapacity * 2)
            requestBody = .allocate(byteCount: requestBodyCapacity, alignment: 1)
        }
        request.body.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { requestBody.copyMemory(from: base, byteCount: count) }
        }
        try check(ccurl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(count)),
                  "CURLOPT_POSTFIELDSIZE_LARGE")
        try set(CURLOPT_POSTFIELDS, pointer: requestBody, "CURLOPT_POSTFIELDS")  // also selects POST
        try set(CURLOPT_CUSTOMREQUEST, string: request.method == .post ? nil : request.method.rawValue,
                "CURLOPT_CUSTOMREQUEST")
    }

    /// Builds the header list, or keeps the previous one when the headers are the same (a burst
    /// of messages to one gateway usually sends the same headers).
    private func setHeaders(_ headers: [HTTPHeader]) throws(TransportError) {
        if headerList != nil && headers == headerListSource { return }
        var list: UnsafeMutablePointer<curl_slist>?
        do throws(TransportError) {
            for header in headers {
                guard !header.name.isEmpty,
                      !header.name.contains(where: { $0 == ":" || $0.isNewline || $0 == " " }),
                      !header.value.contains(where: \.isNewline)
                else {
                    throw TransportError(kind: .misuse, code: 0, call: "curl_slist_append(CURLOPT_HTTPHEADER)",
                                         message: "header \"\(header.name.prefix(40))\" has a bad name or a line break in its value")
                }
                // "Name:" would tell curl to drop the header; "Name;" sends it with an empty value.
                list = try append(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)", to: list)
            }
            list = try append("Expect:", to: list)  // never `Expect: 100-continue`: it stalls large bodies
            try set(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(list), "CURLOPT_HTTPHEADER")
        } catch {
            curl_slist_free_all(list)
            throw error
        }
        curl_slist_free_all(headerList)
        headerList = list
        headerListSource = headers
    }

    private func append(_ line: String, to list: UnsafeMutablePointer<curl_slist>?) throws(TransportError)
        -> UnsafeMutablePointer<curl_slist> {
        guard let longer = curl_slist_append(list, line) else {
            throw TransportError(kind: .other, code: Int32(CURLE_OUT_OF_MEMORY.rawValue),
                                 call: "curl_slist_append(CURLOPT_HTTPHEADER)", message: "out of memory")
        }
        return longer
    }

    /// The outcome of the finished transfer, taking its response buffers with it.
    func finish(result: CURLcode) -> HTTPOutcome {
        var total = 0.0, connect = 0.0, status = 0
        let timing = ccurl_easy_getinfo_double(easy, CURLINFO_TOTAL_TIME, &total)
        let connectTiming = ccurl_easy_getinfo_double(easy, CURLINFO_CONNECT_TIME, &connect)
        let response: Result<HTTPResponse, TransportError>
        if result != CURLE_OK && !(truncated && result == CURLE_WRITE_ERROR) {
            response = .failure(.curl(result, call: "curl_multi_perform", detail: String(cString: errorBuffer)))
        } else if timing != CURLE_OK {
            response = .failure(.curl(timing, call: "curl_easy_getinfo(CURLINFO_TOTAL_TIME)"))
        } else if connectTiming != CURLE_OK {
            response = .failure(.curl(connectTiming, call: "curl_easy_getinfo(CURLINFO_CONNECT_TIME)"))
        } else {
            let statusCode = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            if statusCode != CURLE_OK {
                response = .failure(.curl(statusCode, call: "curl_easy_getinfo(CURLINFO_RESPONSE_CODE)"))
            } else {
                var headers: [HTTPHeader] = []
                var body: [UInt8] = []
                swap(&headers, &responseHeaders)
                swap(&body, &responseBody)
                response = .success(HTTPResponse(status: status, headers: headers, body: body, bodyTruncated: truncated))
            }
        }
        return HTTPOutcome(result: response, totalSeconds: total, connectSeconds: connect)
    }

    /// New connections this transfer had to open (0 when it reused one).
    var connectionsOpened: Int {
        var count = 0
        return ccurl_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &count) == CURLE_OK ? count : 0
    }

    /// Forgets the finished job so the handle can serve the next one.
    func recycle() {
        job = nil
        activeIndex = -1
        responseBody = []
        if requestBodyCapacity > 256 * 1024 {  // an outsized body is not kept for every handle
            requestBody.deallocate()
            requestBodyCapacity = 256
            requestBody = .allocate(byteCount: requestBodyCapacity, alignment: 1)
        }
    }

    // MARK: - Callbacks (engine thread, from inside curl_multi_perform)

    /// Keeps the first `maxResponseBytes`; past that, stops the transfer (marked truncated).
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        let room = maxResponseBytes - responseBody.count
        if bytes.count <= room {
            responseBody.append(contentsOf: bytes)
            return bytes.count
        }
        responseBody.append(contentsOf: bytes.prefix(room))
        truncated = true
        return ccurl_write_abort()
    }

    /// One header line, `\r\n` included. A status line starts a new block (after a 100
    /// Continue or a proxy's CONNECT reply, only the last block counts).
    func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        var line = bytes[...]
        while let last = line.last, last == 0x0D || last == 0x0A { line = line.dropLast() }
        if line.isEmpty { return }
        if line.starts(with: "HTTP/".utf8) {
            responseHeaders.removeAll(keepingCapacity: true)
            return
        }
        if let first = line.first, first == 0x20 || first == 0x09, !responseHeaders.isEmpty {
            responseHeaders[responseHeaders.count - 1].value += " " + trimmed(line)
            return
        }
        guard let colon = line.firstIndex(of: 0x3A) else { return }
        let name = String(decoding: bytes[line.startIndex..<colon], as: UTF8.self)
        let value = trimmed(line[(colon + 1)...])
        if name.utf8.count == 14, name.lowercased() == "content-length", let length = Int(value) {
            responseBody.reserveCapacity(min(length, maxResponseBytes))
        }
        responseHeaders.append(HTTPHeader(name, value))
    }

    private func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        var text = bytes
        while let first = text.first, first == 0x20 || first == 0x09 { text = text.dropFirst() }
        while let last = text.last, last == 0x20 || last == 0x09 { text = text.dropLast() }
        return String(decoding: text, as: UTF8.self)
    }

    // MARK: - setopt helpers: each failure names its option

    private func check(_ code: CURLcode, _ option: StaticString) throws(TransportError) {
        guard code == CURLE_OK else {
            throw .curl(code, call: "curl_easy_setopt(\(option))", detail: String(cString: errorBuffer))
        }
    }

    private func set(_ option: CURLoption, _ value: Int, _ name: StaticString) throws(TransportError) {
        try check(ccurl_easy_setopt_long(easy, option, value), name)
    }

    private func set(_ option: CURLoption, string value: String?, _ name: StaticString) throws(TransportError) {
        try check(ccurl_easy_setopt_string(easy, option, value), name)
    }

    private func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?, _ name: StaticString) throws(TransportError) {
        try check(ccurl_easy_setopt_pointer(easy, option, value), name)
    }
}

private func curlWriteCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                               _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let userdata else { return ccurl_write_abort() }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
}

private func curlHeaderCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                                _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}
