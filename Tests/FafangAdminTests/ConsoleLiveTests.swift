import FafangAdmin
import FafangConfig
import FafangCore
import FafangDaemon
import FafangDelivery
import FafangStore
import FafangTestSupport
import Foundation
import ServiceLifecycle
import Testing

/// The console as `fafang run` serves it: the daemon assembled by `DaemonBuilder`, its admin
/// server bound on 127.0.0.1 (port 0), spoken to over real HTTP through libcurl.
@Suite("Console: live server", .serialized)
struct ConsoleLiveTests {
    @Test("DaemonBuilder mounts the console; a login over HTTP is throttled by the client's address")
    func assembledDaemonServesTheConsole() async throws {
        var fixture = ConfigFixture()
        fixture.useTemplates(at: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Templates").path)
        fixture.files["fafang.toml", default: ""] += "\n[admin]\nlisten = \"127.0.0.1:0\"\ntoken_file = \"secrets/admin-token\"\n\n[console]\n"
        fixture.files["secrets/admin-token"] = AdminTestRig.token + "\n"
        fixture.files["operators.toml"] = "[operators.lisz]\nname = \"李所长\"\nrole = \"approver\"\npassword_hash = \"\(ConsoleRig.hash)\"\n"
        let root = try fixture.write()
        defer { fixture.remove() }
        let load = Runtime.load(path: root)
        let runtime = try #require(load.runtime, "\(load.diagnostics)")
        let store = ConsoleFakeStore(database: try SQLiteStore.inMemory())
        let log = CapturedLog()
        let (addresses, continuation) = AsyncStream.makeStream(of: ListenAddress.self)
        let assembled = try DaemonBuilder.build(runtime: runtime, store: store, options: Daemon.Options(configPath: root, clock: AdminTestRig.clock),
                                                logger: log.logger("fafang"), onListening: { continuation.yield($0) })
        let group = assembled.serviceGroup(handlingSignals: false)
        let engine = try CurlEngine()
        try await withRunningGroup(group, addresses: addresses, continuation: continuation) { base in
            let form = try await engine.send(HTTPRequest(method: .get, url: base + "/console/login")).result.get()
            #expect(form.status == 200)
            let cookie = try #require(form.headers.first { $0.name.lowercased() == "set-cookie" }?.value.split(separator: ";").first.map(String.init))
            let page = String(decoding: form.body, as: UTF8.self)
            let token = try #require(page.range(of: "name=\"csrf\" value=\"").map { String(page[$0.upperBound...].prefix(64)) })
            func login(_ password: String, from client: String) async throws -> FafangDelivery.HTTPResponse {
                try await engine.send(HTTPRequest(method: .post, url: base + "/console/login", headers: [
                    HTTPHeader("Cookie", cookie), HTTPHeader("Content-Type", "application/x-www-form-urlencoded"), HTTPHeader("X-Forwarded-For", client),
                ], body: Array("csrf=\(token)&account=lisz&password=\(password)".utf8))).result.get()
            }
            for _ in 0..<5 { #expect(try await login("wrong-one-1", from: "203.0.113.9").status == 401) }
            #expect(try await login(ConsoleRig.password, from: "203.0.113.9").status == 429)
            #expect(try await login(ConsoleRig.password, from: "203.0.113.10").status == 429, "the account is locked too")
            let lockouts = store.state.audit.filter { $0.action == "login_lockout" }.map(\.subject)
            #expect(Set(lockouts) == ["address:203.0.113.9", "account:lisz"])
            #expect(store.state.audit.first?.detail == "来自 203.0.113.9")
        }
        await engine.shutdown(gracePeriod: .seconds(5))
        await assembled.daemon.engine.shutdown(gracePeriod: .seconds(5))
        #expect(!log.text.contains(ConsoleRig.password) && !log.text.contains("wrong-one-1"))
    }
}
