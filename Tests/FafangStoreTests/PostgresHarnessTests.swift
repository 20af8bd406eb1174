import FafangTestSupport
import Foundation
import Testing

/// The private PostgreSQL cluster the PostgreSQL store's tests run on (issue 12). The blocking
/// start and stop run off Swift's concurrency pool, as the shared cluster's do.
@Suite("PostgreSQL harness")
struct PostgresHarnessTests {
    @Test func aPrivateClusterStartsOnLoopbackAndStops() async throws {
        let (identity, version, port, root, removed) = try await offThePool { () throws -> (String, String, Int, String, Bool) in
            let harness = try PostgresHarness()
            try harness.createDatabase("harness_check")
            let identity = try harness.psql("SELECT current_user || ' ' || inet_server_addr() || ' ' || current_setting('port')", database: "harness_check")
            let version = try harness.psql("SHOW server_version_num")
            let root = harness.root
            harness.stop()
            return (identity, version, harness.port, root, !FileManager.default.fileExists(atPath: root))
        }
        #expect(identity.trimmingCharacters(in: .whitespacesAndNewlines) == "fafang 127.0.0.1/32 \(port)")
        #expect(version.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("15"))
        #expect(removed, "\(root) is removed")
    }

    @Test func theSharedClusterGivesEachTestItsOwnDatabase() async throws {
        let harness = try await PostgresHarness.shared()
        let first = try await harness.freshDatabase("isolated")
        let second = try await harness.freshDatabase("isolated")
        #expect(first != second)
        #expect(try await PostgresHarness.shared() === harness, "one cluster per test process")
    }
}
