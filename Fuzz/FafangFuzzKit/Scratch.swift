import Foundation

/// Where harnesses write the files they load: a fresh folder per process, in memory when it can be.
public enum Scratch {
    public static let root: String = {
        let base = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
        let root = base + "fafang-fuzz-\(getpid())-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        Cleanup.add { try? FileManager.default.removeItem(atPath: root) }
        return root
    }()

    public static func path(_ name: String) -> String { root + "/" + name }

    public static func write(_ data: Data, to name: String) -> String {
        let path = path(name)
        _ = FileManager.default.createFile(atPath: path, contents: data)
        return path
    }
}

/// Folders removed when the process exits (libFuzzer ends with `exit`).
public enum Cleanup {
    nonisolated(unsafe) private static var actions: [() -> Void] = []

    public static func add(_ action: @escaping () -> Void) {
        if actions.isEmpty { atexit { Cleanup.actions.forEach { $0() } } }
        actions.append(action)
    }
}

/// Keeps a result alive so that the work producing it is not optimised away.
@inline(never)
public func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
