import FafangConfig
import FafangCore
import FafangDaemon
import Foundation
import Logging

/// The demo's approver (审核): the bundled configuration holds payment SMS for approval, and
/// the demo approves each batch as it opens, through `ApprovalService` as `fafang batches
/// approve` does (ApprovalRule, the count it saw, an audit entry). Its account is the demo's
/// own, not one of an operators file: nobody recorded the replayed ledger as an operator, so it
/// may approve every batch.
struct DemoApprover {
    static let account = OperatorAccount(name: "demo-approver", displayName: "演示审核员", role: .approver, passwordHash: nil)

    let service: ApprovalService
    private(set) var batches = 0
    private(set) var messages = 0
    private(set) var refused = 0

    init(store: any Store) {
        var logger = Logger(label: "fafang-demo.approver")
        logger.logLevel = .warning
        service = ApprovalService(store: store, logger: logger)
    }

    /// Approves every open batch at `now`, the daemon's virtual time (an approval makes its
    /// messages due at the decision's instant); one that grew meanwhile is approved at the next look.
    mutating func approveOpenBatches(now: Date) async throws {
        for batch in try await service.store.approvalBatches(states: [.open], limit: 1_000) {
            switch try await service.decide(batch, .approve, by: Self.account, now: now) {
            case let .success(decided):
                batches += 1
                messages += decided.messageCount
            case .failure:
                refused += 1
            }
        }
    }

    var summary: String {
        "  approval (审核): payment SMS held in \(batches) batch(es) of a project and day, each approved by \(Self.account.name) "
            + "as it opened: \(messages) SMS released, none rejected (a batch that grew while being approved waited for the next look: \(refused) time(s))"
    }
}
