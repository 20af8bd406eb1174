import ArgumentParser

/// The `fafang` command: the operator's entry point to every part of the daemon.
@main
struct Fafang: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fafang",
        abstract: "Tell households and village committees what they are paid, and when (发放).",
        version: fafangVersion,
        subcommands: [CheckCommand.self, PlanCommand.self, ImportGoalsCommand.self, LedgerCommand.self, StatusCommand.self, DeliveriesCommand.self, OutboxCommand.self, BatchesCommand.self, PreviewCommand.self, RunCommand.self, SendTestCommand.self, PasswdCommand.self, MigrateCommand.self, BackupCommand.self, RestoreCommand.self, ExportCommand.self]
    )
}
