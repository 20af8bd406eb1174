import Foundation

/// A copy of the bundled configuration whose state lives in the demo's work folder and whose
/// gateways and robots all point at the demo's sink.
enum DemoWorkspace {
    /// - Parameter adminPort: where the demo's daemon listens for receipts (the sink calls Kannel's dlr-url there).
    static func prepare(work: String, config: String, templates: String, sinkURL: String, adminPort: Int) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: work, withIntermediateDirectories: true)
        try manager.copyItem(atPath: config, toPath: work + "/config")
        let settings = work + "/config/fafang.toml"
        var text = try String(contentsOfFile: settings, encoding: .utf8)
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("state_directory =") {
                lines.append("state_directory = \"\(work)/state\"")
            } else if line.hasPrefix("templates_directory =") {
                lines.append("templates_directory = \"\(templates)\"")
            } else if line.hasPrefix("listen =") {
                lines.append("listen = \"127.0.0.1:\(adminPort)\"")
            } else {
                lines.append(String(line))
            }
        }
        text = lines.joined(separator: "\n")
        text = text.replacingOccurrences(of: "http://127.0.0.1:18089", with: sinkURL)
        text = text.replacingOccurrences(of: "http://127.0.0.1:13013", with: sinkURL)
        text = text.replacingOccurrences(of: "http://127.0.0.1:8088", with: "http://127.0.0.1:\(adminPort)")
        try text.write(toFile: settings, atomically: true, encoding: .utf8)
    }
}
