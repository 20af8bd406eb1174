import FafangCore

/// Why an Office Open XML file (.docx, .xlsx) could not be read, named by file and, where it
/// helps, the part inside the package or the sheet and cell.
///
/// Prints as `households.xlsx: not an Excel workbook (.xlsx): …` or
/// `households.xlsx:xl/worksheets/sheet1.xml:14: malformed XML: …`.
public struct OOXMLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, one case per kind of damage.
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        /// The file could not be opened or read.
        case unreadable(reason: String)
        /// Not a zip package at all; `hint` says what it looks like instead.
        case notAPackage(expected: String, hint: String)
        /// A part the format needs is missing from the package.
        case missingPart(String)
        /// A part is larger than we are willing to unpack (a zip bomb, or not a register).
        case partTooLarge(part: String, bytes: UInt64, limit: UInt64)
        /// A part's XML does not parse.
        case malformedXML(part: String, line: Int, message: String)
        /// The workbook has no sheet of that name.
        case noSuchSheet(name: String, available: [String])
        /// The workbook has no sheets at all.
        case noSheets
        /// A cell reference such as `D14` that is not one.
        case badCellReference(part: String, reference: String)

        public var description: String {
            switch self {
            case let .unreadable(reason): return "cannot read the file: \(reason)"
            case let .notAPackage(expected, hint): return "not \(expected): \(hint)"
            case let .missingPart(part): return "the package has no \(part) part (damaged, or not made by Word or Excel?)"
            case let .partTooLarge(part, bytes, limit):
                return "\(part) unpacks to \(bytes) bytes, more than the \(limit) we read"
            case let .malformedXML(part, line, message): return "\(part):\(line): malformed XML: \(message)"
            case let .noSuchSheet(name, available):
                return "no sheet named \"\(name)\" (sheets: \(available.map { "\"\($0)\"" }.joined(separator: ", ")))"
            case .noSheets: return "the workbook has no sheets"
            case let .badCellReference(part, reference): return "\(part): not a cell reference: \"\(reference)\""
            }
        }
    }

    /// The file as the user named it.
    public var file: String
    public var problem: Problem

    public init(file: String, problem: Problem) {
        self.file = file
        self.problem = problem
    }

    /// The problem's text, digit runs masked (a damaged cell may echo a phone or card number).
    public var message: String { Mask.digitRuns(in: problem.description) }

    public var description: String { "\(file): \(message)" }
}
