import FafangCore
import Foundation

extension GoalDocument {
    /// All project files in one text, for review on a terminal: a comment header (department
    /// goals, warnings), then each project's file after a line `# ---- file: NN-<code>.toml`.
    public func tomlDocument() -> String {
        var out: [String] = []
        let name = ProjectTOMLWriter.baseName(file)
        out.append("# Imported by `fafang import-goals` from \(ProjectTOMLWriter.comment(name)): \(imported.count) project tables, budget year \(year).")
        out.append("# Review each project's kind (a guess from its name), then save each block below as")
        out.append("# Config/projects/<file> (or run with --out DIR).")
        if !department.isEmpty {
            out.append("#")
            out.append("# Department goals (分项绩效目标), not projects:")
            for goal in department {
                let target = goal.comparator.isEmpty ? "no target" : "\(goal.comparator)\(goal.value)\(goal.unit)"
                out.append("#   \(ProjectTOMLWriter.comment(goal.title)): \(ProjectTOMLWriter.comment(target))")
            }
        }
        if !warnings.isEmpty {
            out.append("#")
            out.append("# Warnings (\(warnings.count), also on stderr):")
            out += warnings.map { "#   " + ProjectTOMLWriter.comment($0.rendered(file: name)) }
        }
        for entry in imported {
            out.append("")
            out.append("# ---- file: \(entry.fileName)")
            let source = ProjectTOMLWriter.Source(file: file, line: entry.line, place: entry.place)
            out.append(ProjectTOMLWriter.write(entry.project, source: source).dropLast().description)
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The document as JSON: `{"year", "projects", "department", "warnings"}`, keys sorted,
    /// pretty-printed, amounts in integer fen, non-ASCII text written as UTF-8.
    public func jsonData() throws(EncodingError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(GoalDocumentJSON(self))
        } catch let error as EncodingError {
            throw error
        } catch {
            throw EncodingError.invalidValue(file, .init(codingPath: [], debugDescription: "\(error)"))
        }
    }

    /// Writes each project to `directory/NN-<code>.toml` (creating the directory) and returns
    /// the paths. Refuses, before writing anything, to replace an existing file unless
    /// `overwrite`: the files in Config/projects are reviewed and edited by hand.
    public func writeProjectFiles(to directory: String, overwrite: Bool) throws(ProjectFileError) -> [String] {
        let manager = FileManager.default
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let files = imported.map { (path: "\(base)/\($0.fileName)", entry: $0) }
        var seen: Set<String> = []
        for file in files {
            guard seen.insert(file.path).inserted else { throw ProjectFileError(path: file.path, reason: .duplicate) }
            if !overwrite, manager.fileExists(atPath: file.path) { throw ProjectFileError(path: file.path, reason: .exists) }
        }
        do {
            try manager.createDirectory(atPath: base.isEmpty ? "/" : base, withIntermediateDirectories: true)
        } catch {
            throw ProjectFileError(path: base, reason: .cannotWrite((error as NSError).localizedDescription))
        }
        for file in files {
            let text = ProjectTOMLWriter.write(file.entry.project, source: .init(file: self.file, line: file.entry.line, place: file.entry.place))
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: file.path), options: .atomic)
            } catch {
                throw ProjectFileError(path: file.path, reason: .cannotWrite((error as NSError).localizedDescription))
            }
        }
        return files.map(\.path)
    }
}
