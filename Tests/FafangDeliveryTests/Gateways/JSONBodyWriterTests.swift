@testable import FafangDelivery
import Foundation
import Testing

/// The hand-written body of a Standard Webhook against Foundation's JSONEncoder (sorted keys, no
/// escaped slashes) and JSONSerialization: the same bytes, and the same values read back.
@Suite("Gateways: JSON bodies written field by field")
struct JSONBodyWriterTests {
    struct Message: Encodable {
        var endpoint: String
        var id: String
        var text: String
        var title: String?
    }

    struct Payload: Encodable {
        var data: Message
        var timestamp: String
        var type: String
    }

    static let texts = [
        "甲村：2021年耕地地力保护补贴已发放 1,234.56 元。如有疑问请致电 0335-1234567。",
        "quote \" backslash \\ slash / tab \t newline \n return \r",
        "controls \u{01}\u{08}\u{0C}\u{1F} end",
        "",
        "emoji 👨‍🌾 and É",
    ]

    @Test(arguments: texts)
    func sameBytesAsJSONEncoder(text: String) throws {
        for title in [nil, "2条提醒"] as [String?] {
            let written = JSONObjectWriter { payload in
                payload.object("data") { data in
                    data.string("endpoint", "village-v04")
                    data.string("id", "key-1")
                    data.string("text", text)
                    data.string("title", title)
                }
                payload.string("timestamp", "2021-06-20T01:30:00Z")
                payload.string("type", "fafang.notice")
            }.finished
            let encoded = JSONBody.encode(Payload(data: Message(endpoint: "village-v04", id: "key-1", text: text, title: title),
                                                  timestamp: "2021-06-20T01:30:00Z", type: "fafang.notice"))
            #expect(written == encoded)
            let read = try #require(try JSONSerialization.jsonObject(with: Data(written)) as? [String: Any])
            let data = try #require(read["data"] as? [String: Any])
            #expect(data["text"] as? String == text)
            #expect(data["title"] as? String == title)
        }
    }

    @Test func lineSeparatorsAreEscapedAndStillReadBack() throws {
        let text = "a\u{2028}b\u{2029}c\u{E2}"
        let written = JSONObjectWriter { $0.string("text", text) }.finished
        #expect(String(decoding: written, as: UTF8.self) == #"{"text":"a\u2028b\u2029c\#u{E2}"}"#)
        let read = try #require(try JSONSerialization.jsonObject(with: Data(written)) as? [String: String])
        #expect(read["text"] == text)
    }

    @Test(arguments: [0.0, 1_624_152_600.75, 951_782_400, 4_102_444_799, -86_401.5])
    func iso8601MatchesFoundation(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(HTTPDate.iso8601(date) == date.formatted(.iso8601))
    }
}
