import ArgumentParser
import FafangCore
import FafangDelivery
import Foundation

/// `fafang-bench`: measurements that guard the engine's performance.
@main
struct FafangBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fafang-bench",
        abstract: "Benchmarks for Fafang's delivery path.",
        subcommands: [HTTPBench.self, CrashTest.self, EndToEndBench.self, IdleBench.self, StoreBench.self, ScaleBench.self, ConsoleBench.self, OutboxBench.self, BackupTest.self, DiskFullTest.self])
}
