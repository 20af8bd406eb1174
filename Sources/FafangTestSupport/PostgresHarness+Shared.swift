import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One cluster for a whole test process: started on first use, on a thread of its own (initdb
/// and pg_ctl block for seconds, and on the two threads of Swift's concurrency pool that would
/// stall every other test of the run), stopped when the process exits. Each test takes a fresh
/// database of it (`freshDatabase`), so tests stay independent.
extension PostgresHarness {
    private static let sharedCluster = Mutex<Task<PostgresHarness, any Error>?>(nil)
    private static let databaseCounter = Mutex(0)
    private static let sharedHarness = Mutex<PostgresHarness?>(nil)

    /// The process's cluster, started if it is not yet.
    public static func shared() async throws -> PostgresHarness {
        let task = sharedCluster.withLock { task -> Task<PostgresHarness, any Error> in
            if let task { return task }
            let started = Task {
                let harness = try await offThePool { try PostgresHarness() }
                sharedHarness.withLock { $0 = harness }
                return harness
            }
            task = started
            atexit { PostgresHarness.stopShared() }
            return started
        }
        return try await task.value
    }

    /// A new, empty database on this cluster, named `prefix` and a number.
    public func freshDatabase(_ prefix: String) async throws -> String {
        let number = Self.databaseCounter.withLock { counter -> Int in
            counter += 1
            return counter
        }
        let name = "\(prefix)_\(number)"
        try await offThePool { try self.createDatabase(name) }
        return name
    }


    /// Stops the process's cluster (at exit).
    static func stopShared() {
        let harness = sharedHarness.withLock { harness -> PostgresHarness? in
            defer { harness = nil }
            return harness
        }
        harness?.stop()
    }
}
