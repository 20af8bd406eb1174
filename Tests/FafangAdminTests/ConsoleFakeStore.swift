import FafangCore
import FafangStore
import Foundation
import Synchronization

/// The console's tests' store: the SQLite store for the outbox, the ledger and gateways, and in
/// memory the approval batches and the audit log (their SQLite side comes in another branch).
/// It notes the ledger entries it is given and every decision.
final class ConsoleFakeStore: Store {
    struct Held: Sendable {
        var batches: [Int64: ApprovalBatch] = [:]
        var messages: [Int64: [OutboxMessage]] = [:]
        var audit: [AuditEntry] = []
        var decisions: [BatchDecision] = []
        var ledgerEntries: [LedgerEntry] = []
    }

    let database: SQLiteStore
    private let held = Mutex(Held())

    init(database: SQLiteStore) { self.database = database }

    var state: Held { held.withLock { $0 } }

    /// Adds an open batch of `count` held messages (the first `sample` of them kept as messages),
    /// recorded by `recordedBy`.
    @discardableResult
    func addBatch(id: Int64, recordedBy: Set<String>, messages: [OutboxMessage], count: Int? = nil, total: Money = .yuan(2160)) -> ApprovalBatch {
        let batch = ApprovalBatch(id: id, projectCode: "RENT01", day: CivilDate(iso: "2021-06-20")!, state: .open,
                                  messageCount: count ?? messages.count, totalAmount: total,
                                  segments: messages.map(\.item.segments).reduce(0, +), recordedBy: recordedBy, createdAt: AdminTestRig.now)
        held.withLock {
            $0.batches[id] = batch
            $0.messages[id] = messages
        }
        return batch
    }

    /// A message grows the batch after the approver looked at it.
    func grow(batch id: Int64) { held.withLock { $0.batches[id]?.messageCount += 1 } }

    // MARK: Approval and audit, in memory

    func approvalBatches(states: Set<ApprovalBatch.State>?, limit: Int) async throws -> [ApprovalBatch] {
        held.withLock { held in
            Array(held.batches.values.filter { states?.contains($0.state) ?? true }.sorted { $0.id > $1.id }.prefix(limit))
        }
    }

    func approvalBatch(id: Int64) async throws -> ApprovalBatch? { held.withLock { $0.batches[id] } }

    func batchMessages(id: Int64, limit: Int) async throws -> [OutboxMessage] { held.withLock { Array(($0.messages[id] ?? []).prefix(limit)) } }

    /// What SQLite's SQLITE_FULL is to the store: a write not made for lack of space.
    struct NoSpace: StoreWriteFailure { var isOutOfSpace: Bool { true } }

    /// While set, a decision fails as a full disk makes it fail (`NoSpace`), recording nothing.
    let outOfSpace = Mutex(false)

    func decide(_ decision: BatchDecision, now: Date) async throws -> Result<ApprovalBatch, ApprovalRefusal> {
        if outOfSpace.withLock({ $0 }) { throw NoSpace() }
        return held.withLock { held in
            var noted = decision
            noted.audit = nil
            held.decisions.append(noted)
            guard var batch = held.batches[decision.batchID] else { return .failure(.notFound) }
            guard batch.state == .open else { return .failure(.alreadyDecided(batch.state)) }
            guard batch.messageCount == decision.expectedCount else { return .failure(.changed(seen: decision.expectedCount, now: batch.messageCount)) }
            switch decision.verdict {
            case .approve: batch.state = .approved
            case let .reject(reason):
                batch.state = .rejected
                batch.reason = reason
            }
            batch.decidedBy = decision.decidedBy
            batch.decidedAt = now
            held.batches[batch.id] = batch
            if let audit = decision.audit { Self.append(audit, to: &held) }
            return .success(batch)
        }
    }

    func recordAudit(_ entry: AuditEntry) async throws {
        held.withLock { Self.append(entry, to: &$0) }
    }

    private static func append(_ entry: AuditEntry, to held: inout Held) {
        var entry = entry
        entry.id = Int64(held.audit.count + 1)
        held.audit.append(entry)
    }

    func auditLog(limit: Int, before: Int64?) async throws -> [AuditEntry] {
        held.withLock { held in Array(held.audit.reversed().filter { before == nil || $0.id < before! }.prefix(limit)) }
    }

    // MARK: The rest, in SQLite

    func recordLedger(_ entries: [LedgerEntry], source: String, now: Date, audit: (@Sendable (LedgerWriteResult) -> AuditEntry?)?,
                      check: @escaping @Sendable (LedgerEntry, Money) -> String?) async throws -> LedgerWriteResult {
        held.withLock { $0.ledgerEntries += entries }
        let result = try await database.recordLedger(entries, source: source, now: now, check: check)
        if let entry = audit?(result) { held.withLock { Self.append(entry, to: &$0) } }
        return result
    }

    func ledgerTotals() async throws -> [LedgerDayTotal] { try await database.ledgerTotals() }
    func ledger(after: Int64) async throws -> (entries: [LedgerEntry], last: Int64) { try await database.ledger(after: after) }
    func emittedKeys() async throws -> Set<String> { try await database.emittedKeys() }
    func enqueue(_ batch: EnqueueBatch, now: Date) async throws -> Int { try await database.enqueue(batch, now: now) }
    func unroutedEvents() async throws -> [UnroutedEvent] { try await database.unroutedEvents() }
    func recordInquiry(_ inquiry: InquiryRecord, reply: OutboxItem?, dailyLimit: Int, dayStart: Date) async throws -> InquiryResult {
        try await database.recordInquiry(inquiry, reply: reply, dailyLimit: dailyLimit, dayStart: dayStart)
    }
    func claim(limit: Int, owner: String, now: Date, lease: TimeInterval) async throws -> [OutboxMessage] {
        try await database.claim(limit: limit, owner: owner, now: now, lease: lease)
    }
    func claimProbe(gateway: String, owner: String, now: Date, lease: TimeInterval) async throws -> OutboxMessage? {
        try await database.claimProbe(gateway: gateway, owner: owner, now: now, lease: lease)
    }
    func claimCompanions(of message: OutboxMessage, kinds: Set<DueEvent.Kind>, owner: String, now: Date, dueBy: Date,
                         lease: TimeInterval, limit: Int) async throws -> [OutboxMessage] {
        try await database.claimCompanions(of: message, kinds: kinds, owner: owner, now: now, dueBy: dueBy, lease: lease, limit: limit)
    }
    func commit(_ changes: [MessageChange]) async throws -> [OutboxMessage?] { try await database.commit(changes) }
    func record(_ receipt: DeliveryReceipt) async throws { try await database.record(receipt) }
    func message(id: Int64) async throws -> OutboxMessage? { try await database.message(id: id) }
    func message(matching key: String, phone: String?) async throws -> OutboxMessage? { try await database.message(matching: key, phone: phone) }
    func messages(in states: Set<MessageState>, id: Int64?, since: Date?) async throws -> [OutboxMessage] {
        try await database.messages(in: states, id: id, since: since)
    }
    func deliveries(_ filter: DeliveryFilter) async throws -> [DeliveryRecord] { try await database.deliveries(filter) }
    func outboxCounts() async throws -> [MessageState: Int] { try await database.outboxCounts() }
    func nextDue() async throws -> Date? { try await database.nextDue() }
    func recentAttempts(since: Date) async throws -> [RecentAttempt] { try await database.recentAttempts(since: since) }
    func attemptCount() async throws -> Int { try await database.attemptCount() }
    func timeline() async throws -> OutboxTimeline { try await database.timeline() }
    func gatewayHealth() async throws -> [GatewayHealth] { try await database.gatewayHealth() }
    func save(_ health: GatewayHealth, requeueWaitingAt now: Date?) async throws { try await database.save(health, requeueWaitingAt: now) }
    func probeSpace() async throws { try await database.probeSpace() }
}
