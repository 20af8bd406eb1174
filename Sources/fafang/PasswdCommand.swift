import ArgumentParser
import FafangAdmin
import FafangConfig
import FafangCore
import Foundation

/// `fafang passwd NAME`: sets an operator's console password (and, when given, display name and
/// role) in the operators file, as a bcrypt hash; the rest of the file is kept as it is.
struct PasswdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Set an operator's console password in the operators file (added if new).",
        discussion: "Reads the password twice from the terminal without echo, or once from --password-file or from standard input when it is not a terminal. Only the account's [operators.NAME] table is rewritten. The running daemon reads the accounts again on SIGHUP (systemctl reload fafang)."
    )

    @OptionGroup var options: ConfigOptions
    @Argument(help: "The account name (lower-case letters, digits, _ or -), e.g. zhangkj.") var name: String
    @Option(help: "viewer, clerk or approver. Default: kept; viewer for a new account.") var role: String?
    @Option(name: .customLong("display-name"), help: "The name shown on pages, e.g. 张会计. Required for a new account.") var displayName: String?
    @Option(name: .customLong("password-file"), help: "Read the password from the first line of this file.") var passwordFile: String?
    @Option(name: .customLong("operators-file"), help: "The operators file. Default: [console] operators of fafang.toml, else operators.toml beside it.")
    var operatorsFile: String?
    @Option(help: "bcrypt's cost (4–31).") var cost: Int = OperatorPassword.defaultCost

    func validate() throws {
        if let problem = OperatorAccount.nameProblem(name) { throw ValidationError("\(name): \(problem)") }
        if let role, OperatorRole(rawValue: role) == nil { throw ValidationError("--role must be viewer, clerk or approver (got \"\(role)\")") }
        if !OperatorPassword.costs.contains(cost) { throw ValidationError("--cost must be between 4 and 31 (got \(cost))") }
        if let displayName, displayName.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--display-name must not be empty") }
    }

    func run() throws {
        let file = operatorsFile ?? OperatorsFile.path(configPath: options.path)
        let password: String
        do {
            if let passwordFile {
                password = try PasswordPrompt.read(file: passwordFile)
            } else if PasswordPrompt.isInteractive {
                password = try PasswordPrompt.askTwice(account: name)
            } else {
                password = try PasswordPrompt.readStandardInput()
            }
        } catch {
            StandardError.print("\(error)")
            throw ExitCode(1)
        }
        if let problem = OperatorPassword.problem(password) {
            StandardError.print("refused: \(problem); nothing was changed")
            throw ExitCode(1)
        }
        let change = OperatorsFile.Change(account: name, displayName: displayName, role: role.flatMap(OperatorRole.init(rawValue:)),
                                          passwordHash: OperatorPassword.hash(password, cost: cost))
        do {
            switch try OperatorsFile.apply(change, toFile: file) {
            case .added: print("\(file): added \(name)")
            case .updated: print("\(file): updated \(name)")
            }
        } catch {
            StandardError.print("\(error)")
            throw ExitCode(1)
        }
        print("reload the daemon for the console to take it: systemctl reload fafang (or kill -HUP the daemon's pid)")
    }
}
