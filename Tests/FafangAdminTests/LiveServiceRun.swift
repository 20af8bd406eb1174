import FafangCore
import Foundation
import ServiceLifecycle
import Testing

/// Runs `group` (which serves on 127.0.0.1) until `body` returns, then shuts it down gracefully.
/// `addresses` hears the server's address once it listens (`continuation` is finished if the
/// group ends first, so the wait ends with it).
func withRunningGroup(_ group: ServiceGroup, addresses: AsyncStream<ListenAddress>, continuation: AsyncStream<ListenAddress>.Continuation,
                      _ body: @Sendable (String) async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            // A server that cannot bind ends the group: the wait for its address ends with it.
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = addresses.makeAsyncIterator()
        let address = try #require(await iterator.next())
        #expect(address.host == "127.0.0.1" && address.port > 0)
        do {
            try await body("http://127.0.0.1:\(address.port)")
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}
