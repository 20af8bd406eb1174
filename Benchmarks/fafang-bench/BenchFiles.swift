import Foundation

/// The configuration files the benchmarks write for a daemon of their own.
enum BenchFiles {
    /// The start of a fafang.toml: a test township, state and registers under the file's folder,
    /// SMS without quiet hours; `rest` follows ([dispatch], gateways, endpoints…).
    /// - Parameter paths: more lines of `[paths]`.
    static func settings(templates: String, smsGateway: String? = nil, paths: String = "", rest: String) -> String {
        """
        [township]
        name = "测试乡人民政府"
        hotline = "0315-0000000"

        [paths]
        state_directory = "state"
        templates_directory = "\(templates)"
        projects_directory = "projects"
        villages_register = "villages.csv"
        \(paths)

        [sms]
        signature = "测试乡财政所"
        quiet_hours = "00:00-00:00"
        max_segments = 3
        \(smsGateway.map { "gateway = \"\($0)\"" } ?? "")

        \(rest)
        """
    }

    /// Writes each file (path relative to `root`), creating folders.
    static func write(_ files: [String: String], under root: String) throws {
        for (name, text) in files {
            let path = root + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }
}
