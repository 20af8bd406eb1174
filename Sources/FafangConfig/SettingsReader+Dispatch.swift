import FafangCore
import Foundation

extension SettingsReader {
    /// `[dispatch]`: every key optional; a missing table gives the defaults of `DispatchSettings`.
    static func readDispatch(_ fields: TOMLFields?) -> DispatchSettings {
        var settings = DispatchSettings()
        guard let fields else { return settings }
        defer { fields.finish() }
        if let value = fields.int("batch_size", required: false, range: 1...10_000) { settings.batchSize = value }
        if let value = fields.int("lease_seconds", required: false, range: 1...86_400) { settings.leaseSeconds = TimeInterval(value) }
        if let value = fields.int("concurrency", required: false, range: 1...1_024) { settings.concurrency = value }
        if let value = fields.int("robot_per_minute", required: false, range: 1...1_000) { settings.robotPerMinute = value }
        if let value = fields.int("sms_per_phone_per_day", required: false, range: 1...100) { settings.smsPerPhonePerDay = value }
        if let value = fields.int("digest_window_seconds", required: false, range: 0...86_400) { settings.digestWindowSeconds = TimeInterval(value) }
        if let value = fields.int("pause_after_failing_minutes", required: false, range: 1...43_200) {
            settings.health.pauseAfter = TimeInterval(value * 60)
        }
        if let value = fields.int("pause_after_failures", required: false, range: 1...10_000) { settings.health.minimumFailures = value }
        if let value = fields.int("probe_every_minutes", required: false, range: 1...1_440) { settings.health.probeEvery = TimeInterval(value * 60) }
        if let delays = fields.strings("retry_delays", required: false) {
            var seconds: [TimeInterval] = []
            for (index, text) in delays.enumerated() {
                guard let value = duration(text) else {
                    fields.source.error(fields.keyPath("retry_delays") + "[\(index)]", "must be a duration such as 5s, 5m, 2h (got \"\(text)\")")
                    continue
                }
                seconds.append(value)
            }
            if seconds.isEmpty { fields.error("retry_delays", "needs at least one delay") }
            settings.retry.delays = seconds
        }
        if let percent = fields.int("retry_jitter_percent", required: false, range: 0...100) { settings.retry.jitter = Double(percent) / 100 }
        return settings
    }

    /// `[scheduler]`: every key optional; a missing table gives the defaults of `SchedulerSettings`.
    static func readScheduler(_ fields: TOMLFields?) -> SchedulerSettings {
        var settings = SchedulerSettings()
        guard let fields else { return settings }
        defer { fields.finish() }
        if let days = fields.value("approach_days") {
            if let array = days.array, array.allSatisfy({ ($0.int ?? 0) > 0 }), !array.isEmpty {
                settings.approachDays = array.compactMap(\.int).sorted(by: >)
            } else {
                fields.error("approach_days", "must be a list of whole numbers of days above 0, e.g. [14, 7, 1]")
            }
        }
        if let value = fields.int("overdue_repeat_days", required: false, range: 1...365) { settings.overdueRepeatDays = value }
        if let value = fields.int("slight_behind_percent", required: false, range: 0...100) { settings.slightThreshold = .whole(Int64(value)) }
        if let value = fields.bool("in_progress_notice", required: false) { settings.inProgressNotice = value }
        if let value = fields.int("in_progress_delay_days", required: false, range: 0...365) { settings.inProgressDelayDays = value }
        if let unit = choice(fields, "approach_days_unit", SchedulerSettings.DayUnit.self) { settings.approachDaysUnit = unit }
        return settings
    }

    /// "30s", "5m", "2h", "1d", or plain seconds "45".
    static func duration(_ text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        if let last = trimmed.last, let unit = units[last], let value = Double(trimmed.dropLast()), value > 0 { return value * unit }
        if let value = Double(trimmed), value > 0 { return value }
        return nil
    }
}
