import FafangCore
import Foundation
import Hummingbird
import HummingbirdCore

/// The admin server's readers of what banks and SMS vendors send, without a server or a store:
/// the entry points of the fuzzing harnesses (`Fuzz/`, `@_spi(Fuzzing) import FafangAdmin`).
///
/// Each does what its controller does with a body or a query before anything is recorded.
@_spi(Fuzzing) public enum AdminParsing {
    /// A `POST /v1/ledger` body: the entries, or every problem the controller would answer 422
    /// with; `.failure` with the 400 reason for a body that is not JSON of that shape.
    public static func ledgerEntries(_ body: Data) -> Result<(entries: [LedgerEntry], problems: [String]), ParseFailure> {
        let decoded: LedgerController.Body
        do {
            decoded = try JSONDecoder().decode(LedgerController.Body.self, from: body)
        } catch {
            return .failure(ParseFailure(reason: AdminJSON.describe(error)))
        }
        var entries: [LedgerEntry] = []
        var problems: [String] = []
        for raw in decoded.entries {
            switch raw.entry() {
            case let .success(entry): entries.append(entry)
            case let .failure(failure): problems += failure.messages
            }
        }
        return .success((entries, problems))
    }

    /// The receipts of an Aliyun status push (`POST /receipts/aliyun`).
    public static func aliyunReceipts(_ body: Data) -> Result<[ReceiptRecorder.Report], ParseFailure> {
        receipts(body, AliyunReceiptController.Report.self)
    }

    /// The receipts of a Tencent status push (`POST /receipts/tencent`).
    public static func tencentReceipts(_ body: Data) -> Result<[ReceiptRecorder.Report], ParseFailure> {
        receipts(body, TencentReceiptController.Report.self)
    }

    /// The receipt of a Kannel delivery report, from the request target
    /// (`/receipts/kannel?id=…&type=…`); `.failure` for one the controller answers 400.
    public static func kannelReceipt(_ target: String) -> Result<ReceiptRecorder.Report, ParseFailure> {
        KannelReceiptController.report(URI(target)).mapError { ParseFailure(reason: "\($0)") }
    }

    private static func receipts<Report: PushedReport>(_ body: Data, _: Report.Type) -> Result<[ReceiptRecorder.Report], ParseFailure> {
        do {
            return .success(try JSONDecoder().decode([Report].self, from: body).compactMap(\.receipt))
        } catch {
            return .failure(ParseFailure(reason: AdminJSON.describe(error)))
        }
    }

    /// Why a body or query is refused (the 400 reply's reason).
    public struct ParseFailure: Error {
        public var reason: String
    }
}
