import FafangFuzzKit

/// The `main` of the harnesses of what the admin server reads: the bank-side system's
/// `POST /v1/ledger` bodies and the SMS vendors' receipts; `FAFANG_FUZZ_TARGET` names one (see `FuzzDriver`).
@_cdecl("fafang_fuzz_admin_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.main(argc, argv, harnesses: AdminHarnesses.all)
}
