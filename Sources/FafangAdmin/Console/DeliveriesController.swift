import FafangConfig
import FafangCore
import FafangDaemon
import Hummingbird

/// 发送记录: `/console/deliveries`, the outbox searched by payee, phone tail, village, state,
/// project and dates, newest first, paged by id.
struct DeliveriesController: Sendable {
    let parts: ConsoleParts

    func add<Context: RemoteAddressRequestContext>(to router: Router<Context>) {
        router.get("/console/deliveries") { request, context in
            try await parts.access.page(request, logger: context.logger) { session in
                let configuration = parts.runtime.current.configuration
                let search = DeliverySearch(FormFields(encoded: request.uri.query ?? ""), zone: configuration.settings.timeZone)
                let records = search.problems.isEmpty ? try await parts.store.deliveries(search.filter) : []
                return DeliveriesPage.render(search: search, records: records, configuration: configuration, session: session).response()
            }
        }
    }
}
