import Foundation
import PackagePlugin

/// Writes `FafangVersion.swift` (`let fafangVersion = "…"`) from the newest entry of
/// `debian/changelog`, the one place the version is written: `fafang --version` and the .deb
/// (`make deb`) can then never disagree.
@main
struct VersionFromChangelog: BuildToolPlugin {
    /// The changelog's first line is `fafang (VERSION) DIST; urgency=…`.
    static let script = """
        version=$(sed -n '1s/^[a-z0-9.+-]* (\\([^)]*\\)).*/\\1/p' "$1")
        [ -n "$version" ] || { echo "$1:1: no version in the first entry" >&2; exit 1; }
        printf '/// The version of debian/changelog'"'"'s newest entry (generated; see Plugins/VersionFromChangelog).\\nlet fafangVersion = "%s"\\n' "$version" > "$2"
        """

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let changelog = context.package.directoryURL.appending(path: "debian/changelog")
        let output = context.pluginWorkDirectoryURL.appending(path: "FafangVersion.swift")
        return [
            .buildCommand(
                displayName: "Version from debian/changelog",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", Self.script, "sh", changelog.path, output.path],
                inputFiles: [changelog],
                outputFiles: [output]
            ),
        ]
    }
}
