import FafangCore
import FafangDelivery
import FafangTestSupport
import Testing

@Suite("LoopbackServer")
struct LoopbackServerTests {
    @Test func listensOnItsOwnPortAndStopsCleanly() async throws {
        let server = try LoopbackServer { _ in .hold }
        #expect(server.port > 0)
        let engine = try makeEngine()
        let held = Task { await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/")) }
        #expect(await server.waitForRequests(1))
        server.stop()  // closes the held connection and joins every thread
        #expect(await held.value.error?.kind == .sendOrReceive)
        let refused = await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/"))
        #expect(refused.error?.kind == .connect)
        server.stop()
        await engine.shutdown()
    }

    @Test func decodesChunkedRequestBodies() async throws {
        let server = try LoopbackServer { .text("\($0.body.count)") }
        defer { server.stop() }
        let engine = try makeEngine()
        let body = Array(String(repeating: "分", count: 10_000).utf8)
        let outcome = await engine.send(HTTPRequest(method: .post, url: server.baseURL + "/chunked",
                                                    headers: [HTTPHeader("Transfer-Encoding", "chunked")], body: body))
        #expect(outcome.response?.bodyText == "\(body.count)")
        let received = try #require(server.requests.first)
        #expect(received.header("Transfer-Encoding") == "chunked")
        #expect(received.body == body)
        await engine.shutdown()
    }

    @Test func countsConnectionsAndTagsRequestsWithThem() async throws {
        let server = try LoopbackServer { _ in .respond(LoopbackResponse(status: 204, closeConnection: true)) }
        defer { server.stop() }
        let engine = try makeEngine()
        for _ in 0..<3 {
            #expect(await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/")).response?.status == 204)
        }
        #expect(server.connectionsAccepted == 3)
        #expect(server.requests.map(\.connection) == [1, 2, 3])
        await engine.shutdown()
    }

    @Test func waitingForRequestsThatNeverComeReturnsFalse() async throws {
        let server = try LoopbackServer { _ in .status(200) }
        defer { server.stop() }
        #expect(await server.waitForRequests(1, timeout: .milliseconds(50)) == false)
    }

    @Test func freePortRefusesConnections() async throws {
        let port = try freePort()
        #expect(port > 0)
        let engine = try makeEngine()
        #expect(await engine.send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/")).error?.kind == .connect)
        await engine.shutdown()
    }
}
