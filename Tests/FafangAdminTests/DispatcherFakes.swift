import FafangCore
import FafangDaemon
import FafangDelivery
import FafangStore
import Foundation
import Logging

/// A gateway that POSTs the text to a fake URL and reads the status.
struct FakeGateway: Gateway {
    let name: String

    func request(for message: OutboundMessage, now: Date) throws(GatewayError) -> HTTPRequest {
        HTTPRequest(method: .post, url: "http://127.0.0.1:9/\(name)", headers: [HTTPHeader("Idempotency-Key", message.idempotencyKey)],
                    body: Array(message.text.utf8))
    }

    func interpret(_ outcome: HTTPOutcome, for message: OutboundMessage, now: Date) -> DeliveryVerdict {
        guard let response = outcome.response else { return .retry(reason: "transport", after: nil) }
        switch response.status {
        case 200..<300: return .delivered(reference: "ref-\(message.idempotencyKey)")
        case 500...: return .retry(reason: "\(response.status)", after: nil)
        default: return .permanent(reason: "\(response.status)")
        }
    }
}

/// Answers each request with the status its idempotency key asks for: `…-503` → 503, `…-400` → 400, else 200.
struct FakeTransport: HTTPTransport {
    func send(_ request: HTTPRequest) async -> HTTPOutcome {
        let key = request.headers.value(for: "Idempotency-Key") ?? ""
        let status = key.hasSuffix("-503") ? 503 : key.hasSuffix("-400") ? 400 : 200
        return HTTPOutcome(result: .success(HTTPResponse(status: status)))
    }
}

/// A dispatcher over `database` with one fake SMS gateway, `fake-sms`, that reports to `metrics`.
func fakeDispatcher(database: SQLiteStore, metrics: any DeliveryMetrics, now: Date) -> Dispatcher<ManualClock> {
    let runtime = DispatchRuntime(gateways: ["fake-sms": FakeGateway(name: "fake-sms")], settings: DispatchSettings(),
                                  quietHours: QuietHours(start: 23 * 60, end: 6 * 60), zone: AdminTestRig.zone, robots: [])
    return Dispatcher(store: database, runtime: { runtime }, transport: FakeTransport(),
                      owner: "test", logger: Logger(label: "test"), clock: ManualClock(now), random: { 0.5 }, metrics: metrics)
}
