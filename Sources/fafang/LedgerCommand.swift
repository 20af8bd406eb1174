import ArgumentParser
import FafangConfig
import FafangCore
import FafangDaemon
import FafangStore
import Foundation
import Logging

/// `fafang ledger`: what was actually paid.
struct LedgerCommand: AsyncParsableCommand {
    /// The commands print their own summary; only warnings and errors go to the log.
    static var quietLogger: Logger {
        var logger = Logger(label: "fafang.ledger")
        logger.logLevel = .warning
        return logger
    }

    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Record payments actually made (idempotent on the bank reference).",
        subcommands: [Record.self, Import.self, List.self]
    )

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record one payment.")

        @OptionGroup var options: ConfigOptions
        @Option(help: "Project code.") var project: String
        @Option(help: "Payee id in the project's register.") var payee: String
        @Option(help: "Amount in 元, e.g. 4950.00.") var amount: String
        @Option(help: "Payment date, YYYY-MM-DD.") var date: String
        @Option(name: .customLong("ref"), help: "The bank's reference for the transfer.") var reference: String

        func run() async throws {
            let configuration = try options.load()
            let money: Money
            do { money = try Money.parseYuan(amount) } catch { throw ValidationError("--amount: \(error)") }
            guard let day = LedgerFile.parseDate(date) else { throw ValidationError("--date must be YYYY-MM-DD (got \"\(date)\")") }
            let service = LedgerService(store: try await options.openStore(configuration), logger: LedgerCommand.quietLogger)
            let entry = LedgerEntry(projectCode: project, payeeID: payee, amount: money, date: day, bankReference: reference)
            do {
                let result = try await service.record([entry], source: "cli", configuration: configuration, now: Date())
                print(result.inserted.isEmpty ? "already recorded: \(reference)" : "recorded \(reference): \(money.yuanString) 元 to \(payee) (\(project)) on \(day)")
            } catch let rejection as LedgerRejection {
                StandardError.print("refused: \(rejection.problems.map(\.message).joined(separator: "; "))")
                throw ExitCode(1)
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import a bank batch result (CSV or .xlsx): all of it, or none of it.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The CSV file (UTF-8 or GB18030) or Excel workbook (.xlsx).") var file: String
        @Option(help: "The workbook's sheet. Default: the first.") var sheet: String?
        @Option(name: .customLong("operator"),
                help: "The clerk importing it (an account of the operators file): the payments are recorded as theirs, and they may not approve the SMS about them.")
        var operatorName: String?

        func run() async throws {
            let configuration = try options.load()
            if let operatorName, case let .failure(refusal) = OperatorCheck.account(operatorName, in: configuration, atLeast: .clerk) {
                StandardError.print("refused: \(refusal)")
                throw ExitCode(1)
            }
            let service = LedgerService(store: try await options.openStore(configuration), logger: LedgerCommand.quietLogger)
            switch await service.importFile(file, sheet: sheet, configuration: configuration, now: Date(), recordedBy: operatorName) {
            case let .recorded(result, skipped):
                print("\(file): recorded \(result.inserted.count), already recorded \(result.duplicates), failed transfers skipped \(skipped)")
            case let .rejected(problems):
                for problem in problems { StandardError.print(problem.description) }
                StandardError.print("\(file): refused, nothing recorded (\(problems.count) problem(s))")
                throw ExitCode(1)
            case let .outOfSpace(reason):
                StandardError.print(reason)
                throw ExitCode(1)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recorded payments.")

        @OptionGroup var options: ConfigOptions
        @Option(help: "Only this project.") var project: String?

        func run() async throws {
            let configuration = try options.load()
            let entries = try await options.openStore(configuration).ledger().filter { project == nil || $0.projectCode == project }
            for entry in entries {
                print("\(entry.date)  \(entry.projectCode)  \(entry.payeeID)  \(entry.amount.yuanString) 元  \(entry.bankReference)")
            }
            print("\(entries.count) payment(s), \(entries.map(\.amount).sum().yuanString) 元")
        }
    }
}
