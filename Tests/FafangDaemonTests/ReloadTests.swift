import FafangConfig
import FafangCore
import FafangDaemon
import FafangTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Reload")
struct ReloadTests {
    @Test("a bad configuration is refused and the old one stays, every error logged")
    func badReloadKeepsTheOld() throws {
        var fixture = ConfigFixture()
        let root = try fixture.write()
        defer { fixture.remove() }
        let first = try #require(ConfigLoader.load(path: root).configuration)
        let live = LiveConfiguration(first)
        let captured = CapturedLog()
        let reload = ReloadService(path: root, configuration: live, logger: captured.logger())

        fixture.replace("projects/01-rent.toml", "total_wan = \"0.54\"", with: "total_wan = \"-0.54\"")
        fixture.replace("fafang.toml", "max_segments = 3", with: "max_segments = 0")
        _ = try fixture.write()
        #expect(reload.reload() == false)
        #expect(live.current.project(code: "RENT01")?.project.budget.total == .yuan(5400))
        let errors = captured.all.filter { $0.hasPrefix("error configuration error") }
        #expect(errors.count == 2)
        let line = fixture.line(of: "total_wan", in: "projects/01-rent.toml")
        #expect(errors.contains { $0.contains("01-rent.toml:\(line): budget.total_wan") })
        #expect(captured.all.contains { $0.contains("reload refused") })

        fixture.files = ConfigFixture().files
        fixture.replace("projects/02-transfer.toml", "name = \"村级转移支付\"", with: "name = \"村级转移支付（改）\"")
        _ = try fixture.write()
        #expect(reload.reload())
        #expect(live.current.project(code: "TRANS01")?.project.name == "村级转移支付（改）")
    }
}
