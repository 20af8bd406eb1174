import FafangCore

/// `[calendar]` of fafang.toml: where China's holiday calendar is, and the township's deadline
/// policy (a project file's `deadline_policy` overrides it).
public struct CalendarSettings: Sendable, Hashable {
    /// The calendar file (`file`, resolved); nil without `[calendar]`: then only the week is
    /// known (Saturdays and Sundays off), and no year is reported as uncovered.
    public var file: String?
    /// The line of fafang.toml naming the file (0 when none), where its problems are reported.
    public var fileLine: Int
    /// What a milestone on a day off does, unless its project says otherwise.
    public var deadlinePolicy: DeadlineRule.Policy

    public init(file: String? = nil, fileLine: Int = 0, deadlinePolicy: DeadlineRule.Policy = .asWritten) {
        self.file = file
        self.fileLine = fileLine
        self.deadlinePolicy = deadlinePolicy
    }
}

extension SettingsReader {
    /// `[calendar]`: `file` (required in the table) and `deadline_policy` (default as_written).
    static func readCalendar(_ fields: TOMLFields?, directory: String) -> CalendarSettings {
        guard let fields else { return CalendarSettings() }
        defer { fields.finish() }
        var settings = CalendarSettings()
        if let file = fields.string("file") {
            settings.file = resolve(file, against: directory)
            settings.fileLine = fields.source.line(fields.keyPath("file"))
        }
        if let policy = choice(fields, "deadline_policy", DeadlineRule.Policy.self) { settings.deadlinePolicy = policy }
        return settings
    }
}
