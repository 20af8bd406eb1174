@_spi(Fuzzing) import FafangAdmin
import FafangFuzzKit
import Foundation

/// What others send the admin server (`AdminParsing`): the bank-side system's `POST /v1/ledger`
/// body, the cloud SMS vendors' status pushes and Kannel's delivery reports.
enum AdminHarnesses {
    static let all: [Harness] = [
        Harness(name: "ledger-json", run: ledgerJSON),
        Harness(name: "receipts", run: receipts),
    ]

    static func ledgerJSON(_ data: Data) {
        switch AdminParsing.ledgerEntries(data) {
        case let .success(result): blackHole(result.entries.count + result.problems.count)
        case let .failure(failure): blackHole(failure.reason.count)
        }
    }

    /// The first byte picks the reader: Aliyun's push, Tencent's push, or Kannel's query (the
    /// rest of the input as the request target after `/receipts/kannel?`).
    static func receipts(_ data: Data) {
        guard let selector = data.first else { return }
        let body = data.dropFirst()
        switch selector % 3 {
        case 0: blackHole(try? AdminParsing.aliyunReceipts(Data(body)).get())
        case 1: blackHole(try? AdminParsing.tencentReceipts(Data(body)).get())
        default: blackHole(try? AdminParsing.kannelReceipt("/receipts/kannel?" + String(decoding: body, as: UTF8.self)).get())
        }
    }
}
