import FafangAdmin
import FafangCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /v1/ledger` from the bank-side system: recorded against the running configuration, all
/// or nothing, idempotent on the bank reference.
@Suite("Admin: ledger API", .serialized)
struct LedgerAPITests {
    static let bearer: HTTPFields = [.authorization: "Bearer \(AdminTestRig.token)", .contentType: "application/json"]

    static func entry(_ payee: String, _ amount: String, reference: String, project: String = "RENT01", date: String = "2021-03-15") -> String {
        #"{"project_code": "\#(project)", "payee_id": "\#(payee)", "amount_yuan": "\#(amount)", "date": "\#(date)", "bank_reference": "\#(reference)"}"#
    }

    static func body(_ entries: String...) -> ByteBuffer { ByteBuffer(string: #"{"entries": ["# + entries.joined(separator: ",") + "]}") }

    @Test func entriesAreRecordedAndAReplayIsDuplicates() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let batch = Self.body(Self.entry("H1", "2160.00", reference: "BANK-1"), Self.entry("V2", "4700", reference: "BANK-2", project: "TRANS01"))
        try await rig.application().test(.router) { client in
            let first = try await client.execute(uri: "/v1/ledger", method: .post, headers: Self.bearer, body: batch)
            #expect(first.status == .ok)
            #expect(String(buffer: first.body) == #"{"duplicates":0,"inserted":2}"#)
            let again = try await client.execute(uri: "/v1/ledger", method: .post, headers: Self.bearer, body: batch)
            #expect(again.status == .ok)
            #expect(String(buffer: again.body) == #"{"duplicates":2,"inserted":0}"#)
        }
        let ledger = try await rig.database.ledger()
        #expect(ledger.map(\.bankReference) == ["BANK-1", "BANK-2"])
        #expect(ledger.map(\.amount) == [.yuan(2160), .yuan(4700)])
        #expect(rig.log.all.contains { $0.contains("payment recorded") && $0.contains("ledger.source=api") })
        rig.expectCleanLogs()
    }

    @Test("an overpayment rejects the whole batch with every problem, nothing recorded")
    func overpaymentIsRejectedWhole() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let batch = Self.body(Self.entry("H1", "2000.00", reference: "BANK-1"), Self.entry("H1", "160.01", reference: "BANK-2"),
                              Self.entry("H9", "1.00", reference: "BANK-3"))
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/ledger", method: .post, headers: Self.bearer, body: batch)
            #expect(response.status == .unprocessableContent)
            let reply = try JSONDecoder().decode(Rejection.self, from: Data(String(buffer: response.body).utf8))
            #expect(reply.error == "2 problems; nothing was recorded")
            #expect(reply.problems.map(\.index) == [1, 2])
            #expect(reply.problems[0].message.hasPrefix("overpays H1: owed 2,160.00 元, already paid 2,000.00 元"))
            #expect(reply.problems[1].message == "payee H9 is not in the register of project RENT01")
        }
        #expect(try await rig.database.ledger().isEmpty)
    }

    struct Rejection: Decodable {
        struct Problem: Decodable {
            var index: Int
            var message: String
        }

        var error: String
        var problems: [Problem]
    }

    @Test("malformed entries are each reported, nothing recorded")
    func malformedEntries() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let batch = Self.body(
            Self.entry("H1", "100.00", reference: "BANK-1"),
            #"{"project_code": "RENT01", "payee_id": "H2", "amount_yuan": 4950.00, "date": "2021-03-15", "bank_reference": "BANK-2"}"#,
            Self.entry("H2", "abc", reference: "BANK-3", date: "2021-02-30"),
            #"{"project_code": "RENT01", "amount_yuan": "0", "date": "2021-03-15", "bank_reference": "BANK-4"}"#)
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/ledger", method: .post, headers: Self.bearer, body: batch)
            #expect(response.status == .unprocessableContent)
            let reply = try JSONDecoder().decode(Rejection.self, from: Data(String(buffer: response.body).utf8))
            #expect(reply.problems.map(\.index) == [1, 2, 2, 3, 3])
            #expect(reply.problems.map(\.message) == [
                "amount_yuan must be a string such as \"4950.00\" (a JSON number is not exact)",
                "amount_yuan: not an amount (got \"abc\")",
                "date must be YYYY-MM-DD, such as 2021-03-15 (got \"2021-02-30\")",
                "payee_id is missing",
                "amount_yuan must be more than 0 (got \"0\")",
            ])
        }
        #expect(try await rig.database.ledger().isEmpty)
    }

    @Test("a body that is not JSON of that shape is 400 with a clear message", arguments: [
        ("{\"entries\": [", "malformed JSON: not valid JSON"),
        (#"{"entries": {}}"#, "malformed JSON: entries: expected an array"),
        (#"{"payments": []}"#, "malformed JSON: entries: missing"),
        (#"[]"#, "malformed JSON: the document: expected an object"),
    ])
    func malformedJSON(body: String, message: String) async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/ledger", method: .post, headers: Self.bearer, body: ByteBuffer(string: body))
            #expect(response.status == .badRequest)
            let text = String(buffer: response.body)
            #expect(text.hasPrefix(#"{"error":"\#(message)"#), "\(text)")
        }
        #expect(try await rig.database.ledger().isEmpty)
    }

    @Test func theLedgerNeedsTheToken() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let batch = Self.body(Self.entry("H1", "100.00", reference: "BANK-1"))
        try await rig.application().test(.router) { client in
            let status1 = try await client.execute(uri: "/v1/ledger", method: .post, body: batch).status
            #expect(status1 == .unauthorized)
            let status2 = try await client.execute(uri: "/v1/ledger", method: .post, headers: [.authorization: "Bearer TOKEN-other"], body: batch).status
            #expect(status2 == .unauthorized)
            // The query form works here too (it is Kannel's), but a header is what a bank system should send.
            let status3 = try await client.execute(uri: "/v1/ledger?token=\(AdminTestRig.token)", method: .post, body: batch).status
            #expect(status3 == .ok)
        }
        #expect(try await rig.database.ledger().count == 1)
        rig.expectCleanLogs()
    }
}
