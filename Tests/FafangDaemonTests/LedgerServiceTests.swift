import FafangConfig
import FafangCore
import FafangDaemon
import FafangStore
import FafangTestSupport
import Foundation
import Logging
import Testing

@Suite("Ledger: record, import, inbox")
struct LedgerServiceTests {
    let now = Date(timeIntervalSince1970: 1_617_235_200)

    /// The fixture's configuration (RENT01: H1 owed 2,160, H2 owed 3,240; TRANS01: V1, V2) and a service.
    func setUp() throws -> (ConfigFixture, Configuration, LedgerService) {
        let fixture = ConfigFixture()
        let outcome = ConfigLoader.load(path: try fixture.write())
        let configuration = try #require(outcome.configuration, "\(outcome.diagnostics)")
        return (fixture, configuration, LedgerService(store: try SQLiteStore.inMemory(), logger: Logger(label: "test")))
    }

    func write(_ text: String, in fixture: ConfigFixture, name: String) throws -> String {
        let path = fixture.root + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A bank batch file `name`: the bank's headings, then `rows`.
    func bankFile(_ rows: String, in fixture: ConfigFixture, name: String = "bank.csv") throws -> String {
        try write("交易流水号,项目编码,户号,金额,日期,状态\n" + rows, in: fixture, name: name)
    }

    @Test func recordChecksPayeeAndOverpayment() async throws {
        let (fixture, configuration, service) = try setUp()
        defer { fixture.remove() }
        let date = CivilDate(iso: "2021-03-01")!
        _ = try await service.record([LedgerEntry(projectCode: "RENT01", payeeID: "H1", amount: .yuan(2000), date: date, bankReference: "B1")],
                               source: "cli", configuration: configuration, now: now)
        await #expect(throws: LedgerRejection.self) {
            try await service.record([LedgerEntry(projectCode: "RENT01", payeeID: "H1", amount: .yuan(161), date: date, bankReference: "B2")],
                               source: "cli", configuration: configuration, now: now)
        }
        await #expect(throws: LedgerRejection.self) {
            try await service.record([LedgerEntry(projectCode: "RENT01", payeeID: "H9", amount: .yuan(1), date: date, bankReference: "B3")],
                               source: "cli", configuration: configuration, now: now)
        }
        let exact = try await service.record([LedgerEntry(projectCode: "RENT01", payeeID: "H1", amount: .yuan(160), date: date, bankReference: "B4")],
                                       source: "cli", configuration: configuration, now: now)
        #expect(exact.inserted.count == 1)
    }

    @Test("an operator's import records the payments as theirs, and is audited; a replay by another is no new payment")
    func importByAnOperator() async throws {
        let (fixture, configuration, service) = try setUp()
        defer { fixture.remove() }
        let path = try bankFile("""
        B1,RENT01,H1,1000.00,2021-03-01,成功
        B2,RENT01,H2,500.00,2021-03-01,成功
        """, in: fixture)
        guard case let .recorded(result, _) = await service.importFile(path, configuration: configuration, now: now, recordedBy: "zhang") else {
            Issue.record("the file was refused")
            return
        }
        #expect(result.inserted.map(\.recordedBy) == ["zhang", "zhang"])
        #expect(try await service.store.ledger().map(\.recordedBy) == ["zhang", "zhang"])
        let audit = try #require(try await service.store.auditLog(limit: 10, before: nil).first)
        #expect(audit.actor == "zhang" && audit.action == "ledger_record" && audit.subject == "file bank.csv")
        #expect(audit.detail == "recorded 2 payments, 1,500.00 元; already recorded 0", "\(audit.detail)")
        guard case let .recorded(replay, _) = await service.importFile(path, configuration: configuration, now: now, recordedBy: "wang") else {
            Issue.record("the replay was refused")
            return
        }
        #expect(replay.inserted.isEmpty && replay.duplicates == 2)
        #expect(try await service.store.ledger().map(\.recordedBy) == ["zhang", "zhang"], "the first recorder stays")
        #expect(try await service.store.ledgerTotals().map(\.amount) == [.yuan(1500)])
    }

    @Test("a file with a bad row is refused whole, every problem with its line")
    func badFileIsRefusedWhole() async throws {
        let (fixture, configuration, service) = try setUp()
        defer { fixture.remove() }
        let path = try bankFile("""
        B1,RENT01,H1,1000.00,2021/3/1,成功
        B2,RENT01,H2,abc,2021-03-01,成功
        B3,RENT01,H9,10.00,2021-03-01,成功
        B4,RENT01,H2,10.00,2021-02-30,成功
        B5,RENT01,H2,10.00,20210301,失败
        """, in: fixture)
        guard case let .rejected(problems) = await service.importFile(path, configuration: configuration, now: now) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(problems.map(\.line) == [3, 5])
        #expect(problems.map(\.keyPath) == ["amount_yuan", "date"])
        #expect(try await service.store.ledger().isEmpty)
        // Fix the syntax: the unknown payee on line 4 is then reported, and still nothing is recorded.
        let fixed = try bankFile("""
        B1,RENT01,H1,1000.00,2021/3/1,成功
        B3,RENT01,H9,10.00,2021-03-01,成功
        B5,RENT01,H2,10.00,20210301,失败
        """, in: fixture, name: "bank2.csv")
        guard case let .rejected(second) = await service.importFile(fixed, configuration: configuration, now: now) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(second.map(\.line) == [3])
        #expect(second.first?.message.contains("H9 is not in the register") == true)
        #expect(try await service.store.ledger().isEmpty)
    }

    @Test func inboxImportsOnceAndMovesFiles() async throws {
        let (fixture, configuration, service) = try setUp()
        defer { fixture.remove() }
        let inbox = fixture.root + "/inbox"
        _ = try write("bank_reference,project_code,payee_id,amount_yuan,date\nB1,RENT01,H1,100.00,2021-03-01\n", in: fixture, name: "inbox/good.csv")
        _ = try write("bank_reference,project_code,payee_id,amount_yuan,date\nB2,RENT01,H1,999999.00,2021-03-01\n", in: fixture, name: "inbox/bad.csv")
        _ = try write("partial", in: fixture, name: "inbox/.incoming.csv")
        #expect(await service.processInbox(inbox, configuration: configuration, now: now) == ["bad.csv", "good.csv"])
        #expect(await service.processInbox(inbox, configuration: configuration, now: now).isEmpty)
        let manager = FileManager.default
        #expect(manager.fileExists(atPath: inbox + "/done/good.csv"))
        #expect(manager.fileExists(atPath: inbox + "/rejected/bad.csv"))
        let reason = try String(contentsOfFile: inbox + "/rejected/bad.csv.reason.txt", encoding: .utf8)
        #expect(reason.contains("bad.csv:2: overpays H1"))
        #expect(manager.fileExists(atPath: inbox + "/.incoming.csv"))
        #expect(try await service.store.ledger().map(\.bankReference) == ["B1"])
    }
}
