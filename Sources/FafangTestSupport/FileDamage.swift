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
