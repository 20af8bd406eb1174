import FafangCore
import FafangDelivery
import FafangTestSupport
import Testing

@Suite("CurlEngine: concurrency and connection reuse")
struct CurlEngineConcurrencyTests {
    @Test func fiveHundredRequestsFromFiftyTasksAreEachAnsweredOnce() async throws {
        let server = try LoopbackServer { request in .text("id=\(request.query ?? "")") }
        defer { server.stop() }
        let engine = try makeEngine(concurrency: 16, perHost: 16)
        let answers = await withTaskGroup(of: [(Int, String?)].self) { group in
            for task in 0..<50 {
                group.addTask {
                    var answers: [(Int, String?)] = []
                    for index in 0..<10 {
                        let id = task * 10 + index
                        let outcome = await engine.send(HTTPRequest(method: .post, url: server.baseURL + "/echo?\(id)",
                                                                    body: Array("\(id)".utf8)))
                        answers.append((id, outcome.response?.bodyText))
                    }
                    return answers
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(answers.count == 500)
        #expect(Set(answers.map(\.0)).count == 500)
        for (id, body) in answers { #expect(body == "id=\(id)") }
        #expect(server.requests.count == 500)
        #expect(Set(server.requests.map(\.bodyText)).count == 500)
        // Reused: never more connections than transfers may run at once.
        #expect(server.connectionsAccepted <= 16)
        #expect(engine.statistics.connectionsOpened == server.connectionsAccepted)
        #expect(engine.statistics.transfersCompleted == 500)
        await engine.shutdown()
    }

    @Test func sequentialRequestsShareOneConnection() async throws {
        let server = try LoopbackServer { _ in .text("ok") }
        defer { server.stop() }
        let engine = try makeEngine()
        for _ in 0..<20 {
            let outcome = await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/"))
            #expect(outcome.response?.status == 200)
        }
        #expect(server.connectionsAccepted == 1)
        #expect(server.requests.map(\.connection) == Array(repeating: 1, count: 20))
        await engine.shutdown()
    }

    @Test func connectionsPerHostAreCapped() async throws {
        let server = try LoopbackServer { _ in .respond(LoopbackResponse(status: 200), after: .milliseconds(20)) }
        defer { server.stop() }
        let engine = try makeEngine(concurrency: 12, perHost: 2)
        await withTaskGroup(of: Int?.self) { group in
            for _ in 0..<24 {
                group.addTask { await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/")).response?.status }
            }
            for await status in group { #expect(status == 200) }
        }
        #expect(server.statistics.peakOpenConnections <= 2)
        #expect(server.connectionsAccepted <= 2)
        await engine.shutdown()
    }

    /// With one transfer at a time, the second request waits in the queue: it reaches the server
    /// only after the first timed out, and its own (shorter) timeout starts only when it runs.
    @Test func queuedRequestsWaitAndTheirTimeoutStartsWhenTheyRun() async throws {
        let server = try LoopbackServer { request in request.path == "/hold" ? .hold : .text("fast") }
        defer { server.stop() }
        let engine = try makeEngine(concurrency: 1, perHost: 4)
        let clock = ContinuousClock()
        let start = clock.now
        let held = Task {
            await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/hold", totalTimeoutMilliseconds: 600))
        }
        #expect(await server.waitForRequests(1))
        let fast = await engine.send(HTTPRequest(method: .get, url: server.baseURL + "/fast", totalTimeoutMilliseconds: 300))
        // A lower bound that holds however slow the machine: the held transfer was added after
        // `start` and ran 600 ms before timing out; only then could the queued one run.
        let waited = clock.now - start
        #expect(fast.response?.bodyText == "fast")
        #expect(await held.value.error?.kind == .timeout)
        #expect(waited >= .milliseconds(500))
        #expect(server.requests.map(\.path) == ["/hold", "/fast"])
        await engine.shutdown()
    }
}
