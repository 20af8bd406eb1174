import FafangAdmin
import FafangCore
import FafangDaemon
import FafangStore
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// `/metrics` after real dispatcher attempts and receipts, `/healthz` with a good and a broken
/// store, and what an unknown path gets.
@Suite("Admin: metrics and health", .serialized)
struct MetricsAndHealthTests {
    /// Enqueues pending SMS through `fake-sms`, due now.
    func enqueue(_ rig: AdminTestRig, _ keys: [String]) async throws {
        let items = keys.enumerated().map { index, key in
            OutboxItem(idempotencyKey: key, eventKey: "E-\(key)", kind: .paymentRecorded, projectCode: "RENT01", channel: .sms,
                       gateway: "fake-sms", recipient: String(format: "170000%05d", index), village: "甲村", payeeID: "H1",
                       text: "消息\(key)", title: nil, notBefore: AdminTestRig.now)
        }
        let events = items.map { DueEvent(key: $0.eventKey, kind: .paymentRecorded, projectCode: "RENT01", audiences: [], facts: .init()) }
        try await rig.database.enqueue(EnqueueBatch(events: events, items: items), now: AdminTestRig.now)
    }

    func scrape(_ rig: AdminTestRig) async throws -> [String] {
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            return String(buffer: response.body).split(separator: "\n").map(String.init)
        }
    }

    @Test func metricsCountAttemptsReceiptsAndTheStore() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        try await enqueue(rig, ["K1", "K2", "K3-503", "K4-400"])
        let dispatcher = fakeDispatcher(database: rig.database, metrics: rig.metrics, now: AdminTestRig.now)
        let value1 = try await dispatcher.runOnce()
        #expect(value1 == 4)
        try await rig.application().test(.router) { client in
            // K1 is delivered; a second report for it changes nothing and is not counted again.
            for _ in 0..<2 {
                let status2 = try await client.execute(uri: "/receipts/kannel?id=K1&type=1&token=\(AdminTestRig.token)", method: .get).status
                #expect(status2 == .ok)
            }
            let status3 = try await client.execute(uri: "/receipts/kannel?id=K2&type=8&token=\(AdminTestRig.token)", method: .get).status
            #expect(status3 == .ok)
        }
        let lines = try await scrape(rig)
        let expected = [
            "# TYPE fafang_messages_total counter",
            #"fafang_messages_total{channel="sms",gateway="fake-sms",status="sent"} 2"#,
            #"fafang_messages_total{channel="sms",gateway="fake-sms",status="retry"} 1"#,
            #"fafang_messages_total{channel="sms",gateway="fake-sms",status="dead"} 1"#,
            #"fafang_messages_total{channel="sms",gateway="fake-sms",status="delivered"} 1"#,
            "# TYPE fafang_attempt_duration_seconds histogram",
            #"fafang_attempt_duration_seconds_bucket{channel="sms",gateway="fake-sms",le="+Inf"} 4"#,
            #"fafang_attempt_duration_seconds_count{channel="sms",gateway="fake-sms"} 4"#,
            "# TYPE fafang_outbox_depth gauge",
            #"fafang_outbox_depth{state="pending"} 1.0"#,
            #"fafang_outbox_depth{state="sending"} 0.0"#,
            #"fafang_outbox_depth{state="sent"} 1.0"#,
            #"fafang_outbox_depth{state="delivered"} 1.0"#,
            #"fafang_outbox_depth{state="failed"} 0.0"#,
            #"fafang_outbox_depth{state="dead"} 1.0"#,
            "# TYPE fafang_projects_behind gauge",
            // 2021-06-20, nothing paid: RENT01 is behind its passed 25 % (March), TRANS01 behind its 50 % (June).
            #"fafang_projects_behind{grade="slightly_behind"} 0.0"#,
            #"fafang_projects_behind{grade="behind"} 2.0"#,
        ]
        for line in expected { #expect(lines.contains(line), "missing \(line) in:\n\(lines.joined(separator: "\n"))") }
        #expect(lines.contains { $0.hasPrefix("# HELP fafang_messages_total ") })
        #expect(lines.contains { $0.hasPrefix(#"fafang_attempt_duration_seconds_bucket{channel="sms",gateway="fake-sms",le="0.05"}"#) })
        #expect(!lines.contains { $0.contains("17000") }, "a label holds a recipient")
        #expect(!lines.contains { $0.contains(#"status="failed""#) })
    }

    @Test func projectsBehindFollowTheLedger() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            // TRANS01 47 % of 10,000.00 by June (target 50 %): slightly behind; RENT01 still nothing.
            let body = #"{"entries": [{"project_code": "TRANS01", "payee_id": "V2", "amount_yuan": "4700.00", "date": "2021-06-01", "bank_reference": "B1"}]}"#
            let response = try await client.execute(uri: "/v1/ledger", method: .post, headers: [.authorization: "Bearer \(AdminTestRig.token)"],
                                                    body: ByteBuffer(string: body))
            #expect(response.status == .ok)
        }
        // Graded from the day totals: the ledger itself is not read (it could be a county's).
        try await rig.database.execute(sql: "DROP TABLE ledger_entry")
        let lines = try await scrape(rig)
        #expect(lines.contains(#"fafang_projects_behind{grade="slightly_behind"} 1.0"#))
        #expect(lines.contains(#"fafang_projects_behind{grade="behind"} 1.0"#))
    }

    @Test("grades as fafang status does", arguments: [
        ("2021-03-01", "0", "behind"),          // before any deadline: graded against the next (25 % = 1,350.00)
        ("2021-03-01", "1300", "slightly_behind"),
        ("2021-04-01", "1350", "behind"),       // the March 25 % met: graded against December's 100 %
        ("2021-04-01", "1300", "slightly_behind"),  // behind the passed March target: that one counts
        ("2022-01-01", "5400", "on_track"),
    ])
    func grades(day: String, paid: String, grade: String) throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let project = try #require(rig.runtime.current.configuration.project(code: "RENT01")).project
        let result = ProjectProgress.grade(project: project, paid: try Money.parseYuan(paid), today: try #require(CivilDate(iso: day)),
                                           slightThreshold: .whole(5))
        #expect(result.rawValue == grade)
    }

    @Test func healthIsOkWithThePendingCount() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        try await enqueue(rig, ["K1", "K2"])
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == #"{"database":"ok","outbox_pending":2,"status":"ok"}"#)
        }
    }

    @Test func healthIs503WhenTheStoreCannotBeRead() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        try await rig.database.execute(sql: "DROP TABLE delivery_attempt; DROP TABLE delivery_receipt; DROP TABLE outbox")
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(String(buffer: response.body) == #"{"database":"error","status":"unavailable"}"#)
            // Metrics still answer, with what they had.
            let status4 = try await client.execute(uri: "/metrics", method: .get).status
            #expect(status4 == .ok)
        }
        #expect(rig.log.all.contains { $0.hasPrefix("error health check failed") })
    }

    @Test("unknown paths are 404", arguments: ["/", "/receipts", "/receipts/twilio", "/v2/ledger", "/metrics/extra"])
    func unknownPaths(path: String) async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(AdminTestRig.token)"])
            #expect(response.status == .notFound)
        }
    }
}
