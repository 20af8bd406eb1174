import FafangCore
import Foundation

/// The contract's cases for approval (held messages in batches, decisions), the ledger's day
/// totals, the audit log and the console's delivery filters.
extension StoreContract {
    static let day = CivilDate(iso: "2021-03-15")!

    /// An SMS about a payment that waits for an approver, in the batch of `project` and `day`.
    static func held(_ key: String, project: String = "P1", on day: CivilDate = StoreContract.day, amount: Int64 = 100,
                     segments: Int = 1, recordedBy: String? = "clerk-a", recipient: String = "17000000001",
                     notBefore: Date? = nil) -> OutboxItem {
        var held = item(key, recipient: recipient, notBefore: notBefore)
        held.projectCode = project
        held.approval = ApprovalHold(projectCode: project, day: day)
        held.amount = .yuan(amount)
        held.segments = segments
        held.recordedBy = recordedBy
        return held
    }

    static func enqueue(_ store: any Store, _ items: [OutboxItem], at now: Date = t0) async throws {
        let events = Set(items.map(\.eventKey)).sorted().map { event($0) }
        try await store.enqueue(EnqueueBatch(events: events, items: items), now: now)
    }

    /// The only open batch, or a failure.
    static func openBatch(_ store: any Store, line: Int = #line) async throws -> ApprovalBatch {
        let open = try await store.approvalBatches(states: [.open], limit: 10)
        try expect(open.count == 1, "one open batch, found \(open.count)", line: line)
        return open[0]
    }

    static func approve(_ batch: ApprovalBatch, by name: String = "approver-b") -> BatchDecision {
        BatchDecision(batchID: batch.id, verdict: .approve, decidedBy: name, expectedCount: batch.messageCount)
    }

    /// Each message of a decided batch is as `transition` of `MessageLifecycle` leaves it as it was before.
    static func expectDecided(_ store: any Store, _ before: [OutboxMessage], clock: ManualClock, line: Int = #line,
                              _ transition: (inout MessageLifecycle<ManualClock>) -> MessageAction) async throws {
        for message in before {
            var lifecycle = MessageLifecycle(message, clock: clock)
            _ = transition(&lifecycle)
            var expected = lifecycle.message
            // A message read back is not before its next attempt.
            expected.item.notBefore = expected.nextAttemptAt
            let stored = try await store.message(id: message.id)
            try expect(stored == expected, "\(message.idempotencyKey) as the lifecycle leaves it: \(String(describing: stored))", line: line)
        }
    }

    static let approvalCases: [Case] = [
        Case(name: "held messages join one open batch per project and day, and are never claimed") { store in
            let other = CivilDate(iso: "2021-03-16")!
            try await enqueue(store, [held("K1", amount: 100, segments: 1), held("K2", amount: 250, segments: 2, recordedBy: "clerk-c"),
                                      held("K3", on: other), held("K4", project: "P2"), item("K5", channel: .webhook, gateway: "v1")])
            try expect(try await store.outboxCounts() == [.held: 4, .pending: 1], "four held, the webhook pending")
            let open = try await store.approvalBatches(states: [.open], limit: 10)
            try expect(open.count == 3, "three batches (P1 two days, P2): \(open.map { "\($0.projectCode) \($0.day)" })")
            try expect(open.map(\.id) == open.map(\.id).sorted(by: >), "newest first")
            guard let first = open.first(where: { $0.projectCode == "P1" && $0.day == day }) else {
                throw Failure(description: "no batch of P1 on \(day)")
            }
            try expect(first.state == .open && first.messageCount == 2 && first.totalAmount == .yuan(350) && first.segments == 3,
                       "counted from its messages: \(first.messageCount), \(first.totalAmount), \(first.segments) segments")
            try expect(first.recordedBy == ["clerk-a", "clerk-c"] && first.createdAt == t0, "recorders \(first.recordedBy)")
            try expect(try await store.approvalBatch(id: first.id) == first, "read alone, the same batch")
            let messages = try await store.batchMessages(id: first.id, limit: 10)
            try expect(messages.map(\.idempotencyKey) == ["K1", "K2"], "its messages in order: \(messages.map(\.idempotencyKey))")
            try expect(messages.allSatisfy { $0.state == .held && $0.batchID == first.id && $0.attempts == 0 }, "held in it")
            try expect(messages.map(\.item.amount) == [.yuan(100), .yuan(250)] && messages.map(\.item.segments) == [1, 2]
                       && messages.map(\.item.recordedBy) == ["clerk-a", "clerk-c"], "amount, segments and recorder stored")
            try expect(try await store.batchMessages(id: first.id, limit: 1).count == 1, "up to the limit")
            try await enqueue(store, [held("K1"), held("K6")])
            let grown = try await store.approvalBatch(id: first.id)
            try expect(grown?.messageCount == 3 && grown?.totalAmount == .yuan(450), "a replay is not counted, a new message joins")
            let later = t0.addingTimeInterval(86_400 * 30)
            let claimed = try await store.claim(limit: 10, owner: "a", now: later, lease: 60)
            try expect(claimed.map(\.idempotencyKey) == ["K5"], "only the webhook is claimed: \(claimed.map(\.idempotencyKey))")
            try expect(try await store.claimProbe(gateway: "kannel", owner: "a", now: later, lease: 60) == nil, "no probe of a held message")
            try expect(try await store.nextDue() == claimed.first?.leaseExpiresAt, "next due is the webhook's lease, not a held message")
        },
        Case(name: "once a batch is decided, later messages of the day open a new one") { store in
            try await enqueue(store, [held("K1")])
            let first = try await openBatch(store)
            guard case .success = try await store.decide(approve(first), now: t0) else { throw Failure(description: "approval refused") }
            try await enqueue(store, [held("K2")])
            let second = try await openBatch(store)
            try expect(second.id != first.id && second.messageCount == 1 && second.day == first.day, "a new batch of the same day")
            try expect(try await store.approvalBatch(id: first.id)?.messageCount == 1, "the decided batch keeps its count")
            try expect(try await store.approvalBatches(states: [.approved], limit: 10).map(\.id) == [first.id], "listed by state")
            try expect(try await store.approvalBatches(states: nil, limit: 10).map(\.id) == [second.id, first.id], "all, newest first")
            try expect(try await store.approvalBatches(states: nil, limit: 1).map(\.id) == [second.id], "up to the limit")
        },
        Case(name: "approving makes the batch's messages pending, due now or at their own later time") { store in
            let clock = ManualClock(t0.addingTimeInterval(60))
            try await enqueue(store, [held("K1"), held("K2", notBefore: t0.addingTimeInterval(7200)), item("K3", kind: .paymentInProgress)])
            let batch = try await openBatch(store)
            let before = try await store.batchMessages(id: batch.id, limit: 10)
            let result = try await store.decide(approve(batch, by: "approver-b"), now: clock.now)
            guard case let .success(decided) = result else { throw Failure(description: "refused: \(result)") }
            try expect(decided.state == .approved && decided.decidedBy == "approver-b" && decided.decidedAt == clock.now && decided.reason == nil,
                       "the batch records who and when")
            try expect(try await store.approvalBatch(id: batch.id) == decided, "as stored")
            try await expectDecided(store, before, clock: clock) { $0.approved() }
            let due = try await store.batchMessages(id: batch.id, limit: 10).map(\.nextAttemptAt)
            try expect(due == [clock.now, t0.addingTimeInterval(7200)], "due now, or at its own later time: \(due)")
            let claimed = try await store.claim(limit: 10, owner: "a", now: clock.now, lease: 86_400)
            try expect(claimed.map(\.idempotencyKey).sorted() == ["K1", "K3"], "the due one claimed with the unheld one: \(claimed.map(\.idempotencyKey))")
            try expect(try await store.claim(limit: 10, owner: "a", now: t0.addingTimeInterval(7200), lease: 60).map(\.idempotencyKey) == ["K2"],
                       "the later one at its time")
        },
        Case(name: "rejecting keeps the messages, rejected with the reason, never claimed") { store in
            try await enqueue(store, [held("K1"), held("K2")])
            let batch = try await openBatch(store)
            let before = try await store.batchMessages(id: batch.id, limit: 10)
            let decision = BatchDecision(batchID: batch.id, verdict: .reject(reason: "金额有误"), decidedBy: "approver-b", expectedCount: 2)
            guard case let .success(decided) = try await store.decide(decision, now: t0.addingTimeInterval(10)) else {
                throw Failure(description: "rejection refused")
            }
            try expect(decided.state == .rejected && decided.reason == "金额有误" && decided.decidedBy == "approver-b", "the batch says why")
            try await expectDecided(store, before, clock: ManualClock(t0.addingTimeInterval(10))) { $0.rejected(reason: "金额有误") }
            let messages = try await store.batchMessages(id: batch.id, limit: 10)
            try expect(messages.allSatisfy { $0.state == .rejected && $0.lastError == "金额有误" }, "rejected with the reason")
            try expect(try await store.outboxCounts() == [.rejected: 2], "counted as rejected")
            try expect(try await store.claim(limit: 10, owner: "a", now: t0.addingTimeInterval(86_400), lease: 60).isEmpty, "never claimed")
            try expect(try await store.nextDue() == nil, "nothing waits")
            try expect(try await store.retryDead(clock: ManualClock(t0)) == 0, "an operator's retry of dead messages leaves them")
            let again = try await store.decide(approve(decided), now: t0.addingTimeInterval(20))
            try expect(again == .failure(.alreadyDecided(.rejected)), "decided once: \(again)")
        },
        Case(name: "a decision on a batch that changed, or does not exist, is refused and writes nothing") { store in
            try await enqueue(store, [held("K1")])
            let seen = try await openBatch(store)
            try await enqueue(store, [held("K2")])
            let result = try await store.decide(approve(seen), now: t0.addingTimeInterval(10))
            try expect(result == .failure(.changed(seen: 1, now: 2)), "refused as changed: \(result)")
            let batch = try await store.approvalBatch(id: seen.id)
            try expect(batch?.state == .open && batch?.decidedBy == nil && batch?.messageCount == 2, "still open, undecided")
            try expect(try await store.outboxCounts() == [.held: 2], "both still held")
            let missing = try await store.decide(BatchDecision(batchID: seen.id + 100, verdict: .approve, decidedBy: "b", expectedCount: 0),
                                                 now: t0)
            try expect(missing == .failure(.notFound), "an unknown batch: \(missing)")
        },
        Case(name: "ledger totals sum by project and day; replays, by anyone, are not counted") { store in
            let march = CivilDate(iso: "2021-03-01")!
            func paid(_ reference: String, _ yuan: Int64, project: String = "P1", payee: String = "H1", on date: CivilDate = march,
                      by name: String? = "clerk-a") -> LedgerEntry {
                LedgerEntry(projectCode: project, payeeID: payee, amount: .yuan(yuan), date: date, bankReference: reference, recordedBy: name)
            }
            let next = march.adding(days: 1)
            _ = try await store.recordLedger([paid("B1", 100), paid("B2", 50, payee: "H2"), paid("B3", 30, on: next), paid("B4", 10, project: "P2")],
                                             source: "cli", now: t0) { _, _ in nil }
            let replay = try await store.recordLedger([paid("B1", 100, by: "clerk-z"), paid("B5", 5, on: next, by: nil)], source: "api",
                                                      now: t0) { _, _ in nil }
            try expect(replay.duplicates == 1 && replay.inserted.map(\.bankReference) == ["B5"], "the replay by another recorder is a duplicate")
            do {
                _ = try await store.recordLedger([paid("B6", 1_000)], source: "cli", now: t0) { _, _ in "overpays" }
                try expect(false, "the refused batch was accepted")
            } catch is LedgerRejection {}
            let totals = try await store.ledgerTotals()
            let expected = [LedgerDayTotal(projectCode: "P1", date: march, amount: .yuan(150), entries: 2),
                            LedgerDayTotal(projectCode: "P1", date: next, amount: .yuan(35), entries: 2),
                            LedgerDayTotal(projectCode: "P2", date: march, amount: .yuan(10), entries: 1)]
            try expect(totals == expected, "totals \(totals)")
            let recorders = try await store.ledger().map(\.recordedBy)
            try expect(recorders == ["clerk-a", "clerk-a", "clerk-a", "clerk-a", nil], "who recorded each, the first one kept: \(recorders)")
        },
        Case(name: "a decision's and a recording's audit entries are written with them, and not with what is refused") { store in
            try await enqueue(store, [held("K1")])
            let seen = try await openBatch(store)
            func audited(_ subject: String) -> AuditEntry {
                AuditEntry(at: t0, actor: "approver-b", action: "batch_approve", subject: subject, detail: "1 messages")
            }
            var stale = approve(seen)
            stale.expectedCount += 1
            stale.audit = audited("refused")
            try expect(try await store.decide(stale, now: t0) == .failure(.changed(seen: 2, now: 1)), "refused as changed")
            var decision = approve(seen)
            decision.audit = audited("batch \(seen.id)")
            guard case .success = try await store.decide(decision, now: t0) else { throw Failure(description: "approval refused") }
            let entry = LedgerEntry(projectCode: "P1", payeeID: "H1", amount: .yuan(10), date: day, bankReference: "A1", recordedBy: "clerk-a")
            let ledgerAudit: @Sendable (LedgerWriteResult) -> AuditEntry? = { result in
                AuditEntry(at: t0, actor: "clerk-a", action: "ledger_record", subject: "file a.csv", detail: "recorded \(result.inserted.count)")
            }
            do {
                _ = try await store.recordLedger([entry], source: "cli", now: t0, audit: ledgerAudit) { _, _ in "overpays" }
                try expect(false, "the refused batch was accepted")
            } catch is LedgerRejection {}
            _ = try await store.recordLedger([entry], source: "cli", now: t0, audit: ledgerAudit) { _, _ in nil }
            let log = try await store.auditLog(limit: 10, before: nil)
            try expect(log.map(\.subject) == ["file a.csv", "batch \(seen.id)"] && log.first?.detail == "recorded 1",
                       "the decision's and the recording's entries only: \(log.map(\.subject))")
        },
        Case(name: "the audit log reads newest first, page by page") { store in
            for index in 1...5 {
                try await store.recordAudit(AuditEntry(at: t0.addingTimeInterval(TimeInterval(index)), actor: "approver-b", action: "batch_approve",
                                                       subject: "batch \(index)", detail: "\(index) messages"))
            }
            let page = try await store.auditLog(limit: 2, before: nil)
            try expect(page.map(\.subject) == ["batch 5", "batch 4"], "newest first: \(page.map(\.subject))")
            try expect(page[0].actor == "approver-b" && page[0].action == "batch_approve" && page[0].detail == "5 messages"
                       && page[0].at == t0.addingTimeInterval(5) && page[0].id > page[1].id, "every field read back, ids assigned")
            let next = try await store.auditLog(limit: 2, before: page[1].id)
            try expect(next.map(\.subject) == ["batch 3", "batch 2"], "the next page: \(next.map(\.subject))")
            try expect(try await store.auditLog(limit: 10, before: next[1].id).map(\.subject) == ["batch 1"], "the last page")
        },
        Case(name: "deliveries filter by phone tail, project and time, and page by id") { store in
            var other = item("K3", recipient: "17000005678")
            other.projectCode = "P2"
            try await enqueue(store, [item("K1", recipient: "17000001234"), item("K2", recipient: "17000011234"), other,
                                      item("K4", recipient: "v1234", channel: .webhook, gateway: "v1234", kind: .milestoneOverdue)])
            func keys(_ filter: DeliveryFilter) async throws -> [String] { try await store.deliveries(filter).map(\.message.idempotencyKey) }
            try expect(try await keys(DeliveryFilter(phoneTail: "1234")) == ["K2", "K1"], "SMS ending 1234, not the webhook, newest first")
            try expect(try await keys(DeliveryFilter(phoneTail: "01234")) == ["K1"], "a longer tail")
            try expect(try await keys(DeliveryFilter(phoneTail: "78")) == ["K3"], "a shorter tail")
            try expect(try await keys(DeliveryFilter(projectCode: "P2")) == ["K3"], "by project")
            try expect(try await keys(DeliveryFilter(projectCode: "P1", phoneTail: "5678")).isEmpty, "both must hold")
            try expect(try await keys(DeliveryFilter(until: t0)).isEmpty, "nothing updated before t0")
            try expect(try await keys(DeliveryFilter(until: t0.addingTimeInterval(1))).count == 4, "everything updated before t0 + 1 s")
            let page = try await store.deliveries(DeliveryFilter(limit: 2))
            try expect(page.map(\.message.idempotencyKey) == ["K4", "K3"], "the first page")
            let rest = try await keys(DeliveryFilter(beforeID: page.last?.message.id, limit: 2))
            try expect(rest == ["K2", "K1"], "the next page: \(rest)")
        },
    ]
}
