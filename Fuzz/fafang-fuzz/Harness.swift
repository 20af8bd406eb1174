import FafangFuzzKit

/// The `main` of the harnesses of the parsers of files and vendor replies (the admin server's
/// bodies are `fafang-fuzz-admin`'s); `FAFANG_FUZZ_TARGET` names one (see `FuzzDriver`).
@_cdecl("fafang_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.main(argc, argv, harnesses: Harnesses.all)
}

/// Every harness, by the name `FAFANG_FUZZ_TARGET` takes (and the folder of its seed corpus in Fuzz/corpus).
enum Harnesses {
    static let all: [Harness] = [
        // Text files people edit or export: encoding detection, CSV, the goal document, the bank's CSV.
        Harness(name: "csv", run: TextHarnesses.csv),
        Harness(name: "goals-text", run: TextHarnesses.goalsText),
        Harness(name: "ledger-csv", run: TextHarnesses.ledgerCSV),
        // The configuration, one file of a small valid one replaced by the input, loaded whole.
        ConfigHarness.harness("settings", file: "fafang.toml"),
        ConfigHarness.harness("project", file: "projects/01-rent.toml"),
        ConfigHarness.harness("register", file: "payees/rent.csv"),
        ConfigHarness.harness("villages", file: "payees/villages.csv"),
        ConfigHarness.harness("transfers", file: "payees/transfer.csv"),
        ConfigHarness.harness("holidays", file: "calendar/cn-holidays.csv"),
        // Office files: the zip container as it comes, and the XML parts inside a valid zip.
        Harness(name: "xlsx", prepare: OfficeHarnesses.prepare, run: OfficeHarnesses.rawWorkbook),
        Harness(name: "docx", prepare: OfficeHarnesses.prepare, run: OfficeHarnesses.rawDocument),
        Harness(name: "ooxml-parts", prepare: OfficeHarnesses.prepare, run: OfficeHarnesses.parts),
        // Every gateway's reading of its vendor's reply.
        Harness(name: "gateway-replies", run: GatewayHarness.run),
    ]
}
