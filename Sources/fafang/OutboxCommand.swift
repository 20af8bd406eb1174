import ArgumentParser
import FafangConfig
import FafangCore
import FafangStore
import Foundation

/// `fafang outbox`: the operator's hands on the outbox.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Retry dead messages; pause or resume a gateway.",
        subcommands: [Retry.self, Pause.self, Resume.self]
    )

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send dead messages again: one by id, or all dead since an instant.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The message id (from `fafang deliveries`).") var id: Int64?
        @Option(name: .customLong("dead-since"), help: "Every message dead since this ISO 8601 instant.") var deadSince: String?

        func validate() throws {
            if (id == nil) == (deadSince == nil) { throw ValidationError("give a message id or --dead-since, not both") }
        }

        func run() async throws {
            let configuration = try options.load()
            var since: Date?
            if let deadSince {
                guard let date = ISO8601DateFormatter().date(from: deadSince) else { throw ValidationError("--dead-since must be ISO 8601") }
                since = date
            }
            let count = try await options.openStore(configuration).retryDead(id: id, since: since, clock: WallClock())
            print("\(count) message(s) back to pending")
            if count == 0 { throw ExitCode(1) }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop sending through a gateway or endpoint until resumed.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Gateway or endpoint name.") var gateway: String

        func run() async throws {
            let configuration = try options.load()
            let changed = try await options.openStore(configuration).pause(gateway: gateway, now: Date())
            print(changed ? "\(gateway) paused" : "\(gateway) was already paused")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused gateway; its waiting messages are due at once.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Gateway or endpoint name.") var gateway: String

        func run() async throws {
            let configuration = try options.load()
            let changed = try await options.openStore(configuration).resume(gateway: gateway, now: Date())
            print(changed ? "\(gateway) resumed" : "\(gateway) was not paused")
        }
    }
}
