import Foundation

/// Runs blocking work (a harness waiting for a process, a socket, a file) on a thread of its
/// own, not on the concurrency pool: on a 2-core machine the pool has two threads, and a test
/// that blocks one for seconds delays every other test running beside it.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
        }
    }
}
