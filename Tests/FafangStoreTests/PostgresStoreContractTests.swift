import FafangCore
import FafangPostgres
import FafangTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// The store contract, run against PostgreSQL: every case on a fresh database of one private
/// cluster (starting a cluster per case would cost seconds each).
@Suite("Store contract: PostgreSQL")
struct PostgresStoreContractTests {
    static let logger = Logger(label: "test")

    @Test("every case of the contract, each on a fresh database")
    func contract() async throws {
        let harness = try await PostgresHarness.shared()
        for (index, contract) in StoreContract.cases.enumerated() {
            let database = try await harness.freshDatabase("contract_\(index)")
            let store = try await PostgresStore.open(.init(host: "127.0.0.1", port: harness.port, username: harness.user, password: nil,
                                                           database: database, tls: .disable), logger: Self.logger)
            defer { store.close() }
            do {
                try await contract.run { store }
            } catch {
                Issue.record("\(contract.name): \(error)")
            }
        }
    }
}
