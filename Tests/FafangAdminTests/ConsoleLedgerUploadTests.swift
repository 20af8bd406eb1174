import FafangAdmin
import FafangCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// 录入付款: a clerk's upload of a bank file, multipart as a browser sends it, recorded through
/// `LedgerService` with the clerk as `recordedBy`, all or nothing, problems by row; larger than
/// `[admin] max_body_bytes` but not than `[console] max_upload_bytes`.
@Suite("Console: ledger upload", .serialized)
struct ConsoleLedgerUploadTests {
    static let boundary = "----fafangBoundary7MA4YWxk"

    static func multipart(file: String, name: String = "bank.csv", csrf: String?, sheet: String? = nil) -> ByteBuffer {
        var text = ""
        if let csrf { text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n" }
        if let sheet { text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"sheet\"\r\n\r\n\(sheet)\r\n" }
        text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: text/csv\r\n\r\n\(file)\r\n--\(boundary)--\r\n"
        return ByteBuffer(string: text)
    }

    static func upload(_ browser: ConsoleBrowser, _ body: ByteBuffer) async throws -> TestResponse {
        var headers = browser.headers
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        headers[.contentLength] = "\(body.readableBytes)"
        return try await browser.client.execute(uri: "/console/ledger", method: .post, headers: headers, body: body)
    }

    static let good = "交易流水号,项目编码,户号,金额,日期,状态\nB-1,RENT01,H1,1000.00,2021-06-19,成功\nB-2,RENT01,H2,3240.00,2021-06-19,成功\nB-3,RENT01,H1,5.00,2021-06-19,失败\n"

    @Test func aClerkRecordsABankFileAsThemselves() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        // Padded past [admin] max_body_bytes (4 KiB): the upload has its own limit.
        let padded = Self.good + String(repeating: "\n", count: 5000)
        try await rig.application().test(.router) { client in
            let clerk = try await ConsoleBrowser.login(client, account: "zhangkj")
            let form = String(buffer: try await clerk.get("/console/ledger").body)
            #expect(form.contains("enctype=\"multipart/form-data\""))
            let response = try await Self.upload(clerk, Self.multipart(file: padded, csrf: clerk.csrf))
            #expect(response.status == .ok)
            let body = String(buffer: response.body)
            #expect(body.contains("bank.csv：新录入 2 笔，合计 4,240.00 元；已录入过 0 笔，银行标记失败未录入 1 笔"), "\(body)")
            let again = String(buffer: try await Self.upload(clerk, Self.multipart(file: Self.good, csrf: clerk.csrf)).body)
            #expect(again.contains("新录入 0 笔，合计 0.00 元；已录入过 2 笔"), "a replay is a duplicate (the store compares sameContent)")
        }
        #expect(try await rig.admin.database.ledger().map(\.bankReference) == ["B-1", "B-2"])
        #expect(Set(rig.store.state.ledgerEntries.map(\.recordedBy)) == ["zhangkj"])
        let audit = rig.store.state.audit.filter { $0.action == "ledger_record" }
        #expect(audit.map(\.subject) == ["file:bank.csv", "file:bank.csv"], "each upload is audited once")
        #expect(audit.first?.actor == "zhangkj")
        #expect(rig.hooks.ledgerRecorded.withLock { $0 } == 1, "the scheduler is woken when something was recorded")
    }

    @Test("a file with bad rows is refused whole, each problem by row in Chinese")
    func problemsByRow() async throws {
        let rig = try ConsoleRig()
        defer { rig.remove() }
        let file = "交易流水号,项目编码,户号,金额,日期\nB-1,RENT01,H1,1000.00,2021-06-19\nB-2,RENT01,H9,10.00,2021-06-19\nB-3,RENT01,H2,abc,2021-06-19\nB-4,RENT01,H1,1200.00,2021-06-19\n"
        try await rig.application().test(.router) { client in
            let clerk = try await ConsoleBrowser.login(client, account: "zhangkj")
            let parse = try await Self.upload(clerk, Self.multipart(file: file, csrf: clerk.csrf))
            #expect(parse.status == .unprocessableContent)
            let parseBody = String(buffer: parse.body)
            #expect(parseBody.contains("整份文件未录入"))
            #expect(parseBody.contains("<td>第 4 行</td><td>金额</td><td>不是金额（现为 &quot;abc&quot;）</td>"), "\(parseBody)")
            let checked = try await Self.upload(clerk, Self.multipart(file: file.replacingOccurrences(of: "abc", with: "1.00"), csrf: clerk.csrf))
            let body = String(buffer: checked.body)
            #expect(checked.status == .unprocessableContent)
            #expect(body.contains("<td>第 3 行</td><td></td><td>收款人 H9 不在项目 RENT01 的名册中</td>"), "\(body)")
            #expect(body.contains("超付 H1：应付 2,160.00 元，已付 1,000.00 元，本次 1,200.00 元"))
        }
        #expect(try await rig.admin.database.ledger().isEmpty)
        #expect(rig.store.state.audit.filter { $0.action == "ledger_rejected" }.count == 2)
    }

    @Test("a viewer may not upload; a form without the token is refused; other files and oversized ones too")
    func refusals() async throws {
        let rig = try ConsoleRig(console: "max_upload_bytes = 8192\n")
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let viewer = try await ConsoleBrowser.login(client, account: "wangcn")
            #expect(!String(buffer: try await viewer.get("/console/ledger").body).contains("type=\"file\""))
            #expect(try await Self.upload(viewer, Self.multipart(file: Self.good, csrf: viewer.csrf)).status == .forbidden)
            let clerk = try await ConsoleBrowser.login(client, account: "zhangkj")
            #expect(try await Self.upload(clerk, Self.multipart(file: Self.good, csrf: nil)).status == .forbidden)
            #expect(try await Self.upload(clerk, Self.multipart(file: Self.good, csrf: String(repeating: "a", count: 64))).status == .forbidden)
            #expect(try await Self.upload(clerk, Self.multipart(file: Self.good, name: "bank.pdf", csrf: clerk.csrf)).status == .unsupportedMediaType)
            let large = try await Self.upload(clerk, Self.multipart(file: String(repeating: "x", count: 9000), csrf: clerk.csrf))
            #expect(large.status == .contentTooLarge)
        }
        #expect(try await rig.admin.database.ledger().isEmpty)
        #expect(rig.store.state.ledgerEntries.isEmpty)
    }
}
