import FafangConfig
import FafangCore
import FafangDaemon
import FafangTestSupport
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The warning before the disk is full (`[paths] low_space_mib`): `DiskSpace` reads what
/// coreutils' `stat -f` reads, and `StoreHealth.checkDisk` warns once on the way down and once
/// on the way up.
@Suite("Disk space: the warning before it is full", .serialized)
struct DiskWatchTests {
    static func run(_ program: String, _ arguments: [String]) -> (status: Int32, output: String) {
        (try? runProgram(program, arguments)) ?? (-1, "")
    }

    @Test("DiskSpace agrees with stat -f, and sees a file written on a tmpfs of its own")
    func diskSpaceIsWhatStatSays() throws {
        let directory = NSTemporaryDirectory() + "fafang-disk-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // As root (CI), a 4 MiB tmpfs: nothing else writes on it, so the figures are exact.
        let mounted = getuid() == 0 && Self.run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "fafang-disk", directory]).status == 0
        defer { if mounted { _ = Self.run("/usr/bin/umount", ["-l", directory]) } }
        let space = try #require(DiskSpace.of(directory))
        let stat = Self.run("/usr/bin/stat", ["-f", "-c", "%a %b %S", directory])
        let fields = stat.output.split(separator: " ").compactMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try #require(fields.count == 3, "stat -f printed \(stat.output)")
        #expect(space.total == fields[1] * fields[2])
        if mounted {
            #expect(space.total == 4 << 20)
            #expect(space.available == fields[0] * fields[2])
            try Data(count: 1 << 20).write(to: URL(fileURLWithPath: directory + "/filler"))
            let after = try #require(DiskSpace.of(directory))
            #expect(space.available - after.available == 1 << 20, "\(space.summary) → \(after.summary)")
        } else {
            // Another process may write meanwhile: the same within 64 MiB.
            #expect(abs(space.available - fields[0] * fields[2]) < 64 << 20)
        }
        #expect(DiskSpace.of(directory + "/no-such-folder") == nil)
    }

    @Test("below the threshold: one warning, STATUS begins DISK LOW, changed signalled; back above: one notice; an outage's line comes first")
    func checkDiskWarnsOnceEachWay() async throws {
        let log = CapturedLog()
        // Bytes free as the test says; a path other than the state directory cannot be looked at.
        let figure = Mutex<Int64>(600 << 20)
        func free(_ bytes: Int64) { figure.withLock { $0 = bytes } }
        let health = StoreHealth(logger: log.logger("store"), measureDisk: { path in
            path == "/var/lib/fafang" ? DiskSpace(available: figure.withLock { $0 }, total: 20 << 30) : nil
        })
        let threshold: Int64 = 512 << 20
        #expect(health.checkDisk(path: "/var/lib/fafang", threshold: threshold)?.isLow == false)
        #expect(health.status == nil)
        free(300 << 20)
        #expect(health.checkDisk(path: "/var/lib/fafang", threshold: threshold)?.isLow == true)
        await health.changed.wait(timeout: .seconds(5))
        #expect(health.status == "DISK LOW: 300 MiB of 20480 MiB free in /var/lib/fafang (warning below 512 MiB)")
        free(200 << 20)
        health.checkDisk(path: "/var/lib/fafang", threshold: threshold)
        #expect(health.disk?.space.available == 200 << 20)
        #expect(log.all.filter { $0.contains("nearly full") }.count == 1, "\(log.all)")
        #expect(log.all.first { $0.contains("nearly full") }?.contains("disk.available_mib=300") == true, "\(log.all)")

        // While the store is out of space, that is what STATUS says.
        struct Full: StoreWriteFailure { var isOutOfSpace: Bool { true } }
        #expect(health.failed(Full(), during: "test"))
        #expect(health.status?.hasPrefix("STORE FULL since") == true)
        health.recovered(by: "test")
        #expect(health.status?.hasPrefix("DISK LOW") == true)

        free(4 << 30)
        #expect(health.checkDisk(path: "/var/lib/fafang", threshold: threshold)?.isLow == false)
        #expect(health.status == nil)
        #expect(log.all.filter { $0.contains("has space again") }.count == 1, "\(log.all)")
        // A path that cannot be looked at ends a warning: it says nothing of the disk.
        free(1)
        health.checkDisk(path: "/var/lib/fafang", threshold: threshold)
        #expect(health.checkDisk(path: "/nowhere", threshold: threshold) == nil)
        #expect(health.status == nil && health.disk == nil)
        #expect(log.all.last?.contains("cannot be looked at") == true, "\(log.all)")
        #expect(log.all.filter { $0.contains("has space again") }.count == 1, "\(log.all)")
    }

    @Test("[paths] low_space_mib: 512 MiB unless set; 0 is refused at its line")
    func lowSpaceSetting() throws {
        let fixture = ConfigFixture()
        let root = try fixture.write()
        defer { fixture.remove() }
        #expect(ConfigLoader.load(path: root).configuration?.settings.lowSpaceBytes == 512 << 20)
        for (value, expected) in [("2048", Int64(2048) << 20), ("0", nil)] {
            var changed = ConfigFixture()
            changed.files["fafang.toml"] = changed.files["fafang.toml"]!.replacingOccurrences(
                of: "villages_register = \"payees/villages.csv\"\n", with: "villages_register = \"payees/villages.csv\"\nlow_space_mib = \(value)\n")
            let path = try changed.write()
            defer { changed.remove() }
            let outcome = ConfigLoader.load(path: path)
            if let expected {
                #expect(outcome.configuration?.settings.lowSpaceBytes == expected, "\(outcome.diagnostics)")
            } else {
                let error = try #require(outcome.errors.first, "low_space_mib = 0 was taken")
                #expect(error.keyPath == "paths.low_space_mib" && error.line == changed.line(of: "low_space_mib", in: "fafang.toml"), "\(outcome.errors)")
            }
        }
    }
}
