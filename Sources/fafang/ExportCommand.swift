import ArgumentParser
import FafangConfig
import FafangCore
import FafangDaemon
import Foundation

/// `fafang export --year 2021 --to DIR`: the year's records for the auditors (`AuditExport`).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a year's ledger, messages, attempts and receipts for the auditors, as .xlsx and CSV.",
        discussion: """
            Writes DIR/fafang-YEAR.xlsx (sheets 汇总, 付款台账, 通知, 发送记录, 回执) and the same tables as \
            DIR/{summary,ledger,messages,attempts,receipts}-YEAR.csv (UTF-8 with a byte order mark, so that Excel opens them \
            as UTF-8). Payments are those whose date falls in the year, messages those made in it (local time, [township] \
            time_zone). Phone numbers are masked unless --unmasked; an unmasked export is written to the audit log with \
            the operator's name. The summary's totals per project are those of `fafang status --at YEAR-12-31` when every \
            payment falls in the year.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "The calendar year, e.g. 2021.")
    var year: Int

    @Option(help: "The folder to write into (created if missing; existing files of the same names are replaced).")
    var to: String

    @Flag(help: "Full phone numbers (the export is audited).")
    var unmasked = false

    @Option(name: .customLong("operator"), help: "Who asks for an unmasked export (an account of the operators file); required with --unmasked.")
    var operatorName: String?

    func validate() throws {
        guard (2000...2100).contains(year) else { throw ValidationError("--year must be a calendar year, e.g. 2021") }
        if unmasked, operatorName == nil { throw ValidationError("--unmasked needs --operator NAME: an unmasked export is audited as someone's") }
    }

    func run() async throws {
        let configuration = try options.load()
        if unmasked, let operatorName, case let .failure(refusal) = OperatorCheck.account(operatorName, in: configuration, atLeast: .approver) {
            StandardError.print("export: \(refusal)")
            throw ExitCode(1)
        }
        let store = try await options.openStore(configuration)
        let tables: [ExportTable]
        do {
            tables = try await AuditExport.tables(configuration, store: store, options: AuditExport.Options(year: year, unmasked: unmasked))
        } catch {
            StandardError.print("export: cannot read the store: \(error)")
            throw ExitCode(1)
        }
        do {
            try FileManager.default.createDirectory(atPath: to, withIntermediateDirectories: true)
            let workbook = (to as NSString).appendingPathComponent("fafang-\(year).xlsx")
            try XLSXWriter.write(tables, to: workbook)
            print("export: \(workbook): " + tables.map { "\($0.name) \($0.rows.count) rows" }.joined(separator: ", "))
            for (table, stem) in zip(tables, AuditExport.csvStems) {
                let path = (to as NSString).appendingPathComponent("\(stem)-\(year).csv")
                try table.csv().write(to: URL(fileURLWithPath: path), options: .atomic)
                print("export: \(path)")
            }
        } catch {
            StandardError.print("export: \(error)")
            throw ExitCode(1)
        }
        if unmasked, let operatorName {
            do {
                try await store.recordAudit(AuditEntry(at: Date(), actor: operatorName, action: "export_unmasked", subject: "year \(year)",
                                                       detail: "full phone numbers, written to \(to)"))
            } catch {
                StandardError.print("export: written, but the audit log could not record it: \(error)")
                throw ExitCode(1)
            }
        }
        let summary = tables[0]
        if let total = summary.rows.last, case let .yuan(paid) = total[4], case let .integer(count) = total[3] {
            print("export: \(year): \(count) payments, \(paid.yuanString) 元" + (unmasked ? "; phones unmasked (audited as \(operatorName ?? ""))" : "; phones masked"))
        }
    }
}
