import FafangAdmin
import FafangConfig
import FafangCore
import FafangDaemon
import FafangStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The kept ledger view and the pages built from it: the village transparency report (公示).
@Suite struct ConsoleProgressTests {
    static func entry(_ payee: String, _ yuan: String, _ reference: String, on day: String = "2021-05-10", project: String = "RENT01") -> LedgerEntry {
        LedgerEntry(projectCode: project, payeeID: payee, amount: try! Money.parseYuan(yuan), date: CivilDate(iso: day)!, bankReference: reference)
    }

    static func record(_ rig: AdminTestRig, _ entries: [LedgerEntry]) async throws {
        _ = try await rig.database.recordLedger(entries, source: "test", now: AdminTestRig.now) { _, _ in nil }
    }

    @Test func theSummaryCountsVillagesAndUnpaidPayeesAndAddsOnlyWhatIsNew() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let summary = LedgerSummary(store: rig.database, runtime: rig.runtime)
        // H1 is owed 2,160.00 (0.40 亩 × 1800 × 3), H2 3,240.00.
        try await Self.record(rig, [Self.entry("H1", "1080.00", "B1"), Self.entry("H2", "3240.00", "B2", on: "2021-07-01")])
        try await summary.refresh()
        var figures = try #require(await summary.project("RENT01"))
        #expect(figures.entries == 2)
        #expect(figures.recorded == (try Money.parseYuan("4320.00")))
        #expect(figures.paid(through: CivilDate(iso: "2021-06-30")!) == (try Money.parseYuan("1080.00")))
        let village = try #require(figures.villages.first { $0.name == "甲村" })
        #expect(village.payees == 2 && village.paidPayees == 2 && village.settledPayees == 1)
        #expect(village.owed == (try Money.parseYuan("5400.00")))
        var unpaid = await summary.unpaid(project: "RENT01")
        #expect(unpaid.total == 1 && unpaid.rows.map(\.payeeID) == ["H1"])

        try await Self.record(rig, [Self.entry("H1", "1080.00", "B3")])
        try await summary.refresh()
        figures = try #require(await summary.project("RENT01"))
        #expect(figures.entries == 3, "the new payment is added once")
        unpaid = await summary.unpaid(project: "RENT01")
        #expect(unpaid.total == 0)
        #expect(await summary.paid(project: "RENT01", village: "甲村").map(\.amount) == [try Money.parseYuan("2160.00"), try Money.parseYuan("3240.00")])

        // A reload (a new runtime) rebuilds the view from the store: the same figures.
        let reloaded = try #require(Runtime.load(path: rig.fixture.root).runtime)
        rig.runtime.replace(with: reloaded)
        try await summary.refresh()
        #expect(await summary.project("RENT01")?.entries == 3)
        #expect(await summary.project("RENT01")?.villages.first?.settledPayees == 2)
    }

    @Test func thePublicReportShowsTotalsAndListsMaskedNamesOnlyWhereAllowed() async throws {
        for listed in [false, true] {
            let rig = try AdminTestRig(configure: { fixture in
                if listed { fixture.files["projects/01-rent.toml", default: ""] += "\n[publicity]\nlist_payees = true\n" }
            })
            defer { rig.remove() }
            try await Self.record(rig, [Self.entry("H1", "1080.00", "B1"), Self.entry("H2", "3240.00", "B2")])
            try await rig.application().test(.router) { client in
                let response = try await client.execute(uri: "/public/report?project=RENT01&village=%E7%94%B2%E6%9D%91", method: .get)
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("甲村租地费（甲村）发放情况公示"))
                #expect(page.contains("每亩每年 1,800.00 元"))
                #expect(page.contains("4,320.00"))
                #expect(page.contains("0315-0000000"))
                #expect(!page.contains("王一") && !page.contains("王二"), "full names never appear")
                #expect(!page.contains("17000000011") && !page.contains("1111"))
                #expect(page.contains("王*") == listed)
                #expect(page.contains("不公开个人明细") == !listed)

                let index = try await client.execute(uri: "/public/", method: .get)
                #expect(String(buffer: index.body).contains("/public/report?project=RENT01&amp;village=%E7%94%B2%E6%9D%91"))
                let missing = try await client.execute(uri: "/public/report?project=RENT01&village=nowhere", method: .get)
                #expect(missing.status == .notFound)
            }
        }
    }

    @Test func textFromTheConfigurationIsEscaped() {
        let html: HTML = "<td>\("<script>alert('x')</script>&")</td>"
        #expect(html.text == "<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</td>")
    }
}
