import FafangCore
import FafangStore
import FafangTestSupport
import Foundation
import Testing

@Suite("SQLite backups, restore and the state lock")
struct SQLiteBackupTests {
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "fafang-backup-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func item(_ index: Int) -> OutboxItem {
        OutboxItem(idempotencyKey: "k-\(index)", eventKey: "e-\(index)", kind: .paymentRecorded, projectCode: "OPS", channel: .webhook,
                   gateway: "sink", recipient: "sink", village: nil, payeeID: nil, text: "消息 \(index)", title: nil, notBefore: Date())
    }

    static func batch(_ range: Range<Int>) -> EnqueueBatch {
        let items = range.map(item)
        return EnqueueBatch(events: items.map { DueEvent(key: $0.eventKey, kind: .paymentRecorded, projectCode: "OPS", audiences: [], facts: .init()) },
                            items: items)
    }

    @Test("a backup is whole and checked, never replaces a file; restore keeps what it replaces; prune keeps the newest")
    func backupAndRestore() async throws {
        let root = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try SQLiteStore.open(directory: root + "/state")
        _ = try await store.enqueue(Self.batch(0..<50), now: Date())
        let live = root + "/state/" + SQLiteStore.fileName
        let first = root + "/backups/" + SQLiteBackup.fileName(at: Date(timeIntervalSince1970: 1_640_966_400))
        try FileManager.default.createDirectory(atPath: root + "/backups", withIntermediateDirectories: true)
        let report = try SQLiteBackup.backup(from: live, to: first)
        #expect(report.rows["outbox"] == 50)
        #expect((first as NSString).lastPathComponent == "fafang-20211231T160000Z.sqlite")
        #expect(!FileManager.default.fileExists(atPath: first + ".partial"))
        #expect(!FileManager.default.fileExists(atPath: first + "-wal"), "one self-contained file")
        #expect(throws: StoreError.self) { _ = try SQLiteBackup.backup(from: live, to: first) }

        _ = try await store.enqueue(Self.batch(50..<60), now: Date())
        let restored = try SQLiteBackup.restore(first, into: root + "/state", now: Date(timeIntervalSince1970: 1_640_970_000))
        #expect(restored.kept == live + ".replaced-20211231T170000Z")
        #expect(try SQLiteBackup.check(live).rows["outbox"] == 50, "the backup's rows, not the 60 of the store replaced")
        #expect(try SQLiteBackup.check(restored.kept!).rows["outbox"] == 60, "the store replaced is kept whole")

        for second in 1...3 {
            _ = try SQLiteBackup.backup(from: live, to: root + "/backups/" + SQLiteBackup.fileName(at: Date(timeIntervalSince1970: 1_640_966_400 + Double(second))))
        }
        let removed = try SQLiteBackup.prune(root + "/backups", keep: 2)
        #expect(removed.map { ($0 as NSString).lastPathComponent } == ["fafang-20211231T160000Z.sqlite", "fafang-20211231T160001Z.sqlite"])
        #expect(SQLiteBackup.backups(in: root + "/backups").count == 2)
    }

    @Test("a file with overwritten pages is found damaged, read-only; a sound one is not")
    func damage() async throws {
        let root = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try SQLiteStore.open(directory: root)
        _ = try await store.enqueue(Self.batch(0..<2_000), now: Date())
        let live = root + "/" + SQLiteStore.fileName
        let copy = root + "/copy.sqlite"
        _ = try SQLiteBackup.backup(from: live, to: copy)
        #expect(SQLiteBackup.damage(at: copy) == nil)
        try overwriteMiddlePages(of: copy)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: copy))
        #expect(SQLiteBackup.damage(at: copy) != nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == bytes)
        #expect(throws: StoreError.self) { _ = try SQLiteBackup.check(copy) }
    }

    @Test("the state lock is held once: a second taker is refused with the holder's pid, and it frees on release")
    func stateLock() throws {
        let root = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var first: StateLock? = try StateLock(directory: root)
        #expect {
            _ = try StateLock(directory: root)
        } throws: { error in
            "\(error)".contains("held by pid \(getpid())")
        }
        withExtendedLifetime(first) {}
        first = nil
        _ = try StateLock(directory: root)
    }
}
