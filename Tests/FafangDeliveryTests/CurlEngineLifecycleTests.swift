import FafangCore
import FafangDelivery
import FafangTestSupport
import Testing

@Suite("CurlEngine: cancellation and shutdown")
struct CurlEngineLifecycleTests {
    @Test func cancellingTheCallerAbortsItsTransfer() async throws {
        let server = try LoopbackServer { request in request.path == "/hold" ? .hold : .text("still here") }
        defer { server.stop() }
        let engine = try makeEngine()
        let task = Task {
            await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/hold", totalTimeoutMilliseconds: 60_000))
        }
        #expect(await server.waitForRequests(1))
        let clock = ContinuousClock()
        let start = clock.now
        task.cancel()
        let outcome = await task.value
        #expect(outcome.error?.kind == .cancelled)
        #expect(clock.now - start < .seconds(5))
        // The handle left the multi: curl closed the held connection.
        #expect(await server.waitUntil { $0.openConnections == 0 })
        let after = await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/next"))
        #expect(after.response?.bodyText == "still here")
        await engine.shutdown()
    }

    @Test func cancellingWhileQueuedAnswersAtOnce() async throws {
        let server = try LoopbackServer { request in request.path == "/hold" ? .hold : .text("ok") }
        defer { server.stop() }
        let engine = try makeEngine(concurrency: 1)
        let held = Task { await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/hold")) }
        #expect(await server.waitForRequests(1))
        let queued = Task { await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/queued")) }
        queued.cancel()
        #expect(await queued.value.error?.kind == .cancelled)
        held.cancel()
        #expect(await held.value.error?.kind == .cancelled)
        #expect(server.requests.map(\.path) == ["/hold"])
        await engine.shutdown()
    }

    @Test func alreadyCancelledTaskSendsNothing() async throws {
        let server = try LoopbackServer { _ in .text("ok") }
        defer { server.stop() }
        let engine = try makeEngine()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/"))
        }
        #expect(await task.value.error?.kind == .cancelled)
        #expect(server.statistics.requests == 0)
        await engine.shutdown()
    }

    @Test func shutdownAnswersEverythingInFlight() async throws {
        let server = try LoopbackServer { _ in .hold }
        defer { server.stop() }
        let engine = try makeEngine(concurrency: 4, perHost: 4)
        let tasks = (0..<20).map { index in
            Task { await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/\(index)")) }
        }
        #expect(await server.waitForRequests(4))
        await engine.shutdown()
        for task in tasks {
            let error = await task.value.error
            #expect(error?.kind == .cancelled)
            #expect(error?.call == "CurlEngine.shutdown" || error?.call == "CurlEngine.send")
        }
        let late = await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/late"))
        #expect(late.error?.kind == .misuse)
        #expect(late.error?.call == "CurlEngine.send")
        await engine.shutdown()  // a second call returns too
    }

    @Test func shutdownWithGracePeriodLetsTransfersFinish() async throws {
        let server = try LoopbackServer { _ in .respond(LoopbackResponse(status: 200, body: [1]), after: .milliseconds(100)) }
        defer { server.stop() }
        let engine = try makeEngine(concurrency: 4, perHost: 4)
        let tasks = (0..<4).map { index in
            Task { await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/\(index)")) }
        }
        #expect(await server.waitForRequests(4))
        await engine.shutdown(gracePeriod: .seconds(10))
        for task in tasks { #expect(await task.value.response?.status == 200) }
    }

    @Test func droppingTheEngineStopsItsThread() async throws {
        let server = try LoopbackServer { _ in .text("ok") }
        defer { server.stop() }
        var engine: CurlEngine? = try makeEngine()
        #expect(await engine?.send(HTTPRequest(method: .get, url: server.baseURL + "/")).response?.status == 200)
        engine = nil
        // The thread let go of its connection: curl closes it once the multi handle is cleaned up.
        #expect(await server.waitUntil { $0.openConnections == 0 })
        #expect(engine == nil)
    }
}
