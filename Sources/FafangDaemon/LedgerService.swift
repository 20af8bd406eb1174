import FafangConfig
import FafangCore
import Foundation
import Logging

/// Records what was actually paid: one payment from the operator, a bank batch file, or every
/// file dropped into the ledger inbox. Checks each entry against the configuration (known
/// project and payee, no overpayment) inside the store's transaction; a file with any bad row is
/// refused whole, with every problem and its line.
public struct LedgerService: Sendable {
    public let store: any Store
    public let logger: Logger
    /// Told when a file could not be recorded for lack of space (the daemon's; nil elsewhere).
    public let storeHealth: StoreHealth?

    public init(store: any Store, logger: Logger, storeHealth: StoreHealth? = nil) {
        self.store = store
        self.logger = logger
        self.storeHealth = storeHealth
    }

    /// What importing a file came to.
    public enum ImportOutcome: Sendable {
        case recorded(LedgerWriteResult, skippedFailed: Int)
        case rejected([Diagnostic])
        /// The store could not be written for lack of space: nothing was recorded, and nothing
        /// is wrong with the file (the inbox keeps it and tries again).
        case outOfSpace(String)
    }

    /// Records entries (already parsed) against `configuration`, with `audit`'s entry for what
    /// was recorded in the same transaction. Throws `LedgerRejection`.
    public func record(_ entries: [LedgerEntry], source: String, configuration: Configuration, now: Date,
                       audit: (@Sendable (LedgerWriteResult) -> AuditEntry?)? = nil) async throws -> LedgerWriteResult {
        let result = try await store.recordLedger(entries, source: source, now: now, audit: audit) { entry, paidBefore in
            LedgerFile.problem(with: entry, paidBefore: paidBefore, in: configuration)
        }
        for entry in result.inserted {
            logger.info("payment recorded", metadata: [
                "project.code": "\(entry.projectCode)", "payee.id": "\(entry.payeeID)", "ledger.amount_fen": "\(entry.amount.fen)",
                "ledger.date": "\(entry.date)", "ledger.source": "\(source)",
            ])
        }
        return result
    }

    /// Imports a CSV file or an Excel workbook (`sheet`, else its first): all of it, or (on any
    /// problem) none of it. Each entry is recorded by `recordedBy` (an operator's account name;
    /// nil for a machine source), with `source` (default: the file's name). An operator's import
    /// is audited in the transaction that records it: by `audit` (the console's entry, with the
    /// name the file was uploaded under and the rows the bank reported failed), else in English.
    public func importFile(_ path: String, sheet: String? = nil, configuration: Configuration, now: Date,
                           recordedBy: String? = nil, source: String? = nil,
                           audit: (@Sendable (_ recorded: LedgerWriteResult, _ skippedFailed: Int) -> AuditEntry)? = nil) async -> ImportOutcome {
        let parsed: LedgerFile.Parsed
        switch LedgerFile.read(path, sheet: sheet) {
        case let .failure(rejected): return .rejected(rejected.diagnostics)
        case let .success(value): parsed = value
        }
        let name = (path as NSString).lastPathComponent
        do {
            let entries = parsed.rows.map { row in
                var entry = row.entry
                entry.recordedBy = recordedBy
                return entry
            }
            let skipped = parsed.skippedFailed.count
            var entry: (@Sendable (LedgerWriteResult) -> AuditEntry?)?
            if let actor = recordedBy {
                entry = { @Sendable (result: LedgerWriteResult) -> AuditEntry? in
                    if let audit { return audit(result, skipped) }
                    let amount = result.inserted.map(\.amount).sum().yuanString
                    return AuditEntry(at: now, actor: actor, action: "ledger_record", subject: "file \(name)",
                                      detail: "recorded \(result.inserted.count) payments, \(amount) 元; already recorded \(result.duplicates)")
                }
            }
            let result = try await record(entries, source: source ?? name, configuration: configuration, now: now, audit: entry)
            return .recorded(result, skippedFailed: skipped)
        } catch let rejection as LedgerRejection {
            return .rejected(rejection.problems.map {
                let row = parsed.rows[$0.index]
                return Diagnostic(file: path, line: row.line, keyPath: "", message: $0.message, place: row.place)
            })
        } catch {
            if StoreSpace.isOutOfSpace(error) {
                storeHealth?.failed(error, during: "recording payments")
                return .outOfSpace("\(path): not recorded, the database has no space left: \(error)")
            }
            return .rejected([Diagnostic(file: path, line: 0, keyPath: "", message: "could not record: \(error)")])
        }
    }

    /// Imports every `*.csv` and `*.xlsx` (first sheet) in `directory` once: a recorded file moves to `done/`, a refused one
    /// to `rejected/` beside a `NAME.reason.txt` listing its problems. Files being written
    /// (names starting with `.`) are left alone, and so is a file the store had no space for: it
    /// is tried again at the next look. Returns the names processed.
    @discardableResult
    public func processInbox(_ directory: String, configuration: Configuration, now: Date) async -> [String] {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return [] }
        var processed: [String] = []
        for name in names.sorted() where Self.isInboxFile(name) {
            let path = (directory as NSString).appendingPathComponent(name)
            let outcome = await importFile(path, configuration: configuration, now: now)
            let target: String
            var reason: String?
            switch outcome {
            case let .recorded(result, skipped):
                target = "done"
                logger.info("ledger file imported", metadata: [
                    "ledger.file": "\(name)", "ledger.inserted": "\(result.inserted.count)",
                    "ledger.duplicates": "\(result.duplicates)", "ledger.skipped_failed": "\(skipped)",
                ])
            case let .rejected(problems):
                target = "rejected"
                reason = problems.map(\.description).joined(separator: "\n") + "\n"
                logger.warning("ledger file rejected", metadata: ["ledger.file": "\(name)", "ledger.problems": "\(problems.count)"])
            case .outOfSpace:
                logger.warning("ledger file kept in the inbox: no space to record it", metadata: ["ledger.file": "\(name)"])
                continue
            }
            try? manager.createDirectory(atPath: (directory as NSString).appendingPathComponent(target), withIntermediateDirectories: true)
            try? reason?.write(toFile: (directory as NSString).appendingPathComponent("\(target)/\(name).reason.txt"), atomically: true, encoding: .utf8)
            let destination = (directory as NSString).appendingPathComponent("\(target)/\(name)")
            try? manager.removeItem(atPath: destination)
            do {
                try manager.moveItem(atPath: path, toPath: destination)
            } catch {
                logger.error("could not move ledger file", metadata: ["ledger.file": "\(name)", "error": "\(error)"])
            }
            processed.append(name)
        }
        return processed
    }

    /// A bank batch file the inbox takes: CSV or a workbook, not one being written (`.name`) nor
    /// Excel's lock file (`~$name.xlsx`).
    static func isInboxFile(_ name: String) -> Bool {
        let lower = name.lowercased()
        guard !name.hasPrefix("."), !name.hasPrefix("~$") else { return false }
        return lower.hasSuffix(".csv") || OfficeFile.kind(of: lower) == .workbook
    }
}
