import Crypto
import FafangCore
import FafangDaemon
import Foundation

/// The inbound SMS (上行短信) formats the intake routes read, each as its provider documents it.
enum InquiryPushes {
    /// Why a push is refused (400).
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// Kannel's smsbox `sms-service` `post-url` (see `Config/kannel/fafang-mo.conf`): the query
    /// carries `id=%I` (Kannel's message id), `sender=%p`, `receiver=%P`, `time=%t`, `coding=%c`,
    /// `charset=%C` and `text=%b`; the body (post-url's POST) is the text again and is not read.
    /// Kannel's escape codes: https://kannel.org/download/1.4.5/userguide-1.4.5/userguide.html#AEN4629
    /// (Table "Parameters (Escape Codes)"). `%b` is the message as received, URL-encoded byte for
    /// byte: UCS-2 (coding 2, charset UTF-16BE) for a Chinese text unless smsbox's `mo-recode`
    /// made it UTF-8; both are decoded here.
    static func kannel(query: String) throws(Malformed) -> InquiryService.Inbound {
        var fields: [String: [UInt8]] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            fields[String(decoding: PercentDecoding.bytes(parts[0]), as: UTF8.self)] = parts.count > 1 ? PercentDecoding.bytes(parts[1]) : []
        }
        func text(_ key: String) -> String { fields[key].map { String(decoding: $0, as: UTF8.self) } ?? "" }
        guard !text("id").isEmpty else { throw Malformed(description: "id (Kannel's %I) is required") }
        guard !text("sender").isEmpty else { throw Malformed(description: "sender (Kannel's %p) is required") }
        let raw = fields["text"] ?? []
        let charset = text("charset").uppercased()
        let message: String
        if charset == "UTF-16BE" || (charset.isEmpty && text("coding") == "2") {
            guard raw.count % 2 == 0 else { throw Malformed(description: "text: odd length for UTF-16BE") }
            let units = stride(from: 0, to: raw.count, by: 2).map { UInt16(raw[$0]) << 8 | UInt16(raw[$0 + 1]) }
            message = String(decoding: units, as: UTF16.self)
        } else if let utf8 = String(validating: raw, as: UTF8.self) {
            message = utf8
        } else {
            // ISO-8859-1 (Kannel's default for 7-bit texts): one byte, one scalar.
            message = String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) }))
        }
        return InquiryService.Inbound(intake: .kannel, providerID: text("id"), sender: text("sender"), text: message)
    }

    /// Aliyun SmsUp, HTTP 批量推送 (https://help.aliyun.com/zh/sms/developer-reference/smsup-http):
    /// a JSON array of `{"phone_number", "content", "send_time", "dest_code", "sequence_id"}`
    /// (`sequence_id` a string, a number in older pages; `sign_name` in older pages too),
    /// answered `{"code": 0, "msg": "接收成功"}`; anything but 200 is pushed again after 1, 5
    /// and 10 minutes.
    struct AliyunUp: Decodable {
        var phoneNumber: String
        var content: String
        var sequenceID: String

        enum CodingKeys: String, CodingKey { case phoneNumber = "phone_number", content, sequenceID = "sequence_id" }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            phoneNumber = try container.decode(String.self, forKey: .phoneNumber)
            content = try container.decode(String.self, forKey: .content)
            if let number = try? container.decode(Int64.self, forKey: .sequenceID) {
                sequenceID = String(number)
            } else {
                sequenceID = try container.decode(String.self, forKey: .sequenceID)
            }
        }

        var inbound: InquiryService.Inbound {
            InquiryService.Inbound(intake: .aliyun, providerID: sequenceID, sender: phoneNumber, text: content)
        }
    }

    static func aliyun(_ body: Data) throws -> [InquiryService.Inbound] {
        try JSONDecoder().decode([AliyunUp].self, from: body).map(\.inbound)
    }

    /// Tencent Cloud 短信回复 callback (https://cloud.tencent.com/document/api/382/5809): one JSON
    /// object `{"extend", "mobile", "nationcode", "sign", "text", "time"}` (`time` Unix seconds),
    /// answered `{"result": 0, "errmsg": "OK"}`. It carries no id of its own: the inbound SMS is
    /// known by a digest of nationcode, mobile, time and text, so Tencent's retry of the same
    /// reply is dropped. An array of them is taken too.
    struct TencentReply: Decodable {
        var mobile: String
        var nationcode: String?
        var text: String
        var time: Int64

        var inbound: InquiryService.Inbound {
            let digest = SHA256.hash(data: Array("\(nationcode ?? "")\u{1F}\(mobile)\u{1F}\(time)\u{1F}\(text)".utf8))
            let id = "\(time)-" + digest.prefix(8).map { String(format: "%02x", $0) }.joined()
            let sender = (nationcode ?? "86") == "86" ? mobile : "+\(nationcode ?? "")\(mobile)"
            return InquiryService.Inbound(intake: .tencent, providerID: id, sender: sender, text: text)
        }
    }

    static func tencent(_ body: Data) throws -> [InquiryService.Inbound] {
        if let one = try? JSONDecoder().decode(TencentReply.self, from: body) { return [one.inbound] }
        return try JSONDecoder().decode([TencentReply].self, from: body).map(\.inbound)
    }
}
