import FafangCore
import Foundation

/// The behaviour every `Store` must have, as named cases that run against any implementation:
/// a store's test suite passes a factory of fresh, empty stores and runs each case
/// (`@Test(arguments: StoreContract.cases)`), so a second store joins unchanged.
///
/// A case throws `StoreContract.Failure` naming what differed.
public enum StoreContract {
    /// A fresh, empty store.
    public typealias Factory = @Sendable () async throws -> any Store

    public struct Case: Sendable, CustomStringConvertible {
        public let name: String
        let body: @Sendable (any Store) async throws -> Void

        public var description: String { name }

        public func run(_ make: Factory) async throws { try await body(try await make()) }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String, line: Int = #line) throws {
        if !condition { throw Failure(description: "StoreContract.swift:\(line): \(message())") }
    }

    static let t0 = Date(timeIntervalSince1970: 1_609_459_200)  // 2021-01-01T00:00Z

    static func entry(_ reference: String, _ amount: Int64, payee: String = "H1") -> LedgerEntry {
        LedgerEntry(projectCode: "P1", payeeID: payee, amount: .yuan(amount), date: CivilDate(iso: "2021-02-01")!, bankReference: reference)
    }

    static func item(_ key: String, event: String = "E1", recipient: String = "17000000001", channel: Channel = .sms,
                     gateway: String = "kannel", kind: DueEvent.Kind = .paymentRecorded, notBefore: Date? = nil) -> OutboxItem {
        OutboxItem(idempotencyKey: key, eventKey: event, kind: kind, projectCode: "P1", channel: channel, gateway: gateway,
                   recipient: recipient, village: "甲村", payeeID: "H1", text: "您好", title: nil,
                   templateParameters: channel == .sms ? ["payee_name": "王淑兰", "amount": "4,950.00"] : [:], notBefore: notBefore ?? t0)
    }

    static func event(_ key: String = "E1", kind: DueEvent.Kind = .paymentRecorded) -> DueEvent {
        var facts = DueEvent.Facts()
        facts.amount = .yuan(4950)
        facts.paymentDate = CivilDate(iso: "2021-03-15")
        return DueEvent(key: key, kind: kind, projectCode: "P1", audiences: [.payee("H1"), .village("甲村")], facts: facts)
    }

    /// Claims, attempts and commits one message through the lifecycle, as the dispatcher does.
    static func attempt(_ store: any Store, _ message: OutboxMessage, _ verdict: DeliveryVerdict, owner: String,
                        clock: ManualClock) async throws -> OutboxMessage? {
        var lifecycle = MessageLifecycle(message, clock: clock)
        guard case .persist = lifecycle.attempted(verdict, by: owner, retry: .standard, random: 0.5) else { return message }
        let attempt = DeliveryAttempt(outboxID: message.id, number: lifecycle.message.attempts, startedAt: clock.now, durationMilliseconds: 3,
                                      httpStatus: 200, curlCode: 0, verdict: verdict.name, detail: verdict.reason)
        return try await store.commit([MessageChange(from: message, to: lifecycle.message, attempt: attempt)]).first ?? nil
    }

    /// Every case: the ledger and the outbox, then approval, totals, audit and filters.
    public static var cases: [Case] { outboxCases + approvalCases + inquiryCases }

    static let outboxCases: [Case] = [
        Case(name: "the space probe succeeds again and again and leaves the outbox as it was") { store in
            try await store.enqueue(EnqueueBatch(events: [event()], items: [item("K1")]), now: t0)
            for _ in 0..<3 { try await store.probeSpace() }
            try expect(try await store.outboxCounts() == [.pending: 1], "the outbox is as it was")
            try expect(try await store.claim(limit: 5, owner: "a", now: t0, lease: 60).map(\.idempotencyKey) == ["K1"], "and claims as before")
        },
        Case(name: "the ledger is idempotent on the bank reference") { store in
            let first = try await store.recordLedger([entry("B1", 100), entry("B2", 50)], source: "cli", now: t0) { _, _ in nil }
            try expect(first.inserted.count == 2, "first batch inserted \(first.inserted.count)")
            let again = try await store.recordLedger([entry("B1", 100)], source: "cli", now: t0) { _, _ in nil }
            try expect(again.inserted.isEmpty && again.duplicates == 1, "replay inserted \(again.inserted.count), duplicates \(again.duplicates)")
            try expect(try await store.ledger().map(\.bankReference) == ["B1", "B2"], "ledger order")
            let (after, last) = try await store.ledger(after: 0)
            let later = try await store.ledger(after: last).entries
            try expect(after.count == 2 && later.isEmpty, "positions only grow")
        },
        Case(name: "a conflicting or overpaid entry rejects the whole batch") { store in
            _ = try await store.recordLedger([entry("B1", 100)], source: "cli", now: t0) { _, _ in nil }
            let owed = Money.yuan(150)
            do {
                _ = try await store.recordLedger([entry("B2", 10), entry("B1", 99), entry("B3", 60)], source: "cli", now: t0) { entry, before in
                    before + entry.amount > owed ? "overpays \(entry.payeeID)" : nil
                }
                try expect(false, "the batch was accepted")
            } catch let rejection as LedgerRejection {
                // B1 conflicts with what was recorded; B3 would bring H1 to 170 > 150 (100 + 10 + 60).
                try expect(rejection.problems.map(\.index) == [1, 2], "problems at \(rejection.problems.map(\.index))")
                try expect(rejection.problems[1].message == "overpays H1", "problem \(rejection.problems[1].message)")
            }
            try expect(try await store.ledger().map(\.bankReference) == ["B1"], "nothing of the rejected batch is recorded")
        },
        Case(name: "enqueue is atomic and idempotent, and keeps template parameters") { store in
            let batch = EnqueueBatch(events: [event()], items: [item("K1"), item("K2", recipient: "17000000002")])
            try expect(try await store.enqueue(batch, now: t0) == 2, "two new messages")
            try expect(try await store.enqueue(EnqueueBatch(events: [event()], items: [item("K1")]), now: t0) == 0, "replay adds none")
            try expect(try await store.emittedKeys() == ["E1"], "emitted keys")
            try expect(try await store.outboxCounts() == [.pending: 2], "counts")
            let message = try await store.message(matching: "K1", phone: nil)
            try expect(message?.item.templateParameters == ["payee_name": "王淑兰", "amount": "4,950.00"], "parameters read back")
            try expect(message?.state == .pending && message?.attempts == 0, "a new message is pending")
        },
        Case(name: "an unrouted event is kept whole until routed") { store in
            let unroutable = event("E2")
            try await store.enqueue(EnqueueBatch(events: [event("E1"), unroutable], items: [item("K1")],
                                                 problems: ["E2": "no SMS gateway configured"]), now: t0)
            let kept = try await store.unroutedEvents()
            try expect(kept.map(\.event) == [unroutable], "the event comes back whole: \(kept.map(\.event.key))")
            try expect(kept.first?.problem == "no SMS gateway configured", "with its problem")
            try expect(try await store.emittedKeys() == ["E1", "E2"], "it counts as emitted (not derived again)")
            try await store.enqueue(EnqueueBatch(events: [unroutable], items: [item("K2", event: "E2")]), now: t0)
            try expect(try await store.unroutedEvents().isEmpty, "routed in full, it is cleared")
            try expect(try await store.outboxCounts() == [.pending: 2], "its message was enqueued")
        },
        Case(name: "a claim takes expired leases and due messages together, in due order, up to its limit, none of a paused gateway") { store in
            // K1 due first and leased by "a" (expires at +60); K2..K4 due later; K5 due but its gateway is paused.
            let items = [item("K1"), item("K2", notBefore: t0.addingTimeInterval(10)), item("K3", notBefore: t0.addingTimeInterval(20)),
                         item("K4", notBefore: t0.addingTimeInterval(30)), item("K5", gateway: "paused", notBefore: t0.addingTimeInterval(5))]
            try await store.enqueue(EnqueueBatch(events: [event()], items: items), now: t0)
            try expect(try await store.claim(limit: 1, owner: "a", now: t0, lease: 60).map(\.idempotencyKey) == ["K1"], "the first due")
            _ = try await store.pause(gateway: "paused", now: t0)
            let later = t0.addingTimeInterval(61)
            let two = try await store.claim(limit: 2, owner: "b", now: later, lease: 60)
            try expect(two.map(\.idempotencyKey) == ["K1", "K2"], "the expired lease and the next due, in due order: \(two.map(\.idempotencyKey))")
            let rest = try await store.claim(limit: 10, owner: "b", now: later, lease: 60)
            try expect(rest.map(\.idempotencyKey) == ["K3", "K4"], "the rest, not the paused gateway's: \(rest.map(\.idempotencyKey))")
        },
        Case(name: "claims lease due messages; an expired lease comes back; a lost lease refuses the result") { store in
            let clock = ManualClock(t0)
            try await store.enqueue(EnqueueBatch(events: [event()], items: [item("K1"), item("K2", notBefore: t0.addingTimeInterval(3600))]), now: t0)
            let claimed = try await store.claim(limit: 10, owner: "a", now: t0, lease: 60)
            try expect(claimed.map(\.idempotencyKey) == ["K1"], "only the due message")
            try expect(claimed.allSatisfy { MessageLifecycle<ManualClock>.isClaimable($0, now: t0) == false && $0.state == .sending }, "leased")
            try expect(try await store.claim(limit: 10, owner: "b", now: t0.addingTimeInterval(30), lease: 60).isEmpty, "a held lease")
            let retaken = try await store.claim(limit: 10, owner: "b", now: t0.addingTimeInterval(61), lease: 60)
            try expect(retaken.map(\.idempotencyKey) == ["K1"] && retaken.first?.leaseOwner == "b", "taken over with the same key")
            clock.set(t0.addingTimeInterval(62))
            // "a" comes back late: as it saw the message, its transition no longer applies.
            let late = try await attempt(store, claimed[0], .delivered(reference: nil), owner: "a", clock: clock)
            try expect(late?.leaseOwner == "b", "the write was refused and the current message returned")
            let written = try await attempt(store, retaken[0], .delivered(reference: "R1"), owner: "b", clock: clock)
            try expect(written == nil, "the holder's result is written")
            let records = try await store.deliveries(DeliveryFilter())
            let k1 = records.first { $0.message.idempotencyKey == "K1" }
            try expect(k1?.message.state == .sent && k1?.message.attempts == 1 && k1?.message.gatewayReference == "R1", "sent, one attempt")
            try expect(k1?.attempts.map(\.number) == [1] && k1?.attempts.first?.verdict == .delivered, "the attempt is recorded")
        },
        Case(name: "retries wait their time; receipts settle by key or reference") { store in
            let clock = ManualClock(t0)
            try await store.enqueue(EnqueueBatch(events: [event()], items: [item("K1")]), now: t0)
            var message = try await store.claim(limit: 1, owner: "a", now: t0, lease: 60)[0]
            _ = try await attempt(store, message, .retry(reason: "503", after: nil), owner: "a", clock: clock)
            try expect(try await store.claim(limit: 1, owner: "a", now: t0.addingTimeInterval(4), lease: 60).isEmpty, "not before the retry")
            message = try await store.claim(limit: 1, owner: "a", now: t0.addingTimeInterval(6), lease: 60)[0]
            try expect(message.attempts == 1 && message.lastError == "503", "the failed attempt counted")
            _ = try await attempt(store, message, .delivered(reference: "R9"), owner: "a", clock: clock)
            try expect(try await store.applyReceipt(matching: ["nope"], phone: nil, status: .delivered, statusText: "delivered", detail: "",
                                                    clock: clock) == nil, "an unknown key matches nothing")
            let accepted = try await store.applyReceipt(matching: ["K1"], phone: nil, status: .intermediate, statusText: "accepted", detail: "type 8",
                                                        clock: clock)
            try expect(accepted?.message.state == .sent && accepted?.changedState == false, "an intermediate report keeps the state")
            let delivered = try await store.applyReceipt(matching: ["R9"], phone: "17000000001", status: .delivered, statusText: "delivered",
                                                         detail: "type 1", clock: clock)
            try expect(delivered?.message.state == .delivered && delivered?.changedState == true, "delivered by the reference and phone")
            let record = try await store.deliveries(DeliveryFilter()).first
            try expect(record?.receipts.map(\.status) == ["accepted", "delivered"], "both reports recorded")
            try expect(record?.attempts.map(\.number) == [1, 2], "both attempts recorded")
        },
        Case(name: "a report that overtakes the sender stands; the attempt is still recorded") { store in
            let clock = ManualClock(t0)
            try await store.enqueue(EnqueueBatch(events: [event()], items: [item("K1")]), now: t0)
            let claimed = try await store.claim(limit: 1, owner: "a", now: t0, lease: 60)[0]
            _ = try await store.applyReceipt(matching: ["K1"], phone: nil, status: .delivered, statusText: "delivered", detail: "type 1", clock: clock)
            let moved = try await attempt(store, claimed, .delivered(reference: nil), owner: "a", clock: clock)
            try expect(moved?.state == .delivered, "the write from sending was refused: the report moved it")
            if let moved { _ = try await attempt(store, moved, .delivered(reference: nil), owner: "a", clock: clock) }
            let record = try await store.deliveries(DeliveryFilter()).first
            try expect(record?.message.state == .delivered && record?.message.leaseOwner == nil, "delivered, lease released")
            try expect(record?.attempts.count == 1, "the attempt recorded once")
        },
        Case(name: "a cloud SMS batch's receipts are matched by reference and phone") { store in
            let clock = ManualClock(t0)
            try await store.enqueue(EnqueueBatch(events: [event()], items: [item("K1"), item("K2", recipient: "17000000002")]), now: t0)
            for message in try await store.claim(limit: 10, owner: "a", now: t0, lease: 60) {
                _ = try await attempt(store, message, .delivered(reference: "BIZ-1"), owner: "a", clock: clock)
            }
            let second = try await store.applyReceipt(matching: ["", "BIZ-1"], phone: "17000000002", status: .failed, statusText: "failed",
                                                      detail: "MK:0001", clock: clock)
            try expect(second?.message.idempotencyKey == "K2" && second?.message.state == .failed, "the phone picks the message")
            try expect(try await store.message(matching: "K1", phone: nil)?.state == .sent, "the other one is untouched")
        },
        Case(name: "operator retry brings dead messages back with a fresh schedule") { store in
            let clock = ManualClock(t0)
            try await store.enqueue(EnqueueBatch(events: [event()], items: [item("K1")]), now: t0)
            let claimed = try await store.claim(limit: 1, owner: "a", now: t0, lease: 60)[0]
            _ = try await attempt(store, claimed, .permanent(reason: "bad number"), owner: "a", clock: clock)
            try expect(try await store.outboxCounts() == [.dead: 1], "dead")
            clock.advance(by: 3600)
            try expect(try await store.retryDead(id: claimed.id, clock: clock) == 1, "one retried")
            let message = try await store.message(id: claimed.id)
            try expect(message?.state == .pending && message?.attempts == 0 && message?.nextAttemptAt == clock.now, "pending, due now")
            try expect(try await store.deliveries(DeliveryFilter()).first?.attempts.count == 1, "its attempt stays recorded")
        },
        Case(name: "gateway health persists; a paused gateway's messages wait; resuming makes them due") { store in
            let clock = ManualClock(t0)
            try await store.enqueue(EnqueueBatch(events: [event()], items: [item("K1", gateway: "v1", kind: .milestoneOverdue)]), now: t0)
            var health = GatewayHealth(name: "v1")
            let rules = HealthRules(pauseAfter: 60, minimumFailures: 2, probeEvery: 300)
            _ = health.failed(reason: "503", now: t0, rules: rules)
            let action = health.failed(reason: "503", now: t0.addingTimeInterval(61), rules: rules)
            guard case .paused = action else { throw Failure(description: "two failures over 61 s should pause: \(action)") }
            try await store.save(health, requeueWaitingAt: nil)
            try expect(try await store.health(of: "v1") == health, "health reads back")
            try expect(try await store.claim(limit: 10, owner: "a", now: t0.addingTimeInterval(62), lease: 60).isEmpty, "paused: nothing claimed")
            let nextDue = try await store.nextDue()
            try expect(nextDue == health.nextProbeAt, "next due is the probe: \(String(describing: nextDue))")
            try expect(try await store.claimProbe(gateway: "v1", owner: "a", now: t0.addingTimeInterval(62), lease: 60) != nil, "a probe")
            clock.set(t0.addingTimeInterval(400))
            try expect(try await store.resume(gateway: "v1", now: clock.now), "resumed")
            try expect(try await store.health(of: "v1").isPaused == false, "not paused")
            let paused = try await store.pause(gateway: "v1", now: clock.now)
            let again = try await store.pause(gateway: "v1", now: clock.now)
            try expect(paused && !again, "an operator's pause, once")
        },
        Case(name: "digest companions are leased with their message") { store in
            try await store.enqueue(EnqueueBatch(events: [event()], items: [
                item("K1", recipient: "v1", channel: .webhook, gateway: "v1", kind: .milestoneOverdue),
                item("K2", recipient: "v1", channel: .webhook, gateway: "v1", kind: .milestoneApproaching, notBefore: t0.addingTimeInterval(30)),
                item("K3", recipient: "v1", channel: .webhook, gateway: "v1", kind: .paymentRecorded),
            ]), now: t0)
            let first = try await store.claim(limit: 1, owner: "a", now: t0, lease: 60)[0]
            let companions = try await store.claimCompanions(of: first, kinds: [.milestoneOverdue, .milestoneApproaching, .caughtUp],
                                                             owner: "a", now: t0, dueBy: t0.addingTimeInterval(120), lease: 60, limit: 20)
            try expect(companions.map(\.idempotencyKey) == ["K2"], "only alert kinds: \(companions.map(\.idempotencyKey))")
            try expect(companions.allSatisfy { $0.state == .sending && $0.leaseOwner == "a" }, "leased to the same owner")
        },
        Case(name: "recent attempts rebuild rate limits") { store in
            let clock = ManualClock(t0)
            try await store.enqueue(EnqueueBatch(events: [event()], items: [item("K1")]), now: t0)
            let claimed = try await store.claim(limit: 1, owner: "a", now: t0, lease: 60)[0]
            _ = try await attempt(store, claimed, .delivered(reference: nil), owner: "a", clock: clock)
            let recent = try await store.recentAttempts(since: t0.addingTimeInterval(-60))
            try expect(recent.count == 1 && recent[0].recipient == "17000000001" && recent[0].channel == .sms && recent[0].number == 1,
                       "one first attempt to the phone: \(recent)")
            try expect(try await store.recentAttempts(since: t0.addingTimeInterval(60)).isEmpty, "none after")
        },
    ]
}
