/// Why `--out` could not write a project file.
public struct ProjectFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The file is there already (pass `--force` to replace it).
        case exists
        /// Two tables have the same number and code, so the same file name.
        case duplicate
        case cannotWrite(String)
    }

    public var path: String
    public var reason: Reason

    public var description: String {
        switch reason {
        case .exists: return "\(path): already exists; pass --force to replace it"
        case .duplicate: return "\(path): two tables would be written to this file (same number and code)"
        case let .cannotWrite(detail): return "\(path): cannot write: \(detail)"
        }
    }
}
