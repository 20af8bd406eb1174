import Crypto
import FafangCore
import Foundation

/// Aliyun's RPC ("POP") request signature, SignatureMethod HMAC-SHA1, SignatureVersion 1.0:
///
/// 1. sort the parameters (all but `Signature`) by name, byte order;
/// 2. canonicalized query = `name=value` pairs joined by `&`, each percent-encoded (RFC 3986
///    unreserved kept, space `%20`, `*` `%2A`, `~` kept);
/// 3. StringToSign = `GET&%2F&` + percentEncode(canonicalized query);
/// 4. Signature = base64(HMAC-SHA1(key: AccessKeySecret + "&", StringToSign)).
public enum AliyunRPCSignature {
    /// The canonicalized query string (also the request's query, before `Signature` is added).
    public static func canonicalQuery(_ parameters: [String: String]) -> String {
        parameters.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map { PercentEncoding.encode($0.key) + "=" + PercentEncoding.encode($0.value) }
            .joined(separator: "&")
    }

    public static func stringToSign(method: String = "GET", canonicalQuery: String) -> String {
        method + "&" + PercentEncoding.encode("/") + "&" + PercentEncoding.encode(canonicalQuery)
    }

    public static func signature(stringToSign: String, accessKeySecret: Secret) -> String {
        let key = SymmetricKey(data: Array((accessKeySecret.reveal + "&").utf8))
        return Data(HMAC<Insecure.SHA1>.authenticationCode(for: Array(stringToSign.utf8), using: key)).base64EncodedString()
    }

    /// The full query: the canonical one with `Signature` prepended, as Aliyun's examples send it.
    public static func signedQuery(_ parameters: [String: String], method: String = "GET", accessKeySecret: Secret) -> String {
        let query = canonicalQuery(parameters)
        let signature = signature(stringToSign: stringToSign(method: method, canonicalQuery: query), accessKeySecret: accessKeySecret)
        return "Signature=" + PercentEncoding.encode(signature) + "&" + query
    }
}
