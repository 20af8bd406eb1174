import ArgumentParser
import FafangConfig
import Foundation

/// `fafang import-goals FILE`: reads a performance goal document (绩效目标表: the Word file, its
/// text export, or a flat goal table in Word or Excel) and prints or writes one project file
/// per table for the operator to review.
struct ImportGoalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-goals",
        abstract: "Import projects from a performance goal document (绩效目标表).",
        discussion: """
        Prints each project as TOML, ready to save as Config/projects/NN-<code>.toml, or as JSON \
        with --json; --out DIR writes the files. Warnings (a deadline in another year, a \
        satisfaction target written as an upper bound, …) go to stderr as \
        FILE:LINE: project CODE: field: message (for .docx and .xlsx, FILE:table T, row R, cell C: … \
        or FILE:SHEET!CELL: …) and do not fail the import. Review each \
        project's kind: it is a guess from the project's name.
        """
    )

    @Argument(help: "The goal document: the Word file (.docx), a UTF-8 (or GB18030) text export of its tables, or a flat goal table in Excel (.xlsx).")
    var file: String

    @Option(help: "The sheet of an .xlsx goal table. Default: the first.")
    var sheet: String?

    @Option(help: "The budget year. Default: the year the document's deadlines name most often.")
    var year: Int?

    @Flag(help: "Print the document as JSON instead of TOML.")
    var json = false

    @Option(help: ArgumentHelp("Write each project to DIR/NN-<code>.toml and print the paths.", valueName: "DIR"))
    var out: String?

    @Flag(help: "With --out, replace project files that already exist.")
    var force = false

    func validate() throws {
        if json, out != nil { throw ValidationError("--json and --out cannot be combined.") }
        if force, out == nil { throw ValidationError("--force only applies with --out.") }
        if let year, !(1000...9999).contains(year) {
            throw ValidationError("--year must be a four-digit year (got \(year)).")
        }
    }

    func run() throws {
        let document: GoalDocument
        do {
            document = try GoalDocumentImporter.load(path: file, year: year, sheet: sheet)
        } catch {
            Self.printError(error.description)
            throw ExitCode.failure
        }
        for warning in document.warnings {
            Self.printError(warning.rendered(file: document.file))
        }
        if json {
            do {
                let data = try document.jsonData()
                print(String(decoding: data, as: UTF8.self))
            } catch {
                Self.printError("\(file): cannot encode JSON: \(error)")
                throw ExitCode.failure
            }
        } else if let out {
            do {
                for path in try document.writeProjectFiles(to: out, overwrite: force) {
                    print(path)
                }
            } catch {
                Self.printError(error.description)
                throw ExitCode.failure
            }
        } else {
            print(document.tomlDocument(), terminator: "")
        }
    }

    private static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
