import FafangAdmin
import FafangCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /receipts/kannel` as Kannel calls the dlr-url `KannelGateway` sends: DLR types settle the
/// message or are recorded as intermediate; an unknown id changes nothing; the token is checked.
@Suite("Admin: Kannel delivery reports", .serialized)
struct KannelReceiptTests {
    static func uri(id: String, type: Int, token: String? = AdminTestRig.token) -> String {
        var uri = "/receipts/kannel?id=\(id)&type=\(type)&reply=id%3A1234%20stat%3ADELIVRD%20err%3A000&at=1624154400"
        if let token { uri += "&token=\(token)" }
        return uri
    }

    @Test("final reports settle the message", arguments: [(1, MessageState.delivered, "delivered"), (2, .failed, "undelivered"),
                                                          (16, .failed, "rejected"), (34, .failed, "undelivered")])
    func finalReports(type: Int, state: MessageState, status: String) async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let id = try await rig.sentMessage(key: "pay:RENT01:H1:2021-06-20")
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: Self.uri(id: "pay%3ARENT01%3AH1%3A2021-06-20", type: type), method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == #"{"recorded":true,"state":"\#(state.rawValue)"}"#)
        }
        #expect(try await rig.state(id) == state)
        #expect(try await rig.receipts(id) == [status])
        let detail = try #require(try await rig.receiptRecords(id).first?.detail)
        #expect(detail == "type \(type) at 1624154400: id:1234 stat:DELIVRD err:000")
        rig.expectCleanLogs()
    }

    @Test("accepted and queued reports are recorded and keep the message sent", arguments: [(8, "accepted"), (4, "queued")])
    func intermediateReports(type: Int, status: String) async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let id = try await rig.sentMessage(key: "K1")
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: Self.uri(id: "K1", type: type), method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).contains(#""state":"sent""#))
            // Kannel's usual pair for dlr-mask 9: accepted by the SMSC, then delivered.
            let status1 = try await client.execute(uri: Self.uri(id: "K1", type: 1), method: .get).status
            #expect(status1 == .ok)
        }
        #expect(try await rig.receipts(id) == [status, "delivered"])
        #expect(try await rig.state(id) == .delivered)
    }

    @Test func anUnknownIdIs404AndChangesNothing() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let id = try await rig.sentMessage(key: "K1")
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: Self.uri(id: "K-unknown-13812345678", type: 1), method: .get)
            #expect(response.status == .notFound)
        }
        #expect(try await rig.state(id) == .sent)
        #expect(try await rig.receipts(id).isEmpty)
        #expect(rig.log.all.contains { $0.hasPrefix("warning receipt for an unknown message") && $0.contains("receipt.key=K-unknown-138****5678") })
        rig.expectCleanLogs()
    }

    @Test("a missing or wrong token is 401, logged without the token, and changes nothing",
          arguments: [nil, "wrong-token", "TOKEN-admin-012345678", "TOKEN-admin-01234567890"])
    func badToken(token: String?) async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let id = try await rig.sentMessage(key: "K1")
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: Self.uri(id: "K1", type: 1, token: token), method: .get)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate] == "Bearer")
            // The same token in a header is refused the same way.
            let header = try await client.execute(uri: Self.uri(id: "K1", type: 1, token: nil), method: .get,
                                                  headers: [.authorization: "Bearer \(token ?? "")"])
            #expect(header.status == .unauthorized)
        }
        #expect(try await rig.state(id) == .sent)
        #expect(try await rig.receipts(id).isEmpty)
        #expect(rig.log.all.contains { $0.hasPrefix("warning request refused: wrong or missing token") && $0.contains("http.path=/receipts/kannel") })
        #expect(!rig.log.text.contains("wrong-token"))
        rig.expectCleanLogs()
    }

    @Test func theTokenMayComeAsABearerHeader() async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let id = try await rig.sentMessage(key: "K1")
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: Self.uri(id: "K1", type: 1, token: nil), method: .get,
                                                    headers: [.authorization: "Bearer \(AdminTestRig.token)"])
            #expect(response.status == .ok)
        }
        #expect(try await rig.state(id) == .delivered)
    }

    @Test("a report without an id or with an unknown type is 400", arguments: [
        "/receipts/kannel?type=1", "/receipts/kannel?id=K1", "/receipts/kannel?id=K1&type=x", "/receipts/kannel?id=K1&type=32",
    ])
    func malformedReports(uri: String) async throws {
        let rig = try AdminTestRig()
        defer { rig.remove() }
        let id = try await rig.sentMessage(key: "K1")
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: uri + "&token=\(AdminTestRig.token)", method: .get)
            #expect(response.status == .badRequest)
        }
        #expect(try await rig.receipts(id).isEmpty)
    }

    @Test("DLR types are bit masks", arguments: [(1, "true delivered"), (9, "true delivered"), (0x42, "false undelivered"),
                                                   (8, "false accepted"), (12, "false accepted"), (0, "none"), (32, "none")])
    func classification(type: Int, expected: String) {
        let result = KannelReceiptController.classify(type: type).map { "\($0.delivered) \($0.status)" } ?? "none"
        #expect(result == expected)
    }
}
