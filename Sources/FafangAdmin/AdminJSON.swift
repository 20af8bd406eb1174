import Foundation
import Hummingbird

/// The admin server's JSON replies and request bodies: one shape for errors
/// (`{"error": "…"}`), keys sorted so replies are stable, bodies collected under a limit.
public enum AdminJSON {
    static let contentType = "application/json; charset=utf-8"

    /// `value` encoded as the body of a `status` reply.
    static func response(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":"could not encode the reply"}"#.utf8)
        return Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    struct ErrorBody: Encodable {
        var error: String
    }

    /// `{"error": message}`.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        response(status, ErrorBody(error: message))
    }

    static func tooLarge(_ limit: Int) -> Response {
        error(.contentTooLarge, "the request body is larger than \(limit) bytes")
    }

    /// Why a body could not be read.
    enum BodyError: Error {
        case tooLarge(Int)
    }

    /// The whole body, at most `limit` bytes (a larger one throws `BodyError.tooLarge`, whether
    /// or not it declared its length).
    static func body(of request: Request, limit: Int) async throws -> Data {
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw BodyError.tooLarge(limit)
        }
    }

    /// A short description of why `data` is not the JSON expected, for a 400 reply.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let DecodingError.dataCorrupted(context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        case let DecodingError.typeMismatch(type, context):
            return "\(path(context.codingPath)): expected \(typeName(type))"
        case let DecodingError.keyNotFound(key, context):
            return "\(path(context.codingPath + [key])): missing"
        case let DecodingError.valueNotFound(type, context):
            return "\(path(context.codingPath)): expected \(typeName(type)), got null"
        default:
            return "not valid JSON"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        guard !keys.isEmpty else { return "the document" }
        let joined = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return String(joined.drop(while: { $0 == "." }))
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Double.Type: return "a number"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "an object"
        }
    }
}
