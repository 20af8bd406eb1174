import FafangConfig
import FafangCore
import FafangDelivery
import Foundation

/// Everything the daemon runs on, validated as one: the configuration, the compiled message
/// templates, the gateways with their secrets read, and the dispatch policies. Built by exactly
/// the code `fafang check` runs (`Runtime.load`), and swapped whole on SIGHUP, or not at all.
public struct Runtime: Sendable {
    public let configuration: Configuration
    public let templates: MessageTemplates
    public let gateways: [String: any Gateway]
    /// How leases scale with the clock: on a virtual clock running `rate` times faster, a lease
    /// lasts as many virtual seconds as real ones pass meanwhile.
    public let clockRate: Double
    /// Different for every runtime built: services notice a reload by it.
    public let generation = UUID()

    /// What the dispatcher works with, derived once when the runtime is built.
    public let dispatch: DispatchRuntime

    init(configuration: Configuration, templates: MessageTemplates, gateways: [String: any Gateway], clockRate: Double) {
        self.configuration = configuration
        self.templates = templates
        self.gateways = gateways
        self.clockRate = clockRate
        let settings = configuration.settings
        var dispatchSettings = settings.dispatch
        dispatchSettings.leaseSeconds *= clockRate
        var dispatch = DispatchRuntime(gateways: gateways, settings: dispatchSettings, quietHours: settings.sms.quietHours, zone: settings.timeZone,
                                       robots: Set(settings.endpoints.values.filter(\.kind.isRobot).map(\.name)))
        dispatch.quietDays = QuietDays(rule: settings.sms.quietDays, calendar: configuration.holidayCalendar ?? .weekOnly)
        self.dispatch = dispatch
    }

    /// A runtime, or every problem that keeps one from being built.
    public struct Load: Sendable {
        public var runtime: Runtime?
        /// Every problem found (errors and warnings), configuration first, then templates and gateways.
        public var diagnostics: [Diagnostic]
        /// How many templates were loaded (for `fafang check`'s summary).
        public var templateCount: Int

        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    }

    /// Loads the configuration at `path`, checks every template, reads every secret and builds
    /// every gateway; any error and there is no runtime.
    /// Secrets: `secrets`, else as `SecretStore(configurationDirectory:)` of the configuration.
    public static func load(path: String, clockRate: Double = 1, secrets: SecretStore? = nil) -> Load {
        let outcome = ConfigLoader.load(path: path)
        guard let configuration = outcome.configuration else {
            return Load(runtime: nil, diagnostics: outcome.diagnostics, templateCount: 0)
        }
        return build(configuration, diagnostics: outcome.diagnostics, clockRate: clockRate, secrets: secrets)
    }

    /// The runtime of a configuration already loaded (its own warnings in `diagnostics`).
    public static func build(_ configuration: Configuration, diagnostics: [Diagnostic] = [], clockRate: Double = 1,
                             secrets: SecretStore? = nil) -> Load {
        let secrets = secrets ?? SecretStore(configurationDirectory: configuration.directory)
        var diagnostics = diagnostics
        let settings = configuration.settings
        let directory = shortPath(settings.templatesDirectory)
        diagnostics += TemplateChecker.check(directory: directory, maxSegments: settings.sms.maxSegments, signature: settings.sms.signature,
                                             settings: TemplateContext.Settings(settings)).map { Diagnostic($0) }
        var templates: MessageTemplates?
        do {
            templates = try MessageTemplates(directory: directory)
        } catch {
            if !diagnostics.contains(where: { $0.severity == .error }) {
                diagnostics.append(Diagnostic(file: directory, line: 0, keyPath: "", message: "\(error)"))
            }
        }
        // The cloud SMS gateways' vendor templates against the fields of each kind of message.
        let locator = SettingsKeyLocator(configPath: (configuration.directory as NSString).appendingPathComponent("fafang.toml"))
        diagnostics += CloudSMSTemplateCheck.problems(gateways: settings.gateways, smsGateway: settings.sms.gateway,
                                                      sent: CloudSMSTemplateCheck.sentKinds(scheduler: settings.scheduler))
            .map { locator.diagnostic(keyPath: $0.keyPath, message: $0.message, warning: $0.severity == .warning) }
        // A cloud gateway that answers inquiries needs the vendor's templates of both answers.
        if let inquiry = settings.inquiry {
            let answering = Set(InquiryIntake.allCases.compactMap { inquiry.replyGateway(for: $0, default: settings.sms.gateway) })
            for name in answering.sorted() {
                guard let gateway = settings.gateways[name] else { continue }
                diagnostics += CloudSMSTemplateCheck.missing([.inquiryReply, .inquiryUnknown], in: gateway)
                    .map { locator.diagnostic(keyPath: $0.keyPath, message: $0.message, warning: false) }
            }
        }
        var gateways: [String: any Gateway] = [:]
        let factory = GatewayFactory(secrets: secrets, engine: settings.delivery,
                                     sms: SMSTextRules(signature: settings.sms.signature, maxSegments: settings.sms.maxSegments))
        do {
            gateways = try factory.gateways(endpoints: settings.endpoints, smsGateways: settings.gateways)
        } catch {
            let file = (configuration.directory as NSString).appendingPathComponent("fafang.toml")
            diagnostics += error.problems.map { Diagnostic(file: file, line: 0, keyPath: $0.table, message: $0.message) }
        }
        let count = templates?.names.count ?? 0
        guard let templates, !diagnostics.contains(where: { $0.severity == .error }) else {
            return Load(runtime: nil, diagnostics: diagnostics, templateCount: count)
        }
        return Load(runtime: Runtime(configuration: configuration, templates: templates, gateways: gateways, clockRate: max(clockRate, 1e-6)),
                    diagnostics: diagnostics, templateCount: count)
    }

    /// `Config/../Templates` as `Templates`, when both name the same folder (a symbolic link may
    /// make them differ; the path is then kept as it is).
    public static func shortPath(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            if part == "..", let last = parts.last, last != ".." { parts.removeLast() } else { parts.append(part) }
        }
        let short = (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
        let same = URL(fileURLWithPath: short.isEmpty ? "." : short).resolvingSymlinksInPath().path
            == URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return same && !short.isEmpty ? short : path
    }
}
