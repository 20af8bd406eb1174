import CLibFuzzer
import Foundation

/// One parser (or a family of them) fed arbitrary bytes by libFuzzer.
public struct Harness: Sendable {
    public let name: String
    /// Once, before the first input: writes the fixed files the input is placed among.
    public var prepare: @Sendable () -> Void
    public let run: @Sendable (Data) -> Void

    public init(name: String, prepare: @escaping @Sendable () -> Void = {}, run: @escaping @Sendable (Data) -> Void) {
        self.name = name
        self.prepare = prepare
        self.run = run
    }
}

/// A harness binary's `main`: the harness `FAFANG_FUZZ_TARGET` names is prepared once, then
/// libFuzzer's driver feeds it every input.
///
/// SwiftPM renames an executable target's `main` to `<module>_main` (the linker makes it `main`),
/// so libFuzzer's own `main` is not linked: each binary defines `<module>_main` with `@_cdecl`
/// and calls `FuzzDriver.main`, which runs `LLVMFuzzerRunDriver`.
public enum FuzzDriver {
    nonisolated(unsafe) private static var selected: Harness?

    public static func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, harnesses: [Harness]) -> CInt {
        let name = ProcessInfo.processInfo.environment["FAFANG_FUZZ_TARGET"] ?? ""
        guard let harness = harnesses.first(where: { $0.name == name }) else {
            let names = harnesses.map(\.name).joined(separator: " ")
            FileHandle.standardError.write(Data("fafang-fuzz: FAFANG_FUZZ_TARGET must be one of: \(names)\n".utf8))
            return 2
        }
        harness.prepare()
        selected = harness
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
    }

    static func run(_ data: UnsafePointer<UInt8>, _ size: Int) {
        selected?.run(Data(bytes: data, count: size))
    }
}

/// libFuzzer's entry point: one input to the selected harness.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if let data { FuzzDriver.run(data, size) }
    return 0
}
