import FafangCore
import FafangDelivery
import Foundation
import Testing

@Suite("Delivery classifier: transport, status, Retry-After")
struct DeliveryClassifierTests {
    let classifier = DeliveryClassifier()
    let now = Date(timeIntervalSince1970: 1_624_150_800)  // Sun, 20 Jun 2021 01:00:00 GMT

    @Test("transport errors", arguments: [
        (TransportError.Kind.connect, Int32(7), true),
        (.timeout, 28, true),
        (.sendOrReceive, 56, true),
        (.cancelled, 42, true),
        (.other, 2, true),
        (.tls, 35, true),    // the handshake broke off
        (.tls, 60, false),   // the peer's certificate does not verify: configuration
        (.tls, 77, false),   // the CA bundle cannot be read
        (.misuse, 3, false),
        (.bodyTooLarge, 23, false),
    ])
    func transport(kind: TransportError.Kind, code: Int32, retry: Bool) {
        let error = TransportError(kind: kind, code: code, call: "curl_multi_perform", message: "failed for http://h/x?token=abc")
        let verdict = classifier.verdict(for: HTTPOutcome(result: .failure(error)), now: now)
        #expect(verdict.isRetryable == retry, "\(verdict)")
        if case let .retry(reason, after) = verdict {
            #expect(after == nil)
            #expect(!reason.contains("token=abc"))
        }
    }

    @Test("HTTP status", arguments: [
        (200, "delivered"), (202, "delivered"), (204, "delivered"),
        (301, "permanent"), (400, "permanent"), (401, "permanent"), (403, "permanent"), (404, "permanent"), (410, "permanent"),
        (408, "retry"), (425, "retry"), (429, "retry"), (500, "retry"), (502, "retry"), (503, "retry"), (504, "retry"),
    ])
    func status(status: Int, kind: String) {
        let verdict = classifier.verdict(for: HTTPOutcome(result: .success(HTTPResponse(status: status))), now: now)
        switch verdict {
        case .delivered: #expect(kind == "delivered")
        case .retry: #expect(kind == "retry")
        case .permanent: #expect(kind == "permanent")
        }
    }

    @Test("Retry-After", arguments: [
        ("120", Int64?.some(120)),
        ("0", 0),
        (" 30 ", 30),
        ("86400", 3600),                              // capped at an hour
        ("99999999999999999999999", 3600),            // absurd, still capped
        ("Sun, 20 Jun 2021 01:01:00 GMT", 60),        // IMF-fixdate, relative to now
        ("Sunday, 20-Jun-21 01:02:00 GMT", 120),      // RFC 850
        ("Sun Jun 20 01:00:30 2021", 30),             // asctime
        ("Sat, 19 Jun 2021 23:00:00 GMT", 0),         // in the past
        ("Mon, 21 Jun 2021 01:00:00 GMT", 3600),      // capped
        ("soon", nil), ("-5", nil), ("Sun, 31 Jun 2021 01:00:00 GMT", nil),
    ])
    func retryAfter(value: String, seconds: Int64?) {
        #expect(classifier.retryAfter(value, now: now) == seconds.map { .seconds($0) })
        let response = HTTPResponse(status: 503, headers: [HTTPHeader("retry-after", value)])
        guard case let .retry(_, after) = classifier.verdict(for: HTTPOutcome(result: .success(response)), now: now) else {
            Issue.record("503 must be retried")
            return
        }
        #expect(after == seconds.map { .seconds($0) })
    }

    @Test func reasonsQuoteTheBodyRedactedAndShort() {
        let body = "rejected 13812345678 see https://gw.example/x?token=SECRET " + String(repeating: "x", count: 500)
        let verdict = classifier.verdict(for: HTTPOutcome(result: .success(HTTPResponse(status: 400, body: Array(body.utf8)))), now: now)
        guard case let .permanent(reason) = verdict else {
            Issue.record("400 is permanent")
            return
        }
        #expect(reason.hasPrefix("HTTP 400: rejected 138****5678 see https://gw.example/x?…"))
        #expect(!reason.contains("SECRET"))
        #expect(reason.count <= ReasonText.maximumLength)
    }

    @Test func secretsAreRemovedBeforeTheExcerptIsCut() {
        // The secret straddles the excerpt's end: removing it afterwards would leave a fragment.
        let body = String(repeating: "x", count: 150) + "SECRET-XYZ-0123456789"
        let response = HTTPResponse(status: 400, body: Array(body.utf8))
        let verdict = classifier.verdict(for: HTTPOutcome(result: .success(response)), now: now, removing: [Secret("SECRET-XYZ-0123456789")])
        guard case let .permanent(reason) = verdict else {
            Issue.record("400 is permanent")
            return
        }
        #expect(!reason.contains("SECRET"))
        #expect(reason.contains("<secret>"))
    }
}
