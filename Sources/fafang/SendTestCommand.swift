import ArgumentParser
import FafangConfig
import FafangCore
import FafangDaemon
import FafangDelivery
import Foundation

/// `fafang send-test`: one message through one configured gateway, and what came of it.
struct SendTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-test",
        abstract: "Send one message through a configured SMS gateway or webhook endpoint and print the classified outcome.",
        discussion: "The phone number is shown masked and secrets never; exit status 0 when delivered, 1 otherwise."
    )

    @OptionGroup var options: ConfigOptions
    @Option(help: "A [gateways.NAME] (SMS) or [endpoints.NAME] (webhook) of fafang.toml.") var gateway: String
    @Option(help: "The mobile number, for an SMS gateway (an endpoint is its own recipient).") var to: String?
    @Option(help: "The text (the SMS signature is added by the gateway). A cloud SMS gateway (aliyun, tencent) sends its approved template instead.") var text: String?
    @Option(help: "The kind of message (payment_recorded, payment_in_progress): a cloud SMS gateway sends the approved template of this kind, filled with sample values. Default: the first kind it has a template for.") var kind: String?

    func run() async throws {
        let load = Runtime.load(path: options.path)
        guard let runtime = load.runtime else {
            for diagnostic in load.errors { StandardError.print(diagnostic.description) }
            throw ExitCode(1)
        }
        let configuration = runtime.configuration
        let gateways = runtime.gateways
        guard let chosen = gateways[gateway] else {
            throw ValidationError("no gateway or endpoint \"\(gateway)\" (configured: \(gateways.keys.sorted().joined(separator: ", ")))")
        }
        let recipient: Recipient
        if configuration.settings.gateways[gateway] != nil {
            guard let to, let phone = PhoneNumber(to) else { throw ValidationError("--to must be a mainland mobile number for an SMS gateway") }
            recipient = .phone(phone)
        } else {
            recipient = .endpoint(gateway)
        }
        let key = "send-test-" + UUID().uuidString.lowercased().prefix(8)
        let message = try Self.message(key: String(key), recipient: recipient, text: text, kind: kind,
                                       gateway: configuration.settings.gateways[gateway])
        let request: HTTPRequest
        do {
            request = try chosen.request(for: message, now: Date())
        } catch {
            print("refused before sending: \(error)")
            throw ExitCode(1)
        }
        let engine = try CurlEngine(settings: configuration.settings.delivery)
        let outcome = await engine.send(request)
        await engine.shutdown()
        let verdict = chosen.interpret(outcome, for: message, now: Date())
        let template = message.kind.map { ", template of \($0.rawValue) with sample values" } ?? ""
        print("to \(recipient) via \(gateway) (\(request.method.rawValue) \(request.redactedURL)), key \(key)\(template)")
        switch outcome.result {
        case let .success(response): print(String(format: "HTTP %d in %.0f ms", response.status, outcome.totalSeconds * 1000))
        case let .failure(error): print("transport: \(error)")
        }
        switch verdict {
        case let .delivered(reference):
            print("delivered" + (reference.map { " (reference \($0))" } ?? ""))
        case let .retry(reason, after):
            print("not delivered, retryable: \(reason)" + (after.map { " (retry after \($0))" } ?? ""))
            throw ExitCode(1)
        case let .permanent(reason):
            print("not delivered, permanent: \(reason)")
            throw ExitCode(1)
        }
    }

    /// The test message: for a cloud SMS gateway, the kind asked for (or the first it has a
    /// template for) with the sample values of that kind's fields; otherwise the text given.
    static func message(key: String, recipient: Recipient, text: String?, kind: String?,
                        gateway: SMSGatewaySettings?) throws -> OutboundMessage {
        var chosen: DueEvent.Kind?
        if let kind {
            guard let parsed = DueEvent.Kind(rawValue: kind), CloudSMSTemplateCheck.smsKinds.contains(parsed) else {
                throw ValidationError("--kind must be one of \(CloudSMSTemplateCheck.smsKinds.map(\.rawValue).joined(separator: ", "))")
            }
            chosen = parsed
        }
        let templates: [DueEvent.Kind: CloudSMSTemplate]?
        switch gateway?.details {
        case let .aliyun(aliyun)?: templates = aliyun.templates
        case let .tencent(tencent)?: templates = tencent.templates
        default: templates = nil
        }
        guard let templates else {
            guard let text else { throw ValidationError("--text is required for this gateway") }
            return OutboundMessage(idempotencyKey: key, recipient: recipient, text: text, kind: chosen)
        }
        guard let kind = chosen ?? CloudSMSTemplateCheck.smsKinds.first(where: { templates[$0] != nil }) else {
            throw ValidationError("the gateway has no template of a kind sent by SMS")
        }
        let sample = TemplateContext.sample(TemplateKind(kind), channel: .sms)
        return OutboundMessage(idempotencyKey: key, recipient: recipient, text: text ?? "", kind: kind,
                               templateParameters: sample.values)
    }
}
