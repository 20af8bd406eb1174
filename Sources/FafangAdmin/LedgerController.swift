import FafangConfig
import FafangCore
import FafangDaemon
import FafangStore
import Foundation
import Hummingbird
import Logging

/// `POST /v1/ledger`: payments from the bank-side system,
/// `{"entries": [{"project_code", "payee_id", "amount_yuan": "4950.00", "date": "2021-03-15",
/// "bank_reference"}]}`, recorded through `LedgerService` against the running configuration:
/// all of them or none.
///
/// - 200 `{"inserted": N, "duplicates": M}` (a bank reference already recorded with the same
///   details is a duplicate, so posting a batch again is safe);
/// - 422 `{"error", "problems": [{"index", "message"}]}` with every problem (index is the
///   entry's 0-based position), nothing recorded: a field missing or malformed, an unknown
///   project or payee, an overpayment, a bank reference reused with other details;
/// - 400 for a body that is not JSON of that shape.
public struct LedgerController: Sendable {
    let service: LedgerService
    let runtime: LiveConfiguration<Runtime>
    let clock: DaemonClock
    let maxBodyBytes: Int

    public init(service: LedgerService, runtime: LiveConfiguration<Runtime>, clock: DaemonClock,
                maxBodyBytes: Int) {
        self.service = service
        self.runtime = runtime
        self.clock = clock
        self.maxBodyBytes = maxBodyBytes
    }

    struct Body: Decodable {
        var entries: [LedgerRequestEntry]
    }

    struct Problem: Encodable, Hashable {
        var index: Int
        var message: String
    }

    struct Rejected: Encodable {
        var error: String
        var problems: [Problem]
    }

    struct Recorded: Encodable {
        var inserted: Int
        var duplicates: Int
    }

    public func add<Context: RequestContext>(to group: RouterGroup<Context>) {
        group.post("ledger") { request, context in try await self.receive(request, logger: context.logger) }
    }

    func receive(_ request: Request, logger: Logger) async throws -> Response {
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: try await AdminJSON.body(of: request, limit: maxBodyBytes))
        } catch AdminJSON.BodyError.tooLarge(let limit) {
            return AdminJSON.tooLarge(limit)
        } catch {
            let reason = AdminJSON.describe(error)
            logger.warning("ledger request refused: malformed body", metadata: ["reason": "\(reason)"])
            return AdminJSON.error(.badRequest, "malformed JSON: \(reason); expected {\"entries\": [{\"project_code\", \"payee_id\", \"amount_yuan\", \"date\", \"bank_reference\"}]}")
        }
        var problems: [Problem] = []
        var entries: [LedgerEntry] = []
        for (index, raw) in body.entries.enumerated() {
            switch raw.entry() {
            case let .success(entry): entries.append(entry)
            case let .failure(failure): problems += failure.messages.map { Problem(index: index, message: $0) }
            }
        }
        if problems.isEmpty {
            do {
                let result = try await service.record(entries, source: "api", configuration: runtime.current.configuration, now: clock.now)
                logger.info("ledger entries recorded", metadata: [
                    "ledger.source": "api", "ledger.inserted": "\(result.inserted.count)", "ledger.duplicates": "\(result.duplicates)",
                ])
                return AdminJSON.response(.ok, Recorded(inserted: result.inserted.count, duplicates: result.duplicates))
            } catch let rejection as LedgerRejection {
                problems = rejection.problems.map { Problem(index: $0.index, message: $0.message) }
            }
        }
        logger.warning("ledger request rejected", metadata: [
            "ledger.source": "api", "ledger.entries": "\(body.entries.count)", "ledger.problems": "\(problems.count)",
        ])
        let noun = problems.count == 1 ? "problem" : "problems"
        return AdminJSON.response(.unprocessableContent,
                                  Rejected(error: "\(problems.count) \(noun); nothing was recorded", problems: problems))
    }
}
