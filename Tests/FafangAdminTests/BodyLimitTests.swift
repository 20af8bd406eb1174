@testable import FafangAdmin
import Foundation
import Hummingbird
import Testing

/// A body is held to the limit twice: by its declared length before it is read, and as it is
/// read when it declares none (chunked).
@Suite("Admin: body limit", .serialized)
struct BodyLimitTests {
    func request(_ body: String) -> Request {
        Request(head: .init(method: .post, scheme: "http", authority: "localhost", path: "/v1/ledger"),
                body: RequestBody(buffer: ByteBuffer(string: body)))
    }

    @Test func bodiesWithoutADeclaredLengthAreHeldToTheLimitAsTheyAreRead() async throws {
        let value1 = try await AdminJSON.body(of: request("{}"), limit: 16)
        #expect(value1 == Data("{}".utf8))
        let value2 = try await AdminJSON.body(of: request(String(repeating: "x", count: 16)), limit: 16).count
        #expect(value2 == 16)
        await #expect(throws: AdminJSON.BodyError.self) { _ = try await AdminJSON.body(of: request(String(repeating: "x", count: 17)), limit: 16) }
    }

    @Test func aDeclaredLengthOverTheLimitIsRefusedBeforeReading() async throws {
        let rig = try AdminTestRig(maxBodyBytes: 1024)
        defer { rig.remove() }
        try await rig.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/ledger", method: .post,
                                                    headers: [.authorization: "Bearer \(AdminTestRig.token)"],
                                                    body: ByteBuffer(string: String(repeating: " ", count: 1025)))
            #expect(response.status == .contentTooLarge)
        }
        #expect(rig.log.all.contains { $0.hasPrefix("warning request refused: body too large") && $0.contains("http.content_length=1025") })
    }
}
