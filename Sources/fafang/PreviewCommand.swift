import ArgumentParser
import FafangConfig
import FafangCore
import FafangDaemon
import FafangDelivery
import Foundation

/// `fafang preview EVENT --payee ID`: renders one message from the templates with the
/// configuration's real data, as the household, village committee or finance office would
/// receive it, without sending anything. Phone numbers are shown masked.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Render one message with real data from the configuration, without sending it.",
        discussion: """
        EVENT is one of: \(TemplateKind.allCases.map(\.rawValue).joined(separator: ", ")). \
        payment_recorded uses a sample payment of the payee's whole owed amount dated --at (default: \
        the project's first milestone deadline); milestone_approaching uses the first milestone on or \
        after --at, milestone_overdue and caught_up the last one before it. An SMS is printed with \
        its 【signature】 and segment count.
        """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The event kind, e.g. payment_recorded.")
    var event: String

    @Option(help: "Payee id in a project's register (YGT001; a village id such as C01 for a transfer).")
    var payee: String

    @Option(help: "Project code, when the payee is in several projects.")
    var project: String?

    @Option(help: "sms, webhook or office (default: sms for a household or person, webhook for a village; office for delivery_dead and endpoint_paused).")
    var channel: String?

    @Option(help: "The day to look from, YYYY-MM-DD (default: around the project's first milestone).")
    var at: String?

    @Option(help: "For milestone events: paid so far on the project, in 元 (default: nothing; the target for caught_up).")
    var paid: String?

    func validate() throws {
        guard TemplateKind(rawValue: event) != nil else {
            throw ValidationError("unknown event \"\(event)\" (known: \(TemplateKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if let channel, TemplateChannel(rawValue: channel) == nil {
            throw ValidationError("--channel must be sms, webhook or office (got \"\(channel)\")")
        }
        if let at, CivilDate(iso: at) == nil { throw ValidationError("--at must be a date YYYY-MM-DD (got \"\(at)\")") }
        if let paid, (try? Money.parseYuan(paid)) == nil { throw ValidationError("--paid must be an amount in 元 (got \"\(paid)\")") }
    }

    func run() throws {
        let configuration = try options.load()
        let kind = TemplateKind(rawValue: event) ?? .paymentRecorded
        let (projectConfig, payee) = try findPayee(in: configuration)
        let channel = try resolvedChannel(kind: kind, payee: payee)
        let settings = TemplateContext.Settings(configuration.settings)
        let day = at.flatMap(CivilDate.init(iso:))
        let templates: MessageTemplates
        do {
            templates = try MessageTemplates(directory: configuration.settings.templatesDirectory)
        } catch {
            StandardError.print("\(error); run `fafang check` for every problem")
            throw ExitCode(1)
        }
        let context: TemplateContext
        var header = "\(kind.rawValue).\(channel.rawValue) to \(recipient(channel, payee: payee, configuration: configuration))"
        switch kind {
        case .inquiryReply, .inquiryUnknown:
            // An answer is made of what a phone's payees were paid when it asks: the sample shows its shape.
            context = TemplateContext.sample(kind, channel: .sms, settings: settings)
            header += " (a sample household)"
        case .deliveryDead, .endpointPaused, .calendarUncovered, .diskLow:
            context = try operationalContext(kind, project: projectConfig.project, payee: payee, day: day, configuration: configuration)
        default:
            let scenario = try PreviewScenario(kind: kind.eventKind ?? .paymentRecorded, project: projectConfig, payee: payee, at: day,
                                               paid: paid.flatMap { try? Money.parseYuan($0) })
            let village = channel == .office ? nil : payee.village
            let unpaid = scenario.unpaid.filter { village == nil || $0.village == village }.count
            context = TemplateContext(event: scenario.event, project: projectConfig.project,
                                      payee: channel == .sms || kind == .paymentRecorded ? payee : nil, village: village,
                                      unpaidCount: unpaid, settings: settings)
            header += ", \(projectConfig.project.name) (\(projectConfig.project.code)), as of \(scenario.day)"
        }
        let body: String
        do {
            body = try templates.render(kind: kind, channel: channel, context: context)
        } catch {
            StandardError.print("\(error)")
            throw ExitCode(1)
        }
        print(header)
        print("")
        guard channel == .sms else {
            print(body)
            return
        }
        let sms = SMSText(signature: configuration.settings.sms.signature, body: body)
        print(sms.text)
        print("")
        print("\(sms), max_segments = \(configuration.settings.sms.maxSegments)")
        if sms.segments > configuration.settings.sms.maxSegments {
            StandardError.print("warning: more segments than max_segments: the gateway would refuse this text")
        }
    }

    private func findPayee(in configuration: Configuration) throws -> (ProjectConfiguration, Payee) {
        let projects = configuration.projects.filter { project == nil || $0.project.code == project }
        if let project, projects.isEmpty { throw ValidationError("no project with code \(project)") }
        let matches = projects.compactMap { config in config.payee(id: payee).map { (config, $0) } }
        guard let match = matches.first else {
            throw ValidationError("no payee \(payee) in \(project.map { "project \($0)" } ?? "any project's register")")
        }
        guard matches.count == 1 else {
            throw ValidationError("payee \(payee) is in several projects (\(matches.map(\.0.project.code).joined(separator: ", "))): give --project")
        }
        return match
    }

    private func resolvedChannel(kind: TemplateKind, payee: Payee) throws -> TemplateChannel {
        if let channel, let given = TemplateChannel(rawValue: channel) { return given }
        switch kind {
        case .deliveryDead, .endpointPaused, .calendarUncovered, .diskLow: return .office
        case .paymentRecorded, .paymentInProgress: return payee.kind == .village ? .webhook : .sms
        case .inquiryReply, .inquiryUnknown: return .sms
        case .milestoneApproaching, .milestoneOverdue, .caughtUp: return .webhook
        }
    }

    private func recipient(_ channel: TemplateChannel, payee: Payee, configuration: Configuration) -> String {
        switch channel {
        case .sms:
            return "\(payee.name) (\(payee.id)), \(phone(of: payee)?.masked ?? "no phone")"
        case .webhook:
            let hooks = configuration.villages.first { $0.name == payee.village }?.webhooks ?? []
            return "\(payee.village) by \(hooks.isEmpty ? "no webhook" : hooks.joined(separator: ", "))"
        case .office:
            return "the finance office"
        }
    }

    private func phone(of payee: Payee) -> PhoneNumber? {
        switch payee.party {
        case let .household(household): return household.phone
        case let .person(person): return person.phone
        case let .village(village): return village.contactPhone
        }
    }

    /// A sample alert about a message to `payee` (delivery_dead), its village's endpoint
    /// (endpoint_paused), the year after the calendar's last (calendar_uncovered), or the state
    /// directory's disk just below its threshold (disk_low).
    private func operationalContext(_ kind: TemplateKind, project: Project, payee: Payee, day: CivilDate?,
                                    configuration: Configuration) throws -> TemplateContext {
        let settings = TemplateContext.Settings(configuration.settings)
        let endpoint = configuration.villages.first { $0.name == payee.village }?.webhooks.first ?? "finance-office"
        let start = (day ?? project.plan.first?.deadline ?? CivilDate(daysSinceEpoch: 0)).start(in: settings.timeZone)
        if kind == .calendarUncovered {
            let calendar = configuration.holidayCalendar ?? .weekOnly
            var facts = DueEvent.Facts()
            facts.coveredThrough = calendar.coveredYears.last
            facts.uncoveredYear = (calendar.coveredYears.last ?? CivilDate.of(start, in: settings.timeZone).year) + 1
            let event = DueEvent(key: "preview", kind: .calendarUncovered, projectCode: CalendarCoverage.noProject, audiences: [.financeOffice],
                                 facts: facts)
            return .calendarUncovered(event: event, calendarFile: configuration.settings.calendar.file ?? "calendar", settings: settings)
        }
        if kind == .diskLow {
            // The state directory's disk (or, before its first run, its parent's).
            let state = configuration.settings.stateDirectory
            let disk = DiskSpace.of(state) ?? DiskSpace.of((state as NSString).deletingLastPathComponent) ?? DiskSpace(available: 0, total: 0)
            return .diskLow(path: configuration.settings.stateDirectory, available: min(disk.available, configuration.settings.lowSpaceBytes - (1 << 20)),
                            size: disk.total, threshold: configuration.settings.lowSpaceBytes, settings: settings)
        }
        if kind == .endpointPaused {
            return .endpointPaused(endpoint: endpoint, reason: "HTTP 503", failures: 8, until: start.addingTimeInterval(14.5 * 3600),
                                   settings: settings)
        }
        let sms = payee.kind != .village
        let item = OutboxItem(idempotencyKey: "preview", eventKey: "preview", kind: .paymentRecorded, projectCode: project.code,
                              channel: sms ? .sms : .webhook, gateway: configuration.settings.sms.gateway ?? "sms",
                              recipient: sms ? (phone(of: payee)?.digits ?? "") : endpoint, village: payee.village,
                              payeeID: payee.id, text: "", title: nil, notBefore: start)
        return .deliveryDead(item: item, project: project, reason: sms ? "号码无效" : "HTTP 404", attempts: 7, settings: settings)
    }
}
