import FafangConfig
import FafangCore
import FafangDelivery
import FafangStore
import Foundation
import Logging

/// Tells the finance office what the dispatcher could not do: a message given up, a gateway
/// paused. Each alert is an outbox row to the office's endpoint, enqueued with its own event key
/// so that it too is sent once. Alerts about the office's own endpoint are only logged (no loop).
public struct OfficeAlerts: Sendable {
    let database: AppDatabase
    let templates: MessageTemplates
    let configuration: LiveConfiguration<Configuration>
    let clock: DaemonClock
    let logger: Logger

    public init(database: AppDatabase, templates: MessageTemplates, configuration: LiveConfiguration<Configuration>,
                clock: DaemonClock, logger: Logger) {
        self.database = database
        self.templates = templates
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public var hooks: Dispatcher.Hooks {
        Dispatcher.Hooks(dead: { row, reason in self.dead(row, reason: reason) },
                         paused: { gateway, reason in self.paused(gateway, reason: reason) })
    }

    public func dead(_ row: OutboxRecord, reason: String) {
        guard row.gateway != EventRouter.financeOfficeEndpoint, let item = row.item else {
            logger.critical("alert to the finance office could not be delivered", metadata: ["outbox.id": "\(row.id ?? 0)", "reason": "\(reason)"])
            return
        }
        let config = configuration.current
        let context = TemplateContext.deliveryDead(item: item, project: config.project(code: row.projectCode)?.project, reason: reason,
                                                   attempts: row.attempts + 1, settings: TemplateContext.Settings(config.settings))
        enqueue(key: "dead:\(row.idempotencyKey)", kind: .deliveryDead, projectCode: row.projectCode, context: context)
    }

    public func paused(_ gateway: String, reason: String) {
        guard gateway != EventRouter.financeOfficeEndpoint else {
            logger.critical("the finance office's own endpoint was paused", metadata: ["reason": "\(reason)"])
            return
        }
        let config = configuration.current
        let context = TemplateContext.endpointPaused(endpoint: gateway, reason: reason, failures: 0, until: nil,
                                                     settings: TemplateContext.Settings(config.settings))
        let now = clock.now
        enqueue(key: "paused:\(gateway):\(Int(now.timeIntervalSince1970))", kind: .endpointPaused, projectCode: "-", context: context)
    }

    private func enqueue(key: String, kind: DueEvent.Kind, projectCode: String, context: TemplateContext) {
        let config = configuration.current
        guard config.settings.endpoints[EventRouter.financeOfficeEndpoint] != nil else {
            logger.warning("no finance-office endpoint configured: alert only logged", metadata: ["event.key": "\(key)"])
            return
        }
        do {
            let text = try templates.render(kind: TemplateKind(kind), channel: .office, context: context)
            let now = clock.now
            let item = OutboxItem(idempotencyKey: IdempotencyKey.make(eventKey: key, channel: .webhook, recipient: EventRouter.financeOfficeEndpoint),
                                  eventKey: key, kind: kind, projectCode: projectCode, channel: .webhook,
                                  gateway: EventRouter.financeOfficeEndpoint, recipient: EventRouter.financeOfficeEndpoint,
                                  village: nil, payeeID: nil, text: text, title: nil, notBefore: now)
            try database.enqueue(events: [DueEvent(key: key, kind: kind, projectCode: projectCode, audiences: [.financeOffice], facts: .init())],
                                 items: [item], now: now)
            logger.notice("finance office alerted", metadata: ["event.key": "\(key)", "event.kind": "\(kind.rawValue)"])
        } catch {
            logger.error("could not enqueue the office alert", metadata: ["event.key": "\(key)", "error": "\(error)"])
        }
    }
}
