import FafangConfig
import FafangCore
import FafangDelivery
import Foundation
import Logging

/// Answers households' inbound SMS (`[inquiry]`): a query (查询, CX, 查, 余额…) from a phone
/// registered with payees gets their figures, one from an unknown phone a neutral answer, both
/// as ordinary outbox messages (quiet hours, per-phone budgets, retries and receipts apply; never
/// held for approval). The store records each inbound SMS with its reply in one transaction:
/// a provider id seen before is dropped, a phone past `replies_per_phone_per_day` is audited and
/// not answered. Logs and the audit log show the phone masked, never the text.
public actor InquiryService {
    /// One inbound SMS as an intake read it.
    public struct Inbound: Sendable, Hashable {
        public var intake: InquiryIntake
        public var providerID: String
        /// As the provider sent it: the 11 digits of a mainland mobile, with or without `+86`.
        public var sender: String
        public var text: String

        public init(intake: InquiryIntake, providerID: String, sender: String, text: String) {
            self.intake = intake
            self.providerID = providerID
            self.sender = sender
            self.text = text
        }
    }

    /// Why an inbound SMS was refused (nothing recorded).
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        /// The sender is not a mainland mobile (shown masked).
        case notAMobile(String)
        /// No `[inquiry]` in the running configuration.
        case notConfigured
        case noProviderID

        public var description: String {
            switch self {
            case let .notAMobile(masked): return "the sender \(masked) is not a mainland mobile number"
            case .notConfigured: return "inbound SMS are not taken: no [inquiry] in the configuration"
            case .noProviderID: return "the inbound SMS has no id"
            }
        }
    }

    /// A payee registered with a phone: its project and register position, and the milestone
    /// its money is planned by (the first whose cumulative target covers the register up to it).
    struct Registered: Sendable {
        var project: Int
        var position: Int
        var milestone: Int
    }

    private let store: any Store
    private let runtime: LiveConfiguration<Runtime>
    private let summary: LedgerSummary
    private let clock: DaemonClock
    private let outboxChanged: @Sendable () -> Void
    private let logger: Logger
    private var generation: UUID?
    private var byPhone: [String: [Registered]] = [:]

    public init(store: any Store, runtime: LiveConfiguration<Runtime>, summary: LedgerSummary, clock: DaemonClock, logger: Logger,
                outboxChanged: @escaping @Sendable () -> Void = {}) {
        self.store = store
        self.runtime = runtime
        self.summary = summary
        self.clock = clock
        self.logger = logger
        self.outboxChanged = outboxChanged
    }

    /// Takes one inbound SMS: records it, enqueues its answer when it gets one, and wakes the
    /// dispatcher. Throws `Refusal` for input that cannot be taken, the store's error when it
    /// cannot be written (the provider should push again).
    @discardableResult
    public func receive(_ inbound: Inbound) async throws -> InquiryResult {
        let current = runtime.current
        let settings = current.configuration.settings
        guard let inquiry = settings.inquiry else { throw Refusal.notConfigured }
        guard !inbound.providerID.isEmpty else { throw Refusal.noProviderID }
        guard let phone = PhoneNumber(inbound.sender) else { throw Refusal.notAMobile(Mask.phone(inbound.sender)) }
        let now = clock.now
        let understood = inquiry.keywords.matches(inbound.text)
        let registered = understood ? self.registered(phone, in: current) : []
        let record = InquiryRecord(intake: inbound.intake, providerID: inbound.providerID, phone: phone.digits, receivedAt: now,
                                   understood: understood, payees: Set(registered.map { "\($0.project)/\($0.position)" }).count)
        var meta: Logger.Metadata = ["inquiry.intake": "\(inbound.intake.rawValue)", "inquiry.phone": "\(phone.masked)"]
        var reply: OutboxItem?
        if understood {
            guard let gateway = inquiry.replyGateway(for: inbound.intake, default: settings.sms.gateway) else {
                logger.error("inquiry not answered: no gateway to reply through ([inquiry] reply_gateways, [sms] gateway)", metadata: meta)
                throw Refusal.notConfigured
            }
            if !registered.isEmpty { try await summary.refresh() }
            reply = try await self.reply(to: record, registered: registered, gateway: gateway, hotline: inquiry.hotline, runtime: current, now: now)
        }
        let dayStart = CivilDate.of(now, in: settings.timeZone).start(in: settings.timeZone)
        let result = try await store.recordInquiry(record, reply: reply, dailyLimit: inquiry.repliesPerPhonePerDay, dayStart: dayStart)
        meta["inquiry.result"] = "\(result.auditAction ?? "duplicate")"
        meta["inquiry.payees"] = "\(record.payees)"
        switch result {
        case let .replied(id):
            meta["outbox.id"] = "\(id)"
            logger.info("inquiry answered", metadata: meta)
            outboxChanged()
        case .limited:
            logger.notice("inquiry not answered: the phone's replies of the day were sent", metadata: meta)
        case .ignored:
            logger.info("inbound SMS is not a query: not answered", metadata: meta)
        case .duplicate:
            logger.info("inbound SMS seen before: dropped", metadata: meta)
        }
        return result
    }

    /// The payees registered with `phone`, in configuration order.
    func registered(_ phone: PhoneNumber, in current: Runtime) -> [Registered] {
        if generation != current.generation {
            byPhone = Self.directory(current.configuration)
            generation = current.generation
        }
        return byPhone[phone.digits] ?? []
    }

    /// Every household and person with a phone, by phone: built once per configuration.
    static func directory(_ configuration: Configuration) -> [String: [Registered]] {
        var byPhone: [String: [Registered]] = [:]
        for (number, configured) in configuration.projects.enumerated() {
            let payees = configured.payees
            let project = configured.project
            var running = Money.zero
            var milestone = 0
            for position in payees.indices where payees.kind(at: position) != .village {
                running += payees.owed(at: position)
                while milestone < project.plan.count - 1, project.target(of: project.plan[milestone]) < running { milestone += 1 }
                guard let phone = payees.phone(at: position) else { continue }
                byPhone[phone.digits, default: []].append(Registered(project: number, position: position, milestone: milestone))
            }
        }
        return byPhone
    }

    /// The answer: the figures of every payee registered with the phone, as many lines as fit
    /// `[sms] max_segments` (the rest counted in `omitted`); the neutral answer for an unknown phone.
    func reply(to record: InquiryRecord, registered: [Registered], gateway: String, hotline: String?, runtime current: Runtime,
               now: Date) async throws -> OutboxItem {
        let configuration = current.configuration
        var settings = TemplateContext.Settings(configuration.settings)
        if let hotline { settings.hotline = hotline }
        let today = CivilDate.of(now, in: configuration.settings.timeZone)
        var lines: [InquiryLine] = []
        for entry in registered.sorted(by: { ($0.position, $0.project) < ($1.position, $1.project) }) {
            let configured = configuration.projects[entry.project]
            let project = configured.project
            let payee = configured.payees[entry.position]
            let (paid, last) = await summary.payee(project: project.code, position: entry.position) ?? (.zero, nil)
            let owed = configured.payees.owed(at: entry.position)
            let remaining = paid < owed ? owed - paid : .zero
            var dueBy: CivilDate?
            if remaining > .zero, !project.plan.isEmpty {
                let schedule = PlanSchedule(project: project, asOf: today, deadlines: configured.deadlines)
                let planned = schedule.lines[min(entry.milestone, schedule.lines.count - 1)]
                dueBy = planned.daysLeft >= 0 ? planned.due : (schedule.next ?? planned).due
            }
            lines.append(InquiryLine(payeeID: payee.id, payeeName: payee.name, projectName: project.name, projectKind: project.kind,
                                     paid: paid, lastPayment: last, cardTail: Self.cardTail(of: payee), remaining: remaining, dueBy: dueBy))
        }
        let kind: DueEvent.Kind = lines.isEmpty ? .inquiryUnknown : .inquiryReply
        let payees = record.payees
        let sms = configuration.settings.sms
        var context = lines.isEmpty ? TemplateContext.inquiryUnknown(settings: settings)
            : TemplateContext.inquiryReply(lines: lines, omitted: 0, payees: payees, settings: settings)
        var text = try current.templates.render(kind: TemplateKind(kind), channel: .sms, context: context)
        // Lines that would not fit the SMS are left out, and counted.
        var shown = lines.count
        while shown > 1, SMSText(signature: sms.signature, body: text).segments > sms.maxSegments {
            shown -= 1
            context = TemplateContext.inquiryReply(lines: Array(lines.prefix(shown)), omitted: lines.count - shown, payees: payees, settings: settings)
            text = try current.templates.render(kind: .inquiryReply, channel: .sms, context: context)
        }
        return OutboxItem(
            idempotencyKey: IdempotencyKey.make(eventKey: record.eventKey, channel: .sms, recipient: record.phone),
            eventKey: record.eventKey, kind: kind, projectCode: "-", channel: .sms, gateway: gateway, recipient: record.phone,
            village: nil, payeeID: nil, text: text, title: nil, templateParameters: context.values, notBefore: now,
            // Never held: the household asked for this answer (`ApprovalSettings.requiresApproval`).
            approval: nil, segments: SMSText(signature: sms.signature, body: text).segments)
    }

    static func cardTail(of payee: Payee) -> String? {
        switch payee.party {
        case let .household(household): return household.cardTail
        case let .person(person): return person.cardTail
        case .village: return nil
        }
    }
}
