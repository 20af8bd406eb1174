@_spi(Fuzzing) import FafangAdmin
import FafangFuzzKit
import Foundation

/// What others send the admin server (`AdminParsing`): the bank-side system's `POST /v1/ledger`
/// body, the cloud SMS vendors' status pushes and Kannel's delivery reports.
enum AdminHarnesses {
    static let all: [Harness] = [
        Harness(name: "ledger-json", run: ledgerJSON),
        Harness(name: "receipts", run: receipts),
        Harness(name: "console-forms", run: consoleForms),
    ]

    /// What a browser posts to the console: the first byte picks a URL-encoded form or a
    /// multipart upload, whose boundary is the input's first line.
    static func consoleForms(_ data: Data) {
        guard let selector = data.first else { return }
        let body = data.dropFirst()
        if selector % 2 == 0 {
            let form = FormFields(encoded: String(decoding: body, as: UTF8.self))
            blackHole(form["csrf"]?.count ?? 0)
            return
        }
        guard let newline = body.firstIndex(of: 0x0A) else { return }
        var line = body[body.startIndex..<newline]
        if line.last == 0x0D { line = line.dropLast() }
        let boundary = String(decoding: line, as: UTF8.self)
        guard !boundary.isEmpty else { return }
        if let form = try? MultipartForm(body: Data(body[body.index(after: newline)...]), boundary: boundary) {
            blackHole((form.field("csrf")?.count ?? 0) + (form.field("sheet")?.count ?? 0))
        }
    }

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
