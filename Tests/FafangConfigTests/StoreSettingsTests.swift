import FafangConfig
import FafangCore
import FafangTestSupport
import Foundation
import Testing

/// `[store]`: SQLite unless PostgreSQL is named; the connection string only from a file or a
/// systemd credential (it holds the password), never inline and never echoed.
@Suite("fafang check: [store]")
struct StoreSettingsTests {
    private func load(_ table: String, files: [String: String] = [:]) throws -> (ConfigLoader.Outcome, ConfigFixture) {
        var fixture = ConfigFixture()
        fixture.files["fafang.toml", default: ""] += table
        for (name, text) in files { fixture.files[name] = text }
        let root = try fixture.write()
        defer { fixture.remove() }
        return (ConfigLoader.load(path: root), fixture)
    }

    @Test func sqliteIsTheDefault() throws {
        let (absent, _) = try load("")
        #expect(absent.configuration?.settings.store == .sqlite)
        let (named, _) = try load("\n[store]\nkind = \"sqlite\"\n")
        #expect(named.configuration?.settings.store == .sqlite, "\(named.diagnostics)")
    }

    @Test func postgresqlFromAFileOrACredential() throws {
        let (file, fixture) = try load("\n[store]\nkind = \"postgresql\"\nurl_file = \"secrets/pg\"\ntls = \"require\"\npool_size = 12\n",
                                       files: ["secrets/pg": "postgresql://fafang:pw@db.county:5432/fafang\n"])
        let settings = try #require(file.configuration?.settings.store, "\(file.diagnostics)")
        #expect(settings == .postgresql(PostgresSettings(url: .file(fixture.path("secrets/pg")), tls: .require, poolSize: 12)))
        let (credential, _) = try load("\n[store]\nkind = \"postgresql\"\nurl_credential = \"fafang-db\"\n")
        #expect(credential.configuration?.settings.store == .postgresql(PostgresSettings(url: .credential("fafang-db"))), "\(credential.diagnostics)")
    }

    @Test func anInlineURLIsRefusedWithoutEcho() throws {
        let (outcome, fixture) = try load("\n[store]\nkind = \"postgresql\"\nurl = \"postgresql://fafang:TopSecret9@db/fafang\"\n")
        #expect(outcome.configuration == nil)
        let error = try #require(outcome.errors.first { $0.keyPath == "store.url" }, "\(outcome.errors)")
        #expect(error.line == fixture.line(of: "url = \"postgresql", in: "fafang.toml"))
        #expect(error.message.contains("url_file"))
        #expect(!outcome.diagnostics.map(\.description).joined().contains("TopSecret9"))
    }

    @Test func mistakesNameTheirKey() throws {
        let (kind, _) = try load("\n[store]\nkind = \"mysql\"\n")
        #expect(kind.errors.map(\.keyPath) == ["store.kind"], "\(kind.errors)")
        let (missing, _) = try load("\n[store]\nkind = \"postgresql\"\n")
        #expect(missing.errors.map(\.keyPath) == ["store.url_file"], "\(missing.errors)")
        let (stray, _) = try load("\n[store]\npool_size = 4\n")
        #expect(stray.errors.map(\.keyPath) == ["store.pool_size"] && stray.errors.first?.message.contains("postgresql") == true, "\(stray.errors)")
        let (ca, _) = try load("\n[store]\nkind = \"postgresql\"\nurl_credential = \"db\"\ntls_ca_file = \"nope.pem\"\n")
        #expect(ca.errors.map(\.keyPath) == ["store.tls_ca_file"], "\(ca.errors)")
    }
}

/// A lease must outlast the longest request: otherwise a second daemon takes the message over
/// while the first is still sending it.
@Suite("fafang check: lease and request timeout")
struct LeaseTimeoutTests {
    @Test func aLeaseShorterThanARequestIsRefused() throws {
        var fixture = ConfigFixture()
        fixture.files["fafang.toml", default: ""] += "\n[dispatch]\nlease_seconds = 10\n\n[delivery]\ntotal_timeout_ms = 15000\n"
        let root = try fixture.write()
        defer { fixture.remove() }
        let outcome = ConfigLoader.load(path: root)
        #expect(outcome.errors.map(\.keyPath) == ["dispatch.lease_seconds"], "\(outcome.errors)")
        #expect(outcome.errors.first?.line == fixture.line(of: "lease_seconds = 10", in: "fafang.toml"))

        var fine = ConfigFixture()
        fine.files["fafang.toml", default: ""] += "\n[dispatch]\nlease_seconds = 20\n\n[delivery]\ntotal_timeout_ms = 15000\n"
        let fineRoot = try fine.write()
        defer { fine.remove() }
        #expect(ConfigLoader.load(path: fineRoot).errors.isEmpty)
    }
}
