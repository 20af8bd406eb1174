import FafangTestSupport
import Foundation
import Testing

/// The private PostgreSQL cluster the PostgreSQL store's tests will run on (issue 12).
@Suite("PostgreSQL harness")
struct PostgresHarnessTests {
    @Test func aPrivateClusterStartsOnLoopbackAndStops() throws {
        let harness = try PostgresHarness()
        try harness.createDatabase("harness_check")
        #expect(try harness.psql("SELECT current_user || ' ' || inet_server_addr() || ' ' || current_setting('port')", database: "harness_check")
            .trimmingCharacters(in: .whitespacesAndNewlines) == "fafang 127.0.0.1/32 \(harness.port)")
        #expect(try harness.psql("SHOW server_version_num").trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("15"))
        let root = harness.root
        harness.stop()
        #expect(!FileManager.default.fileExists(atPath: root))
    }
}
