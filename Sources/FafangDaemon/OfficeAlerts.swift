import FafangConfig
import FafangCore
import FafangDelivery
import Foundation
import Logging

/// Tells the finance office what the dispatcher could not do: a message given up, a gateway
/// paused. Each alert is an outbox message, enqueued with its own event key so that it too is
/// sent once, through a channel that is not the failing one: the office's endpoint, else (when
/// that endpoint is the one failing, or paused) its alert phone by SMS, else only the log. The
/// log, systemd's STATUS and the metrics always show a pause, whatever else is possible.
public struct OfficeAlerts: Sendable {
    let store: any Store
    let runtime: LiveConfiguration<Runtime>
    let clock: DaemonClock
    let logger: Logger

    public init(store: any Store, runtime: LiveConfiguration<Runtime>, clock: DaemonClock, logger: Logger) {
        self.store = store
        self.runtime = runtime
        self.clock = clock
        self.logger = logger
    }

    /// The dispatcher's hooks: a message given up, a gateway paused.
    public var hooks: Dispatcher<DaemonClock>.Hooks {
        Dispatcher<DaemonClock>.Hooks(dead: { message, reason in await self.dead(message, reason: reason) },
                                      paused: { health, reason in await self.paused(health, reason: reason) })
    }

    public func dead(_ message: OutboxMessage, reason: String) async {
        guard !message.kind.isOperational else {
            // An alert about an alert could go back and forth between two failing channels.
            logger.critical("an alert to the finance office could not be delivered",
                            metadata: ["outbox.id": "\(message.id)", "delivery.gateway": "\(message.gateway)", "reason": "\(reason)"])
            return
        }
        let current = runtime.current
        let context = TemplateContext.deliveryDead(item: message.item, project: current.configuration.project(code: message.projectCode)?.project,
                                                   reason: reason, attempts: message.attempts,
                                                   settings: TemplateContext.Settings(current.configuration.settings))
        await enqueue(key: "dead:\(message.idempotencyKey)", kind: .deliveryDead, projectCode: message.projectCode, context: context,
                      avoiding: message.gateway)
    }

    public func paused(_ health: GatewayHealth, reason: String) async {
        let current = runtime.current
        let context = TemplateContext.endpointPaused(endpoint: health.name, reason: reason, failures: health.failures, until: health.nextProbeAt,
                                                     settings: TemplateContext.Settings(current.configuration.settings))
        let stamp = Int((health.pausedAt ?? clock.now).timeIntervalSince1970)
        await enqueue(key: "paused:\(health.name):\(stamp)", kind: .endpointPaused, projectCode: "-", context: context, avoiding: health.name)
    }

    /// The state directory's disk fell below `[paths] low_space_mib`: the office is told, at most
    /// once a day (the event's key is the day's), while its outbox can still be written.
    public func diskLow(_ reading: StoreHealth.DiskReading) async {
        let current = runtime.current
        let settings = current.configuration.settings
        let context = TemplateContext.diskLow(path: reading.path, available: reading.space.available, size: reading.space.total,
                                              threshold: reading.threshold, settings: TemplateContext.Settings(settings))
        let day = CivilDate.of(clock.now, in: settings.timeZone)
        await enqueue(key: "disk:low:\(day)", kind: .diskLow, projectCode: "-", context: context, avoiding: "")
    }

    /// The way to the office that does not go through `failing` nor a paused gateway (as the
    /// store says: alerts are rare): its endpoint, else its alert phone through an SMS gateway;
    /// nil when there is none.
    func route(avoiding failing: String, _ current: Runtime) async -> (channel: Channel, gateway: String, recipient: String)? {
        let settings = current.configuration.settings
        let paused = ((try? await store.gatewayHealth()) ?? []).filter(\.isPaused).map(\.name)
        let unusable = Set(paused).union([failing])
        let office = EventRouter.financeOfficeEndpoint
        if settings.endpoints[office] != nil, !unusable.contains(office) { return (.webhook, office, office) }
        if let phone = settings.alertPhone, let gateway = settings.sms.gateway, !unusable.contains(gateway) {
            return (.sms, gateway, phone.digits)
        }
        return nil
    }

    private func enqueue(key: String, kind: DueEvent.Kind, projectCode: String, context: TemplateContext, avoiding failing: String) async {
        let current = runtime.current
        guard let target = await route(avoiding: failing, current) else {
            logger.critical("no way to alert the finance office that avoids the failing gateway: alert only logged",
                            metadata: ["event.key": "\(key)", "event.kind": "\(kind.rawValue)", "delivery.gateway": "\(failing)"])
            return
        }
        do {
            let channel: TemplateChannel = target.channel == .sms ? .sms : .office
            let text = try current.templates.render(kind: TemplateKind(kind), channel: current.templates.has(kind: TemplateKind(kind), channel: channel) ? channel : .office,
                                                    context: context)
            let now = clock.now
            let item = OutboxItem(idempotencyKey: IdempotencyKey.make(eventKey: key, channel: target.channel, recipient: target.recipient),
                                  eventKey: key, kind: kind, projectCode: projectCode, channel: target.channel, gateway: target.gateway,
                                  recipient: target.recipient, village: nil, payeeID: nil, text: text, title: nil,
                                  templateParameters: target.channel == .sms ? context.values : [:], notBefore: now)
            let event = DueEvent(key: key, kind: kind, projectCode: projectCode, audiences: [.financeOffice], facts: .init())
            try await store.enqueue(EnqueueBatch(events: [event], items: [item]), now: now)
            logger.notice("finance office alerted", metadata: ["event.key": "\(key)", "event.kind": "\(kind.rawValue)",
                                                              "delivery.gateway": "\(target.gateway)"])
        } catch {
            logger.error("could not enqueue the office alert", metadata: ["event.key": "\(key)", "error": "\(error)"])
        }
    }
}
