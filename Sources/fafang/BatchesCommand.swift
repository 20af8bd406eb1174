import ArgumentParser
import FafangConfig
import FafangCore
import FafangDaemon
import FafangStore
import Foundation
import Logging

/// `fafang batches`: the approver's review (审核) of held payment SMS, a batch per project and day.
struct BatchesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batches",
        abstract: "Review held SMS batches ([approval]); approve or reject them as an approver who did not record their payments.",
        subcommands: [List.self, Show.self, Approve.self, Reject.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List batches, newest first.")
        @OptionGroup var options: ConfigOptions
        @Option(help: "Only batches in this state: open, approved or rejected.") var state: ApprovalBatch.State?
        @Option(help: "At most this many.") var limit = 50

        func run() async throws {
            let configuration = try options.load()
            let batches = try await options.openStore(configuration).approvalBatches(states: state.map { [$0] }, limit: limit)
            for batch in batches { print(BatchSummary.line(batch)) }
            print("\(batches.count) batch(es)")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A batch: count, total, SMS segments, recorders, and a sample of its texts.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The batch id (from `fafang batches list`).") var id: Int64
        @Option(help: "How many of its texts to show.") var samples = 5

        func run() async throws {
            let configuration = try options.load()
            let store = try await options.openStore(configuration)
            let batch = try await BatchesCommand.batch(id, in: store)
            let messages = try await store.batchMessages(id: id, limit: max(0, samples))
            BatchesCommand.show(batch, samples: messages, configuration: configuration)
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a batch: its SMS go out (a running daemon sends them within a scheduler tick).")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The batch id.") var id: Int64
        @Option(name: .customLong("operator"), help: "The approver (an account of the operators file).") var operatorName: String

        func run() async throws {
            try await BatchesCommand.decide(id, .approve, operatorName: operatorName, options: options)
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a batch: its SMS are kept, never sent, with the reason.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The batch id.") var id: Int64
        @Option(name: .customLong("operator"), help: "The approver (an account of the operators file).") var operatorName: String
        @Option(help: "Why (kept with the batch and each message, shown to the clerk).") var reason: String

        func validate() throws {
            if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--reason must say why") }
        }

        func run() async throws {
            try await BatchesCommand.decide(id, .reject(reason: reason.trimmingCharacters(in: .whitespacesAndNewlines)),
                                            operatorName: operatorName, options: options)
        }
    }

    /// The batch, or an error and exit status 1.
    static func batch(_ id: Int64, in store: any Store) async throws -> ApprovalBatch {
        guard let batch = try await store.approvalBatch(id: id) else {
            StandardError.print("no batch \(id) (`fafang batches list` lists them)")
            throw ExitCode(1)
        }
        return batch
    }

    static func show(_ batch: ApprovalBatch, samples: [OutboxMessage], configuration: Configuration) {
        let name = configuration.project(code: batch.projectCode)?.project.name
        for line in BatchSummary.lines(batch, projectName: name, samples: samples, zone: configuration.settings.timeZone) { print(line) }
    }

    /// Shows the batch as it is now, then decides exactly that batch: refused (exit 1) when the
    /// operator may not, or when messages joined it since.
    static func decide(_ id: Int64, _ verdict: BatchDecision.Verdict, operatorName: String, options: ConfigOptions) async throws {
        let configuration = try options.load()
        let account: OperatorAccount
        switch OperatorCheck.account(operatorName, in: configuration, atLeast: .viewer) {
        case let .success(found): account = found
        case let .failure(refusal):
            StandardError.print("refused: \(refusal)")
            throw ExitCode(1)
        }
        let store = try await options.openStore(configuration)
        let shown = try await batch(id, in: store)
        show(shown, samples: [], configuration: configuration)
        var logger = Logger(label: "fafang.batches")
        logger.logLevel = .warning
        switch try await ApprovalService(store: store, logger: logger).decide(shown, verdict, by: account, now: Date()) {
        case let .success(batch):
            print(batch.state == .approved
                  ? "approved batch \(batch.id): \(batch.messageCount) SMS to go out (a running daemon sends them within a scheduler tick)"
                  : "rejected batch \(batch.id): \(batch.messageCount) SMS kept, never sent")
        case let .failure(refusal):
            StandardError.print("refused: \(refusal)")
            throw ExitCode(1)
        }
    }
}

extension ApprovalBatch.State: ExpressibleByArgument {}
