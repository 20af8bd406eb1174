import FafangConfig
import FafangCore
import FafangDaemon
import FafangStore
import Foundation
import Logging
import Testing

/// The ledger inbox takes bank batch results as Excel workbooks (openpyxl fixtures of
/// FafangConfigTests), against the bundled configuration.
@Suite("Ledger inbox: workbooks")
struct LedgerInboxWorkbookTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/FafangConfigTests/Fixtures/office").path

    @Test func importsAWorkbookAndRefusesABadOneNamingItsCells() async throws {
        let outcome = ConfigLoader.load(path: Self.root.appendingPathComponent("Config").path)
        let configuration = try #require(outcome.configuration, "\(outcome.errors)")
        let service = LedgerService(store: try SQLiteStore.inMemory(), logger: Logger(label: "test"))
        let inbox = NSTemporaryDirectory() + "fafang-inbox-" + UUID().uuidString
        let manager = FileManager.default
        try manager.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        defer { try? manager.removeItem(atPath: inbox) }
        for name in ["ledger.xlsx", "ledger-bad.xlsx"] {
            try manager.copyItem(atPath: Self.fixtures + "/" + name, toPath: inbox + "/" + name)
        }
        try Data("lock".utf8).write(to: URL(fileURLWithPath: inbox + "/~$ledger.xlsx"))

        let now = Date(timeIntervalSince1970: 1_640_000_000)
        #expect(await service.processInbox(inbox, configuration: configuration, now: now) == ["ledger-bad.xlsx", "ledger.xlsx"])
        #expect(manager.fileExists(atPath: inbox + "/done/ledger.xlsx"))
        #expect(manager.fileExists(atPath: inbox + "/rejected/ledger-bad.xlsx"))
        #expect(manager.fileExists(atPath: inbox + "/~$ledger.xlsx"))
        let reason = try String(contentsOfFile: inbox + "/rejected/ledger-bad.xlsx.reason.txt", encoding: .utf8)
        #expect(reason.contains("ledger-bad.xlsx:代发结果!E5: amount_yuan:"))
        #expect(reason.contains("ledger-bad.xlsx:代发结果!F7: date:"))
        let ledger = try await service.store.ledger()
        #expect(ledger.count == 24)
        #expect(!ledger.contains { $0.bankReference == "YCP2021FAILED" })
    }
}
