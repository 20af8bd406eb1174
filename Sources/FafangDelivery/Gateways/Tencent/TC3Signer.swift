import Crypto
import FafangCore
import Foundation

/// Tencent Cloud API signature v3 (TC3-HMAC-SHA256) for a POST of JSON:
///
/// 1. CanonicalRequest = `POST\n/\n\n` + canonical headers (`content-type:…\nhost:…\n`) + `\n`
///    + signed headers (`content-type;host`) + `\n` + hex(SHA256(body));
/// 2. StringToSign = `TC3-HMAC-SHA256\n<timestamp>\n<date>/<service>/tc3_request\n`
///    + hex(SHA256(CanonicalRequest)), the date in UTC;
/// 3. key = HMAC("TC3" + SecretKey, date) → HMAC(·, service) → HMAC(·, "tc3_request");
/// 4. Signature = hex(HMAC(key, StringToSign));
/// 5. Authorization = `TC3-HMAC-SHA256 Credential=<SecretId>/<scope>, SignedHeaders=…, Signature=…`.
public struct TC3Signer: Sendable {
    public var secretID: String
    private let secretKey: Secret
    /// The product, first label of the host: `sms`, `cvm`.
    public var service: String

    public static let algorithm = "TC3-HMAC-SHA256"

    public init(secretID: String, secretKey: Secret, service: String) {
        self.secretID = secretID
        self.secretKey = secretKey
        self.service = service
    }

    /// `2019-02-25`: the UTC date of `timestamp`.
    public static func date(_ timestamp: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let day = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(timestamp)))
        return String(format: "%04d-%02d-%02d", day.year ?? 1970, day.month ?? 1, day.day ?? 1)
    }

    public static func canonicalRequest(contentType: String, host: String, body: [UInt8]) -> String {
        "POST\n/\n\ncontent-type:\(contentType.lowercased())\nhost:\(host.lowercased())\n\ncontent-type;host\n" + hex(SHA256.hash(data: body))
    }

    public func stringToSign(canonicalRequest: String, timestamp: Int64) -> String {
        "\(Self.algorithm)\n\(timestamp)\n\(Self.date(timestamp))/\(service)/tc3_request\n"
            + Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8)))
    }

    public func signature(stringToSign: String, timestamp: Int64) -> String {
        func hmac(_ key: [UInt8], _ message: String) -> [UInt8] {
            Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
        }
        let secretDate = hmac(Array(("TC3" + secretKey.reveal).utf8), Self.date(timestamp))
        let secretService = hmac(secretDate, service)
        let secretSigning = hmac(secretService, "tc3_request")
        return Self.hex(hmac(secretSigning, stringToSign))
    }

    /// The `Authorization` header for a JSON POST of `body` to `host` at `timestamp`.
    public func authorization(contentType: String, host: String, body: [UInt8], timestamp: Int64) -> String {
        let canonical = Self.canonicalRequest(contentType: contentType, host: host, body: body)
        let signature = signature(stringToSign: stringToSign(canonicalRequest: canonical, timestamp: timestamp), timestamp: timestamp)
        return "\(Self.algorithm) Credential=\(secretID)/\(Self.date(timestamp))/\(service)/tc3_request, "
            + "SignedHeaders=content-type;host, Signature=\(signature)"
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
