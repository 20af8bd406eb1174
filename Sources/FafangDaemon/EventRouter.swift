import FafangConfig
import FafangCore
import FafangDelivery
import Foundation
import Logging

/// Turns a scheduler event into the messages it means: one per recipient and channel, each
/// rendered from its template. Payees are told by SMS (if they have a phone), villages through
/// each of their webhook endpoints, the finance office through its endpoint.
///
/// A message it cannot make (no SMS gateway configured, a template that fails) is not dropped:
/// the event comes back with the problem, the store keeps it, and it is routed again after the
/// configuration is fixed and reloaded. A payee without a phone or a village without a webhook
/// is not a problem: there is nobody to send to.
public struct EventRouter: Sendable {
    /// Messages, and per event key what kept some of its messages from being made.
    public struct Routed: Sendable {
        public var items: [OutboxItem] = []
        public var problems: [String: String] = [:]
    }

    /// The endpoint the finance office's alerts go to, by convention.
    public static let financeOfficeEndpoint = "finance-office"

    let templates: MessageTemplates
    let logger: Logger

    public init(templates: MessageTemplates, logger: Logger) {
        self.templates = templates
        self.logger = logger
    }

    /// Lookups built once per scheduler run, not once per event: a county's register has tens
    /// of thousands of payees.
    struct Index {
        /// project → village → payees not yet paid in full, for the projects whose events go to villages.
        var unpaid: [String: [String: Int]] = [:]

        init(events: [DueEvent], configuration: Configuration, ledger: LedgerView) {
            let codes = Set(events.filter { $0.audiences.contains { if case .village = $0 { true } else { false } } }.map(\.projectCode))
            for configured in configuration.projects where codes.contains(configured.project.code) {
                let code = configured.project.code
                var counts: [String: Int] = [:]
                let payees = configured.payees
                for position in payees.indices where ledger.paid(project: code, payee: payees.id(at: position)) < payees.owed(at: position) {
                    counts[payees.village(at: position), default: 0] += 1
                }
                unpaid[code] = counts
            }
        }
    }

    /// The messages of several events, with the lookups built once.
    /// - Parameter ledger: what each payee of each project was paid so far.
    public func route(_ events: [DueEvent], configuration: Configuration, ledger: LedgerView, now: Date) -> Routed {
        var routed = Routed()
        guard !events.isEmpty else { return routed }
        let index = Index(events: events, configuration: configuration, ledger: ledger)
        let settings = TemplateContext.Settings(configuration.settings)
        for event in events {
            var problems: [String] = []
            routed.items += route(event, configuration: configuration, settings: settings, index: index, now: now, problems: &problems)
            if !problems.isEmpty { routed.problems[event.key] = problems.joined(separator: "; ") }
        }
        return routed
    }

    private func route(_ event: DueEvent, configuration: Configuration, settings: TemplateContext.Settings, index: Index,
                       now: Date, problems: inout [String]) -> [OutboxItem] {
        if event.kind == .calendarUncovered {
            return routeCalendarAlert(event, configuration: configuration, settings: settings, now: now, problems: &problems)
        }
        guard let configured = configuration.project(code: event.projectCode) else {
            problems.append("project \(event.projectCode) is not in the configuration")
            return []
        }
        let project = configured.project
        let eventPayee = event.facts.payeeID.flatMap { configured.payee(id: $0) }
        var items: [OutboxItem] = []
        for audience in event.audiences {
            let channel = TemplateChannel(audience)
            var targets: [(channel: Channel, gateway: String, recipient: String)] = []
            var village: String?
            var payee = eventPayee
            switch audience {
            case let .payee(id):
                payee = configured.payee(id: id)
                village = payee?.village
                guard let phone = payee.flatMap(Self.phone(of:)) else {
                    logger.notice("payee has no phone: not told by SMS", metadata: ["project.code": "\(project.code)", "payee.id": "\(id)"])
                    continue
                }
                guard let gateway = configuration.settings.sms.gateway else {
                    logger.error("no SMS gateway configured: message kept until one is", metadata: ["project.code": "\(project.code)", "payee.id": "\(id)"])
                    problems.append("no SMS gateway configured ([sms] gateway) for payee \(id)")
                    continue
                }
                targets = [(.sms, gateway, phone.digits)]
            case let .village(name):
                village = name
                let endpoints = configuration.villages.first { $0.name == name }?.webhooks ?? []
                if endpoints.isEmpty {
                    logger.notice("village has no webhook: committee not told", metadata: ["village": "\(name)", "event.key": "\(event.key)"])
                }
                targets = endpoints.map { (.webhook, $0, $0) }
            case .financeOffice:
                guard configuration.settings.endpoints[Self.financeOfficeEndpoint] != nil else { continue }
                targets = [(.webhook, Self.financeOfficeEndpoint, Self.financeOfficeEndpoint)]
            }
            let unpaid = village.map { index.unpaid[project.code]?[$0] ?? 0 }
            let context = TemplateContext(event: event, project: project, payee: payee, village: village, unpaidCount: unpaid, settings: settings)
            let text: String
            do {
                text = try templates.render(kind: TemplateKind(event.kind), channel: channel, context: context)
            } catch {
                logger.error("template failed: message kept until the template is fixed", metadata: ["event.key": "\(event.key)", "error": "\(error)"])
                problems.append("template \(TemplateKind(event.kind).rawValue).\(channel.rawValue): \(error)")
                continue
            }
            for target in targets {
                items.append(OutboxItem(
                    idempotencyKey: IdempotencyKey.make(eventKey: event.key, channel: target.channel, recipient: target.recipient),
                    eventKey: event.key, kind: event.kind, projectCode: project.code, channel: target.channel,
                    gateway: target.gateway, recipient: target.recipient, village: village, payeeID: payee?.id,
                    text: text, title: nil, templateParameters: target.channel == .sms ? context.values : [:], notBefore: now,
                    approval: Self.hold(event, channel: target.channel, payeeID: payee?.id, settings: configuration.settings, now: now),
                    amount: event.facts.amount, segments: Self.segments(text, channel: target.channel, settings: configuration.settings),
                    recordedBy: event.facts.recordedBy))
            }
        }
        return items
    }

    static func phone(of payee: Payee) -> PhoneNumber? {
        switch payee.party {
        case let .household(household): return household.phone
        case let .person(person): return person.phone
        case let .village(village): return village.contactPhone
        }
    }
}
