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
    @Option(help: "The text (the SMS signature is added by the gateway).") var text: String

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
        let message = OutboundMessage(idempotencyKey: String(key), recipient: recipient, text: text)
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
        print("to \(recipient) via \(gateway) (\(request.method.rawValue) \(request.redactedURL)), key \(key)")
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
}
