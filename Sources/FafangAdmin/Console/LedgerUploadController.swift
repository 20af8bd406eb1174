import FafangConfig
import FafangCore
import FafangDaemon
import Foundation
import Hummingbird
import Logging

/// 录入付款: `/console/ledger`, where a clerk uploads a bank batch result or ledger file (CSV or
/// .xlsx, what `fafang ledger import` reads), recorded through `LedgerService` with the clerk as
/// each entry's `recordedBy`: all of it, or (on any problem) none, with every problem by row.
struct LedgerUploadController: Sendable {
    let parts: ConsoleParts

    func add<Context: RemoteAddressRequestContext>(to router: Router<Context>) {
        router.get("/console/ledger") { request, context in
            try await parts.access.page(request, logger: context.logger) { session in
                LedgerUploadPage.render(configuration: parts.runtime.current.configuration, session: session, maxBytes: parts.access.settings.maxUploadBytes).response()
            }
        }
        router.post("/console/ledger") { request, context in
            try await parts.access.upload(request, logger: context.logger, role: .clerk, limit: parts.access.settings.maxUploadBytes) { session, form in
                try await record(form, session: session, logger: context.logger)
            }
        }
    }

    private func record(_ form: MultipartForm, session: ConsoleSession, logger: Logger) async throws -> Response {
        let configuration = parts.runtime.current.configuration
        func page(_ outcome: LedgerUploadPage.Outcome, _ status: HTTPResponse.Status) -> Response {
            LedgerUploadPage.render(configuration: configuration, session: session, maxBytes: parts.access.settings.maxUploadBytes, outcome: outcome)
                .response(status: status)
        }
        guard let part = form.part("file"), let filename = part.filename, !part.data.isEmpty else {
            return page(.invalid("请选择要上传的文件。"), .badRequest)
        }
        let name = Self.baseName(filename)
        let suffix = (name as NSString).pathExtension.lowercased()
        guard suffix == "csv" || suffix == "xlsx" else { return page(.invalid("只能上传 CSV 或 .xlsx 文件（\(name)）。"), .unsupportedMediaType) }
        let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("fafang-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = (folder as NSString).appendingPathComponent("upload.\(suffix)")
        try part.data.write(to: URL(fileURLWithPath: path))
        let sheet = form.field("sheet")?.trimmingCharacters(in: .whitespacesAndNewlines)
        let subject = "file:" + ConsoleText.safe(name)
        // Audited with what it records, in one transaction.
        let (actor, at) = (session.account, parts.auditor.clock.now)
        switch await parts.ledger.importFile(path, sheet: sheet?.isEmpty == false ? sheet : nil, configuration: configuration, now: parts.clock.now,
                                             recordedBy: session.account, source: "console", audit: { result, skipped in
            AuditEntry(at: at, actor: actor, action: "ledger_record", subject: subject,
                       detail: "新录入 \(result.inserted.count) 笔，合计 \(ConsoleText.money(result.inserted.map(\.amount).sum()))；已录入过 \(result.duplicates) 笔；银行失败未录入 \(skipped) 笔")
        }) {
        case let .recorded(result, skipped):
            let amount = result.inserted.map(\.amount).sum()
            parts.auditor.log(actor: actor, action: "ledger_record", subject: subject, logger: logger)
            if !result.inserted.isEmpty { parts.hooks.ledgerRecorded() }
            return page(.recorded(file: name, inserted: result.inserted.count, duplicates: result.duplicates, skippedFailed: skipped, amount: amount), .ok)
        case let .rejected(problems):
            await parts.auditor.record(actor: session.account, action: "ledger_rejected", subject: subject, detail: "\(problems.count) 处问题，整份未录入",
                                 logger: logger)
            return page(.refused(file: name, problems: problems), .unprocessableContent)
        case .outOfSpace:
            return page(.invalid("服务器磁盘已满，\(name) 未录入（文件本身没有问题）。请信息员腾出磁盘空间后重新上传。"), .serviceUnavailable)
        }
    }

    /// The file's own name, without any folder a browser sent with it.
    static func baseName(_ filename: String) -> String {
        let name = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? filename
        return name.isEmpty ? "upload" : name
    }
}
