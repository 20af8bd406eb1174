import FafangCore
@testable import FafangStore
import Foundation
import GRDB
import Testing

/// `SQLiteStore.openForReading`, which `fafang migrate` reads a township's database through:
/// refused on a missing file or another schema version; rows by key, a chunk at a time; and
/// whether another connection wrote meanwhile.
@Suite("SQLite store read for a migration")
struct SQLiteReadingTests {
    static func directory() -> String { NSTemporaryDirectory() + "fafang-read-" + UUID().uuidString.prefix(8) }

    @Test func aMissingFileOrAnOlderSchemaIsRefused() throws {
        let folder = Self.directory()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: StoreError.self) { try SQLiteStore.openForReading(path: folder + "/none.sqlite") }
        #expect(throws: StoreError.self) { try SQLiteStore.openForReading(path: folder) }
        let path = folder + "/old.sqlite"
        try SQLiteStore.migrator.migrate(DatabaseQueue(path: path), upTo: "v3: lifecycle, unrouted events, gateway health")
        let error = #expect(throws: StoreError.self) { try SQLiteStore.openForReading(path: path) }
        #expect(error?.message.contains("older than \"v7: space probe\" (it is at \"v3: lifecycle, unrouted events, gateway health\")") == true,
                "\(String(describing: error))")
    }

    @Test func rowsComeByKeyAChunkAtATimeAndWritesElsewhereAreSeen() async throws {
        let folder = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try SQLiteStore.open(directory: folder)
        let day = CivilDate(iso: "2021-03-15")!
        let entries = (1...5).map { index in
            LedgerEntry(projectCode: index % 2 == 0 ? "P2" : "P1", payeeID: "H\(index)", amount: .yuan(Int64(index)), date: day.adding(days: index % 3),
                        bankReference: "B\(index)")
        }
        _ = try await store.recordLedger(entries, source: "test", now: Date(timeIntervalSince1970: 1_615_773_600)) { _, _ in nil }
        let reader = try SQLiteStore.openForReading(path: folder + "/" + SQLiteStore.fileName)
        #expect(try await reader.columns(of: "ledger_day_total") == ["project_code", "paid_on", "amount_fen", "entries"])
        var seen: [[SQLiteValue]] = []
        var after: [SQLiteValue]?
        while true {
            let rows = try await reader.rows(of: "ledger_day_total", columns: ["project_code", "paid_on", "entries"], key: ["project_code", "paid_on"],
                                             after: after, limit: 2)
            seen += rows
            guard let last = rows.last, rows.count == 2 else { break }
            after = [last[0], last[1]]
        }
        #expect(seen.map { [$0[0], $0[1]] } == [
            [.text("P1"), .text("2021-03-15")], [.text("P1"), .text("2021-03-16")], [.text("P1"), .text("2021-03-17")],
            [.text("P2"), .text("2021-03-16")], [.text("P2"), .text("2021-03-17")],
        ])
        let version = try await reader.changeCounter()
        #expect(try await reader.changeCounter() == version)
        try await store.recordAudit(AuditEntry(at: Date(), actor: "a", action: "b", subject: "c"))
        #expect(try await reader.changeCounter() != version, "a write by the daemon's connection is seen")
    }
}
