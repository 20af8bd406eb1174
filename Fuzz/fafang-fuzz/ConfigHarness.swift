import FafangConfig
import FafangTestSupport
import FafangFuzzKit
import Foundation

/// The configuration loaded whole (`ConfigLoader.load`, as `fafang check` and the daemon do):
/// TOMLKit, `SettingsReader`, `ProjectReader`, `RegisterReader`, `HolidayCalendarReader` and
/// the checks across them. `ConfigFixture`'s small valid configuration, with a holiday calendar,
/// is written once; each input replaces one of its files.
enum ConfigHarness {
    nonisolated(unsafe) static var fixture = ConfigFixture()

    static func harness(_ name: String, file: String) -> Harness {
        Harness(name: name, prepare: prepare, run: { data in run(data, file: file) })
    }

    static func prepare() {
        prepare(&fixture)
    }

    /// Adds the calendar to `fixture` and writes it.
    static func prepare(_ fixture: inout ConfigFixture) {
        fixture.replace("fafang.toml", "[sms]", with: """
        [calendar]
        file = "calendar/cn-holidays.csv"
        deadline_policy = "next_working_day"

        [sms]
        """)
        fixture.files["calendar/cn-holidays.csv"] = """
        year,kind,first,last,name,notice,document,published
        2021,off,2021-01-01,2021-01-03,元旦,国务院办公厅关于2021年部分节假日安排的通知,国办发明电〔2020〕27号,2020-11-25
        2021,work,2021-02-07,,春节,国务院办公厅关于2021年部分节假日安排的通知,国办发明电〔2020〕27号,2020-11-25
        2021,off,2021-02-11,2021-02-17,春节,国务院办公厅关于2021年部分节假日安排的通知,国办发明电〔2020〕27号,2020-11-25

        """
        do {
            _ = try fixture.write()
        } catch {
            FileHandle.standardError.write(Data("fafang-fuzz: cannot write the configuration: \(error)\n".utf8))
            exit(2)
        }
        let root = fixture.root
        Cleanup.add { try? FileManager.default.removeItem(atPath: root) }
    }

    static func run(_ data: Data, file: String) {
        let path = fixture.path(file)
        _ = FileManager.default.createFile(atPath: path, contents: data)
        let outcome = ConfigLoader.load(path: fixture.root)
        blackHole(outcome.diagnostics.map(\.description).joined().count)
    }
}
