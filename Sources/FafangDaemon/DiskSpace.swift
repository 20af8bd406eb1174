import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The space on a path's filesystem, as `statvfs` reports it: what an unprivileged writer (the
/// daemon's user) may still use, and the filesystem's size.
public struct DiskSpace: Sendable, Hashable {
    /// Bytes available to the daemon's user (`f_bavail`: without root's reserve).
    public var available: Int64
    public var total: Int64

    public init(available: Int64, total: Int64) {
        self.available = available
        self.total = total
    }

    /// Nil when the path cannot be looked at (it does not exist, or is not reachable).
    public static func of(_ path: String) -> DiskSpace? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        let unit = Int64(info.f_frsize)
        return DiskSpace(available: Int64(info.f_bavail) * unit, total: Int64(info.f_blocks) * unit)
    }

    /// `312 MiB of 20480 MiB`.
    public var summary: String { "\(Self.mebibytes(available)) of \(Self.mebibytes(total))" }

    static func mebibytes(_ bytes: Int64) -> String { "\(bytes >> 20) MiB" }
}
