import FafangConfig
import FafangCore
import FafangDelivery
import Foundation

extension EventRouter {
    /// The office's reminder that the holiday calendar lacks a year: one message to its endpoint
    /// (none when the office has no endpoint, as for its other alerts of the scheduler).
    func routeCalendarAlert(_ event: DueEvent, configuration: Configuration, settings: TemplateContext.Settings, now: Date,
                            problems: inout [String]) -> [OutboxItem] {
        let office = Self.financeOfficeEndpoint
        guard configuration.settings.endpoints[office] != nil else {
            logger.notice("no finance-office endpoint: calendar reminder only logged", metadata: ["event.key": "\(event.key)"])
            return []
        }
        let file = Runtime.shortPath(configuration.settings.calendar.file ?? "calendar")
        let context = TemplateContext.calendarUncovered(event: event, calendarFile: file, settings: settings)
        let text: String
        do {
            text = try templates.render(kind: .calendarUncovered, channel: .office, context: context)
        } catch {
            logger.error("template failed: message kept until the template is fixed", metadata: ["event.key": "\(event.key)", "error": "\(error)"])
            problems.append("template \(TemplateKind.calendarUncovered.rawValue).office: \(error)")
            return []
        }
        return [OutboxItem(idempotencyKey: IdempotencyKey.make(eventKey: event.key, channel: .webhook, recipient: office),
                           eventKey: event.key, kind: event.kind, projectCode: event.projectCode, channel: .webhook, gateway: office,
                           recipient: office, village: nil, payeeID: nil, text: text, title: nil, templateParameters: [:], notBefore: now)]
    }
}
