/// An error a store's driver throws that can say the database was not written for lack of
/// space: SQLite's `SQLITE_FULL` (the disk, or `PRAGMA max_page_count`), PostgreSQL's SQLSTATE
/// 53100 `disk_full`. The stores make their drivers' errors conform; nothing of such a write was
/// made (its transaction rolled back), and the same write can succeed once space is freed.
public protocol StoreWriteFailure: Error {
    var isOutOfSpace: Bool { get }
}

public enum StoreSpace {
    /// Whether `error` says a write failed for lack of space.
    public static func isOutOfSpace(_ error: any Error) -> Bool {
        (error as? any StoreWriteFailure)?.isOutOfSpace ?? false
    }
}
