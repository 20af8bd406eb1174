import FafangCore
import FafangDelivery
import FafangTestSupport
import Testing

/// An engine for one test, with small limits unless the test asks otherwise.
func makeEngine(concurrency: Int = 8, perHost: Int = 8, maxResponseBytes: Int = 64 * 1024,
                proxy: String? = nil, caBundle: String? = nil) throws -> CurlEngine {
    try CurlEngine(settings: HTTPEngineSettings(
        maxConcurrentTransfers: concurrency, maxConnectionsPerHost: perHost, proxy: proxy, caBundle: caBundle,
        maxResponseBytes: maxResponseBytes, connectTimeoutMilliseconds: 2_000, totalTimeoutMilliseconds: 10_000))
}

@Suite("CurlEngine: requests and responses")
struct CurlEngineTests {
    @Test func postRoundTripsMethodHeadersAndBody() async throws {
        let server = try LoopbackServer { _ in
            .respond(LoopbackResponse(status: 201, headers: [LoopbackHeader("X-Reply", "yes")], body: Array("created".utf8)))
        }
        defer { server.stop() }
        let engine = try makeEngine()
        // Large enough that libcurl would otherwise send `Expect: 100-continue`.
        let body = (0..<1_500_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let request = HTTPRequest(method: .post, url: server.baseURL + "/cgi-bin/sendsms?to=1&text=%E4%BD%A0",
                                  headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("X-Sign", "abc=="),
                                            HTTPHeader("X-Empty", ""), HTTPHeader("X-Twice", "1"), HTTPHeader("X-Twice", "2")],
                                  body: body)
        let outcome = await engine.send(request)

        let response = try #require(outcome.response, "\(String(describing: outcome.error))")
        #expect(response.status == 201)
        #expect(response.bodyText == "created")
        #expect(response.headers.value(for: "x-reply") == "yes")
        #expect(!response.bodyTruncated)
        #expect(outcome.totalSeconds > 0)
        let received = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(received.method == "POST")
        #expect(received.path == "/cgi-bin/sendsms")
        #expect(received.query == "to=1&text=%E4%BD%A0")
        #expect(received.body == body)
        #expect(received.header("Content-Type") == "application/json")
        #expect(received.header("X-Sign") == "abc==")
        #expect(received.header("X-Empty") == "")
        #expect(received.headerValues("X-Twice") == ["1", "2"])
        #expect(received.header("Content-Length") == "1500000")
        #expect(received.header("Expect") == nil)
        await engine.shutdown()
    }

    @Test(arguments: [HTTPRequest.Method.get, .put, .post])
    func methodsAreSentAsAsked(method: HTTPRequest.Method) async throws {
        let server = try LoopbackServer { .text("\($0.method) \($0.bodyText)") }
        defer { server.stop() }
        let engine = try makeEngine()
        let body: [UInt8] = method == .get ? [] : Array("{\"a\":1}".utf8)
        let outcome = await engine.send(HTTPRequest(method: method, url: server.baseURL + "/m", body: body))
        #expect(outcome.response?.bodyText == "\(method.rawValue) \(String(decoding: body, as: UTF8.self))")
        #expect(server.requests.first?.method == method.rawValue)
        await engine.shutdown()
    }

    /// One transfer at a time, so every request reuses the same easy handle.
    @Test func reusedHandleCarriesNothingOver() async throws {
        let server = try LoopbackServer { _ in .text("ok") }
        defer { server.stop() }
        let engine = try makeEngine(concurrency: 1)
        let requests = [
            HTTPRequest(method: .put, url: server.baseURL + "/1", headers: [HTTPHeader("X-A", "a")], body: Array("put".utf8)),
            HTTPRequest(method: .get, url: server.baseURL + "/2"),
            HTTPRequest(method: .post, url: server.baseURL + "/3", headers: [HTTPHeader("X-B", "b")], body: Array("post".utf8)),
            HTTPRequest(method: .post, url: server.baseURL + "/4", headers: [HTTPHeader("X-B", "b")], body: []),
            HTTPRequest(method: .get, url: server.baseURL + "/5", headers: [HTTPHeader("X-B", "b")]),
        ]
        for (index, request) in requests.enumerated() {
            #expect(await engine.send(request).response?.status == 200)
            if index == 0 {  // a refused request in between leaves nothing behind either
                let bad = HTTPRequest(method: .get, url: server.baseURL + "/bad",
                                      headers: [HTTPHeader("X-Good", "g"), HTTPHeader("X-Bad", "a\nb")])
                #expect(await engine.send(bad).error?.kind == .misuse)
            }
        }
        let received = server.requests
        #expect(received.allSatisfy { $0.header("X-Good") == nil })
        #expect(received.map(\.method) == ["PUT", "GET", "POST", "POST", "GET"])
        #expect(received.map(\.bodyText) == ["put", "", "post", "", ""])
        #expect(received.map { $0.header("X-A") } == ["a", nil, nil, nil, nil])
        #expect(received.map { $0.header("X-B") } == [nil, nil, "b", "b", "b"])
        #expect(received[1].header("Content-Length") == nil)
        #expect(received[3].header("Content-Length") == "0")
        #expect(received[4].header("Content-Length") == nil)
        await engine.shutdown()
    }

    @Test func serverErrorIsAResponseNotATransportError() async throws {
        let server = try LoopbackServer { _ in .text("boom", status: 500) }
        defer { server.stop() }
        let engine = try makeEngine()
        let outcome = await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/"))
        #expect(outcome.response?.status == 500)
        #expect(outcome.response?.bodyText == "boom")
        await engine.shutdown()
    }

    @Test func tooManyRequestsShowsRetryAfter() async throws {
        let server = try LoopbackServer { _ in .status(429, headers: [LoopbackHeader("Retry-After", "120")]) }
        defer { server.stop() }
        let engine = try makeEngine()
        let outcome = await engine.send(HTTPRequest(method: .post, url: server.baseURL + "/robot/send", body: [1]))
        #expect(outcome.response?.status == 429)
        #expect(outcome.response?.headers.value(for: "retry-after") == "120")
        await engine.shutdown()
    }

    @Test func redirectsAreNotFollowed() async throws {
        let server = try LoopbackServer { _ in .status(302, headers: [LoopbackHeader("Location", "/elsewhere")]) }
        defer { server.stop() }
        let engine = try makeEngine()
        let outcome = await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/here"))
        #expect(outcome.response?.status == 302)
        #expect(server.requests.map(\.path) == ["/here"])
        await engine.shutdown()
    }

    @Test func silentServerTimesOut() async throws {
        let server = try LoopbackServer { _ in .hold }
        defer { server.stop() }
        let engine = try makeEngine()
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/",
                                                    connectTimeoutMilliseconds: 300, totalTimeoutMilliseconds: 300))
        #expect(outcome.error?.kind == .timeout)
        #expect(outcome.error?.call == "curl_multi_perform")
        // The request's 300 ms, not the engine's 15 s default (loose: a loaded machine runs late).
        #expect(clock.now - start < .seconds(12))
        await engine.shutdown()
    }

    @Test func zeroTimeoutsMeanTheEngineDefaults() async throws {
        let server = try LoopbackServer { _ in .hold }
        defer { server.stop() }
        let engine = try CurlEngine(settings: HTTPEngineSettings(connectTimeoutMilliseconds: 300, totalTimeoutMilliseconds: 300))
        let outcome = await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/",
                                                    connectTimeoutMilliseconds: 0, totalTimeoutMilliseconds: 0))
        #expect(outcome.error?.kind == .timeout)
        await engine.shutdown()
    }

    @Test func refusedConnectionIsAConnectError() async throws {
        let port = try freePort()
        let engine = try makeEngine()
        let outcome = await engine.send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/"))
        #expect(outcome.error?.kind == .connect)
        #expect(outcome.error?.code == 7)
        #expect(outcome.error?.message.isEmpty == false)
        await engine.shutdown()
    }

    @Test func closedWithoutAnswerIsSendOrReceive() async throws {
        let server = try LoopbackServer { _ in .close }
        defer { server.stop() }
        let engine = try makeEngine()
        let outcome = await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/"))
        #expect(outcome.error?.kind == .sendOrReceive)
        #expect(outcome.error?.code == 52)  // CURLE_GOT_NOTHING
        await engine.shutdown()
    }

    @Test func bodyOverTheCapIsTruncatedToExactlyTheCap() async throws {
        let server = try LoopbackServer { request in
            .huge(status: 200, bytes: request.path == "/huge" ? 5_000_000 : 1_000)
        }
        defer { server.stop() }
        let engine = try makeEngine(maxResponseBytes: 1_000)
        let huge = await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/huge"))
        let cut = try #require(huge.response, "\(String(describing: huge.error))")
        #expect(cut.status == 200)
        #expect(cut.body.count == 1_000)
        #expect(cut.bodyTruncated)
        let exact = await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/exact"))
        #expect(exact.response?.body.count == 1_000)
        #expect(exact.response?.bodyTruncated == false)
        await engine.shutdown()
    }

    @Test(arguments: ["not a url", "http://exa mple.com/", "://nohost"])
    func malformedURLIsMisuseNamingTheCall(url: String) async throws {
        let engine = try makeEngine()
        let outcome = await engine.send(HTTPRequest(method: .get, url: url))
        #expect(outcome.error?.kind == .misuse)
        #expect(outcome.error?.call == "curl_url_set(CURLUPART_URL)")
        await engine.shutdown()
    }

    @Test func otherProtocolsAreRefused() async throws {
        let engine = try makeEngine()
        let outcome = await engine.send(HTTPRequest(method: .get, url: "ftp://127.0.0.1:1/file"))
        #expect(outcome.error?.kind == .misuse)
        #expect(outcome.error?.code == 1)  // CURLE_UNSUPPORTED_PROTOCOL
        await engine.shutdown()
    }

    @Test func headerWithALineBreakIsMisuse() async throws {
        let engine = try makeEngine()
        let outcome = await engine.send(HTTPRequest(method: .get, url: "http://127.0.0.1:1/",
                                                    headers: [HTTPHeader("X-Bad", "a\r\nInjected: yes")]))
        #expect(outcome.error?.kind == .misuse)
        #expect(outcome.error?.call == "curl_slist_append(CURLOPT_HTTPHEADER)")
        await engine.shutdown()
    }

    @Test func tlsToAPlainServerIsATLSError() async throws {
        let server = try LoopbackServer { _ in .status(200) }
        defer { server.stop() }
        let engine = try makeEngine()
        let outcome = await engine.send(HTTPRequest(method: .get, url: "https://127.0.0.1:\(server.port)/"))
        #expect(outcome.error?.kind == .tls)
        await engine.shutdown()
    }

    @Test func configuredProxyCarriesTheRequest() async throws {
        let proxy = try LoopbackServer { _ in .text("via proxy") }
        defer { proxy.stop() }
        let engine = try makeEngine(proxy: proxy.baseURL)
        let outcome = await engine.send(HTTPRequest(method: .get, url: "http://gateway.invalid/send?k=v"))
        #expect(outcome.response?.bodyText == "via proxy")
        #expect(proxy.requests.first?.path == "http://gateway.invalid/send")
        await engine.shutdown()
    }

    @Test func badSettingsAreRefused() {
        #expect(throws: TransportError.self) {
            try CurlEngine(settings: HTTPEngineSettings(maxConcurrentTransfers: 0))
        }
    }
}
