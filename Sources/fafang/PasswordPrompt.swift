#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reads a password: from the terminal without echo (asked twice, the prompts on stderr), or one
/// line from a file or from standard input when that is not a terminal.
enum PasswordPrompt {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Whether standard input is a terminal.
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 }

    /// Twice at the terminal; the two must match.
    static func askTwice(account: String) throws -> String {
        let first = try ask("New password for \(account): ")
        let second = try ask("Again: ")
        guard first == second else { throw Failure(description: "the two passwords differ; nothing was changed") }
        return first
    }

    /// The first line of `path` (its line ending dropped; the rest of the file ignored).
    static func read(file path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "\(path): cannot read the file") }
        return firstLine(String(decoding: data, as: UTF8.self))
    }

    /// One line of standard input (not a terminal: a pipe or a file).
    static func readStandardInput() throws -> String {
        guard let line = readLine(strippingNewline: true) else { throw Failure(description: "no password on standard input") }
        return firstLine(line)
    }

    static func firstLine(_ text: String) -> String {
        // On the bytes: "\r\n" is one Character.
        let line = text.utf8.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false).first
            .map { String(decoding: $0, as: UTF8.self) } ?? ""
        return line.hasSuffix("\r") ? String(line.dropLast()) : line
    }

    /// One line typed at the terminal with echo off; echo is restored whatever happens.
    private static func ask(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { throw Failure(description: "cannot read the terminal's settings") }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        quiet.c_lflag |= tcflag_t(ECHONL)
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0 else { throw Failure(description: "cannot turn the terminal's echo off") }
        defer { _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
        guard let line = readLine(strippingNewline: true) else { throw Failure(description: "no password typed") }
        return line
    }
}
