import FafangCore
import FafangDaemon
import Foundation
import Metrics
import Prometheus
import Synchronization

/// The daemon's Prometheus metrics, in a registry the daemon owns (never the process-wide
/// default, so tests each get their own):
///
/// - `fafang_messages_total{channel,gateway,status}` — counter; status sent, retry, dead (the
///   dispatcher's attempts) or delivered, failed (delivery reports).
/// - `fafang_attempt_duration_seconds{channel,gateway}` — histogram of request durations.
/// - `fafang_outbox_depth{state}` — gauge, outbox rows per state, refreshed on each scrape.
/// - `fafang_gateway_paused{gateway}` — gauge, 1 while a gateway or endpoint is paused.
/// - `fafang_unrouted_events` — gauge, events kept because some of their messages could not be
///   made (no template, no gateway): they go out once the configuration is fixed and reloaded.
/// - `fafang_projects_behind{grade}` — gauge, projects slightly_behind / behind their current
///   cumulative target, refreshed on each scrape.
/// - `fafang_store_out_of_space` — gauge, 1 while the database cannot be written for lack of
///   space (`StoreHealth`: nothing is claimed, receipts are answered 503), else 0.
/// - `fafang_store_results_held` — gauge, results of sends kept in memory meanwhile.
///
/// Labels are channels, gateway names, states and grades: never a recipient.
public final class AdminMetrics: DeliveryMetrics {
    public let registry: PrometheusCollectorRegistry
    // The registry's own lookup (name and labels validated, help text compared) cost a county's
    // daemon 3 % of its CPU per message: each label set is looked up there once and kept.
    private let histograms = Mutex<[[String]: Prometheus.DurationHistogram]>([:])
    private let counters = Mutex<[[String]: Prometheus.Counter]>([:])

    /// Attempt duration buckets, in seconds: from a loopback sink to a slow gateway's timeout.
    public static let attemptBuckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10), .seconds(15), .seconds(30), .seconds(60),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        // Both gauges show every label value from the first scrape on, zero until counted.
        for state in MessageState.allCases { outboxDepth(state).set(to: 0) }
        for grade in Self.behindGrades { projectsBehind(grade).set(to: 0) }
        setStoreSpace(outOfSpace: false, heldResults: 0)
    }

    static let behindGrades: [ProgressGrade] = [.slightlyBehind, .behind]

    // MARK: Names (one help text per name: the registry refuses two)

    static func messages() -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fafang", metricName: "messages", unitName: "total",
                             helpText: "Messages by channel, gateway and outcome: sent, retry, dead (attempts), delivered, failed (delivery reports).")
    }

    static func attemptDuration() -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fafang", metricName: "attempt_duration", unitName: "seconds",
                             helpText: "Duration of delivery requests through each gateway.")
    }

    static func outboxDepthName() -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fafang", metricName: "outbox_depth", unitName: "",
                             helpText: "Outbox rows in each state, as of the scrape.")
    }

    static func projectsBehindName() -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fafang", metricName: "projects_behind", unitName: "",
                             helpText: "Projects slightly behind or behind their current cumulative disbursement target, as of the scrape.")
    }

    static func gatewayPausedName() -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fafang", metricName: "gateway_paused", unitName: "",
                             helpText: "1 while the gateway or endpoint is paused (failing, or by an operator), else 0.")
    }

    static func storeOutOfSpaceName() -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fafang", metricName: "store_out_of_space", unitName: "",
                             helpText: "1 while the database cannot be written for lack of space: nothing is claimed, receipts are answered 503.")
    }

    static func diskAvailableName() -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fafang", metricName: "state_disk_available", unitName: "bytes",
                             helpText: "Bytes the daemon may still write on the state directory's filesystem (statvfs f_bavail).")
    }

    static func diskSizeName() -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fafang", metricName: "state_disk_size", unitName: "bytes",
                             helpText: "Size of the state directory's filesystem.")
    }

    static func diskLowName() -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fafang", metricName: "state_disk_low", unitName: "",
                             helpText: "1 while less than [paths] low_space_mib is free on the state directory's filesystem.")
    }

    static func storeHeldName() -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fafang", metricName: "store_results_held", unitName: "",
                             helpText: "Results of sends kept in memory because the database had no space to record them.")
    }

    static func unroutedName() -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fafang", metricName: "unrouted_events", unitName: "",
                             helpText: "Events kept because some of their messages could not be made; sent once the configuration is fixed.")
    }

    // MARK: DeliveryMetrics

    public func observeAttempt(channel: Channel, gateway: String, duration: Duration) {
        Self.kept(histograms, [channel.rawValue, gateway]) {
            registry.makeDurationHistogram(descriptor: Self.attemptDuration(), labels: [("channel", channel.rawValue), ("gateway", gateway)],
                                           buckets: Self.attemptBuckets)
        }.record(duration)
    }

    /// The outcomes `fafang_messages_total` counts: attempts' (sent, retry, dead) and reports' (delivered, failed).
    static let countedOutcomes: Set<String> = ["sent", "retry", "dead", "delivered", "failed"]

    public func count(_ outcome: MessageOutcome, of message: OutboxMessage) {
        guard Self.countedOutcomes.contains(outcome.name) else { return }
        Self.kept(counters, [message.channel.rawValue, message.gateway, outcome.name]) {
            registry.makeCounter(descriptor: Self.messages(),
                                 labels: [("channel", message.channel.rawValue), ("gateway", message.gateway), ("status", outcome.name)])
        }.increment()
    }

    /// The metric kept for `labels`, made in the registry the first time.
    private static func kept<Metric: Sendable>(_ cache: borrowing Mutex<[[String]: Metric]>, _ labels: [String],
                                               _ make: () -> Metric) -> Metric {
        cache.withLock { known in
            if let metric = known[labels] { return metric }
            let made = make()
            known[labels] = made
            return made
        }
    }

    // MARK: Scrape-time gauges

    private func outboxDepth(_ state: MessageState) -> Prometheus.Gauge {
        registry.makeGauge(descriptor: Self.outboxDepthName(), labels: [("state", state.rawValue)])
    }

    private func projectsBehind(_ grade: ProgressGrade) -> Prometheus.Gauge {
        registry.makeGauge(descriptor: Self.projectsBehindName(), labels: [("grade", grade.rawValue)])
    }

    /// Sets `fafang_outbox_depth` from the store's counts (a state absent from `counts` is 0).
    public func setOutboxDepth(_ counts: [MessageState: Int]) {
        for state in MessageState.allCases { outboxDepth(state).set(to: Double(counts[state] ?? 0)) }
    }

    /// Sets `fafang_gateway_paused` for every gateway with a health record.
    public func setGatewayHealth(_ health: [GatewayHealth]) {
        for gateway in health {
            registry.makeGauge(descriptor: Self.gatewayPausedName(), labels: [("gateway", gateway.name)]).set(to: gateway.isPaused ? 1 : 0)
        }
    }

    /// Sets `fafang_store_out_of_space` and `fafang_store_results_held`.
    public func setStoreSpace(outOfSpace: Bool, heldResults: Int) {
        registry.makeGauge(descriptor: Self.storeOutOfSpaceName(), labels: []).set(to: outOfSpace ? 1 : 0)
        registry.makeGauge(descriptor: Self.storeHeldName(), labels: []).set(to: Double(heldResults))
    }

    /// Sets `fafang_state_disk_available_bytes`, `fafang_state_disk_size_bytes` and
    /// `fafang_state_disk_low` from the last look at the state directory's filesystem.
    public func setDisk(_ reading: StoreHealth.DiskReading) {
        registry.makeGauge(descriptor: Self.diskAvailableName(), labels: []).set(to: Double(reading.space.available))
        registry.makeGauge(descriptor: Self.diskSizeName(), labels: []).set(to: Double(reading.space.total))
        registry.makeGauge(descriptor: Self.diskLowName(), labels: []).set(to: reading.isLow ? 1 : 0)
    }

    /// Sets `fafang_unrouted_events`.
    public func setUnroutedEvents(_ count: Int) {
        registry.makeGauge(descriptor: Self.unroutedName(), labels: []).set(to: Double(count))
    }

    /// Sets `fafang_projects_behind` from each project's grade.
    public func setProjectsBehind(_ grades: [ProgressGrade]) {
        for grade in Self.behindGrades { projectsBehind(grade).set(to: Double(grades.count { $0 == grade })) }
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> String { registry.emitToString() }

    /// A swift-metrics factory over the same registry, for libraries that report through
    /// swift-metrics (Hummingbird's request metrics).
    public var metricsFactory: PrometheusMetricsFactory { PrometheusMetricsFactory(registry: registry) }

    /// Makes `metricsFactory` the process-wide swift-metrics backend. Call once, from `main`
    /// (`fafang run`); tests never do.
    public func bootstrapMetricsSystem() {
        MetricsSystem.bootstrap(metricsFactory)
    }
}
