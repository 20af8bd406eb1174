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
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Templates").path

    @Test("a bad configuration is refused and the old one stays, every error logged")
    func badReloadKeepsTheOld() throws {
        var fixture = ConfigFixture()
        fixture.useTemplates(at: Self.templates)
        let root = try fixture.write()
        defer { fixture.remove() }
        let first = try #require(Runtime.load(path: root).runtime)
        let live = LiveConfiguration(first)
        let captured = CapturedLog()
        let reload = ReloadService(path: root, runtime: live, logger: captured.logger())

        fixture.replace("projects/01-rent.toml", "total_wan = \"0.54\"", with: "total_wan = \"-0.54\"")
        fixture.replace("fafang.toml", "max_segments = 3", with: "max_segments = 0")
        _ = try fixture.write()
        #expect(reload.reload() == false)
        #expect(live.current.configuration.project(code: "RENT01")?.project.budget.total == .yuan(5400))
        let errors = captured.all.filter { $0.hasPrefix("error configuration error") }
        #expect(errors.count == 2)
        let line = fixture.line(of: "total_wan", in: "projects/01-rent.toml")
        #expect(errors.contains { $0.contains("01-rent.toml:\(line): budget.total_wan") })
        #expect(captured.all.contains { $0.contains("reload refused") })

        fixture.files = ConfigFixture().files
        fixture.useTemplates(at: Self.templates)
        fixture.replace("projects/02-transfer.toml", "name = \"村级转移支付\"", with: "name = \"村级转移支付（改）\"")
        _ = try fixture.write()
        #expect(reload.reload())
        #expect(live.current.configuration.project(code: "TRANS01")?.project.name == "村级转移支付（改）")
    }

    /// On main before the runtime, SIGHUP swapped the configuration before the gateways were
    /// rebuilt, so a failure there left new configuration with old gateways; and `fafang check`
    /// never built the gateways, so a bad secret passed it.
    @Test("a gateway that cannot be built refuses the whole reload; check reports it")
    func badGatewayRefusesTheWholeReload() throws {
        var fixture = ConfigFixture()
        fixture.useTemplates(at: Self.templates)
        let root = try fixture.write()
        defer { fixture.remove() }
        let live = LiveConfiguration(try #require(Runtime.load(path: root).runtime))
        let before = live.current.generation
        let reload = ReloadService(path: root, runtime: live, logger: CapturedLog().logger())
        fixture.replace("projects/02-transfer.toml", "name = \"村级转移支付\"", with: "name = \"村级转移支付（改）\"")
        fixture.replace("fafang.toml", "max_segments = 3", with: """
        max_segments = 3

        [endpoints.signed]
        kind = "webhook"
        url = "http://127.0.0.1:9/hook"
        secret_file = "whsec.txt"
        """)
        // Readable, but not a Standard Webhooks secret: only building the gateway finds that.
        fixture.files["whsec.txt"] = "whsec_not*base64\n"
        _ = try fixture.write()
        let check = Runtime.load(path: root)
        #expect(check.runtime == nil)
        #expect(check.errors.contains { $0.keyPath == "endpoints.signed" && $0.message.contains("signing secret") }, "\(check.errors)")
        #expect(reload.reload() == false)
        #expect(live.current.generation == before)
        #expect(live.current.configuration.project(code: "TRANS01")?.project.name == "村级转移支付", "nothing of the new configuration taken")
    }
}
