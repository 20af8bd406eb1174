import FafangConfig
import FafangCore
import FafangTestSupport
import Foundation
import Testing

/// `[approval] kinds`: absent means payment notices are held; a list names the kinds held,
/// `[]` none; an unknown kind is one error naming file, line and key.
@Suite("fafang check: [approval]")
struct ApprovalSettingsTests {
    private func load(_ table: String) throws -> (ConfigLoader.Outcome, ConfigFixture) {
        var fixture = ConfigFixture()
        fixture.files["fafang.toml", default: ""] += table
        let root = try fixture.write()
        defer { fixture.remove() }
        return (ConfigLoader.load(path: root), fixture)
    }

    @Test("kinds held", arguments: [
        ("", ApprovalSettings.defaultKinds),
        ("\n[approval]\n", ApprovalSettings.defaultKinds),
        ("\n[approval]\nkinds = []\n", []),
        ("\n[approval]\nkinds = [\"payment_recorded\", \"payment_in_progress\"]\n", [.paymentRecorded, .paymentInProgress]),
    ] as [(String, Set<DueEvent.Kind>)])
    func kinds(_ table: String, _ expected: Set<DueEvent.Kind>) throws {
        let (outcome, _) = try load(table)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.configuration?.settings.approval.kinds == expected)
    }

    @Test func unknownKindNamesItsLine() throws {
        let (outcome, fixture) = try load("\n[approval]\nkinds = [\n  \"payment_recorded\",\n  \"payment_recieved\",\n]\n")
        #expect(outcome.configuration == nil)
        #expect(outcome.errors.count == 1, "\(outcome.errors)")
        let error = try #require(outcome.errors.first)
        #expect(error.keyPath == "approval.kinds[1]")
        #expect(error.line == fixture.line(of: "payment_recieved", in: "fafang.toml"), "the line of the element")
        #expect(error.message.contains("unknown kind \"payment_recieved\"") && error.message.contains("\"payment_in_progress\""), "\(error)")
        #expect(error.description.hasPrefix("\(fixture.root)/fafang.toml:\(error.line): approval.kinds[1]: "))
    }

    @Test func unknownKeyAndWrongType() throws {
        let (outcome, _) = try load("\n[approval]\nkind = [\"payment_recorded\"]\n")
        #expect(outcome.errors.map(\.keyPath) == ["approval.kind"] && outcome.errors.first?.message == "unknown key", "\(outcome.errors)")
        let (typed, _) = try load("\n[approval]\nkinds = \"payment_recorded\"\n")
        #expect(typed.errors.map(\.keyPath) == ["approval.kinds"] && typed.errors.first?.message.contains("list of strings") == true,
                "\(typed.errors)")
    }
}
