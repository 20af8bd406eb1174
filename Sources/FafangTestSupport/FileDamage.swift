import Foundation

/// Damages a database file the way a failing disk or a stray write does: `count` bytes of 0xA5
/// over the pages in the middle of the file (page-aligned at 4 KiB).
public func overwriteMiddlePages(of path: String, count: Int = 8192) throws {
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    let size = try handle.seekToEnd()
    try handle.seek(toOffset: size / 2 / 4096 * 4096)
    try handle.write(contentsOf: Data(repeating: 0xA5, count: count))
}

public struct FillFailed: Error, CustomStringConvertible {
    public let description: String
}

/// Fills the filesystem `path` is on: writes `path` until nothing more fits (ENOSPC), in ever
/// smaller pieces down to a byte, then fsyncs it. Returns the bytes written; removing the file
/// gives the space back.
@discardableResult
public func fillFileSystem(with path: String) throws -> Int {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { throw FillFailed(description: "cannot create \(path): errno \(errno)") }
    defer { close(fd) }
    var total = 0
    for size in [65_536, 4096, 512, 1] {
        let chunk = [UInt8](repeating: 0x5A, count: size)
        while true {
            let wrote = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if wrote <= 0 {
                guard wrote == 0 || errno == ENOSPC else { throw FillFailed(description: "writing \(path): errno \(errno)") }
                break
            }
            total += wrote
        }
    }
    fsync(fd)
    return total
}

/// Runs `program` (an absolute path) to its end: its exit status and what it printed, standard
/// output and error together.
public func runProgram(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
