@testable import FafangConfig
import FafangTestSupport
import FafangCore
import Foundation
import Testing

@Suite("fafang check: configuration errors name file, line and key")
struct ConfigLoaderTests {
    /// Loads `fixture` and returns its diagnostics, removing the folder afterwards.
    private func diagnostics(_ fixture: ConfigFixture) throws -> ConfigLoader.Outcome {
        let root = try fixture.write()
        defer { fixture.remove() }
        return ConfigLoader.load(path: root)
    }

    /// The single error of an outcome, checked against file, line and key path.
    private func expectOnlyError(_ outcome: ConfigLoader.Outcome, file: String, line: Int, key: String,
                                 contains text: String, root: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.configuration == nil, sourceLocation: sourceLocation)
        #expect(outcome.errors.count == 1, "\(outcome.errors)", sourceLocation: sourceLocation)
        guard let error = outcome.errors.first else { return }
        #expect(error.file == root + "/" + file, sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.keyPath == key, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(text), "\(error)", sourceLocation: sourceLocation)
        let prefix = "\(root)/\(file):\(line): " + (key.isEmpty ? "" : "\(key): ")
        #expect(error.description.hasPrefix(prefix), sourceLocation: sourceLocation)
    }

    @Test func validFixtureLoads() throws {
        let fixture = ConfigFixture()
        let outcome = try diagnostics(fixture)
        #expect(outcome.errors.isEmpty, "\(outcome.diagnostics)")
        let configuration = try #require(outcome.configuration)
        #expect(configuration.projects.count == 2)
        #expect(configuration.villages.map(\.name) == ["甲村", "乙村"])
        let rent = try #require(configuration.project(code: "RENT01"))
        #expect(rent.payees.map(\.owed) == [Money.yuan(2160), Money.yuan(3240)])
        let transfer = try #require(configuration.project(code: "TRANS01"))
        #expect(transfer.payees.map(\.owed.fen) == [333_333, 666_667])
        #expect(configuration.settings.sms.quietHours.description == "21:00-08:00")
    }

    @Test func unknownKey() throws {
        var fixture = ConfigFixture()
        fixture.replace("fafang.toml", "max_segments = 3", with: "max_segments = 3\nmax_segmnets = 4")
        let outcome = try diagnostics(fixture)
        expectOnlyError(outcome, file: "fafang.toml", line: fixture.line(of: "max_segmnets", in: "fafang.toml"),
                        key: "sms.max_segmnets", contains: "unknown key", root: fixture.root)
    }

    @Test func missingField() throws {
        var fixture = ConfigFixture()
        fixture.replace("fafang.toml", "hotline = \"0315-0000000\"\n", with: "")
        let outcome = try diagnostics(fixture)
        expectOnlyError(outcome, file: "fafang.toml", line: 1, key: "township.hotline", contains: "missing", root: fixture.root)
    }

    @Test func outOfRangeNumber() throws {
        var fixture = ConfigFixture()
        fixture.replace("fafang.toml", "max_segments = 3", with: "max_segments = -3")
        let outcome = try diagnostics(fixture)
        expectOnlyError(outcome, file: "fafang.toml", line: fixture.line(of: "max_segments", in: "fafang.toml"),
                        key: "sms.max_segments", contains: "got -3", root: fixture.root)
    }

    @Test func malformedBudget() throws {
        var fixture = ConfigFixture()
        fixture.replace("projects/01-rent.toml", "total_wan = \"0.54\"", with: "total_wan = \"0.5A\"")
        let outcome = try diagnostics(fixture)
        expectOnlyError(outcome, file: "projects/01-rent.toml", line: fixture.line(of: "total_wan", in: "projects/01-rent.toml"),
                        key: "budget.total_wan", contains: "not an amount", root: fixture.root)
    }

    @Test func floatAmountRefused() throws {
        var fixture = ConfigFixture()
        fixture.replace("projects/01-rent.toml", "fiscal_wan = \"0.54\"", with: "fiscal_wan = 0.54")
        let outcome = try diagnostics(fixture)
        expectOnlyError(outcome, file: "projects/01-rent.toml", line: fixture.line(of: "fiscal_wan", in: "projects/01-rent.toml"),
                        key: "budget.fiscal_wan", contains: "not exact", root: fixture.root)
    }

    @Test func negativeAmountInRegister() throws {
        var fixture = ConfigFixture()
        fixture.replace("payees/rent.csv", "H2,王二,甲村,17000000012,2222,0.60,,", with: "H2,王二,甲村,17000000012,2222,0.60,-1800,")
        let outcome = try diagnostics(fixture)
        // The bad row is left out whole, and an incomplete register is not reconciled.
        expectOnlyError(outcome, file: "payees/rent.csv", line: 3, key: "rate_yuan_per_mu", contains: "more than 0", root: fixture.root)
    }

    @Test func badPhoneIsMasked() throws {
        var fixture = ConfigFixture()
        fixture.replace("payees/rent.csv", "17000000012", with: "2700000001")
        let outcome = try diagnostics(fixture)
        let error = try #require(outcome.errors.first { $0.keyPath == "phone" })
        #expect(error.line == 3)
        #expect(!error.description.contains("2700000001"))
        #expect(error.message.contains("not a mainland mobile"))
    }

    @Test func fullCardNumberRefusedWithoutEcho() throws {
        var fixture = ConfigFixture()
        fixture.replace("payees/rent.csv", "2222,0.60", with: "6222021234567890123,0.60")
        let outcome = try diagnostics(fixture)
        let error = try #require(outcome.errors.first { $0.keyPath == "card_tail" })
        #expect(error.description.contains("****0123"))
        #expect(!error.description.contains("6222021234567890123"))
    }

    @Test func duplicatePayeeID() throws {
        var fixture = ConfigFixture()
        fixture.replace("payees/rent.csv", "H2,王二", with: "H1,王二")
        let outcome = try diagnostics(fixture)
        let error = try #require(outcome.errors.first { $0.keyPath == "id" })
        #expect(error.line == 3)
        #expect(error.message.contains("duplicate id H1 (first on line 2)"))
    }

    @Test func unknownVillage() throws {
        var fixture = ConfigFixture()
        fixture.replace("payees/rent.csv", "H2,王二,甲村", with: "H2,王二,丙村")
        let outcome = try diagnostics(fixture)
        let error = try #require(outcome.errors.first { $0.keyPath == "village" })
        #expect(error.line == 3)
        #expect(error.message.contains("unknown village \"丙村\""))
    }

    @Test func unknownEndpoint() throws {
        var fixture = ConfigFixture()
        fixture.replace("payees/villages.csv", "robot-a", with: "robot-b")
        let outcome = try diagnostics(fixture)
        expectOnlyError(outcome, file: "payees/villages.csv", line: 2, key: "webhooks", contains: "no endpoint \"robot-b\"", root: fixture.root)
    }

    @Test func reconciliationMismatchIsAnError() throws {
        var fixture = ConfigFixture()
        fixture.replace("payees/rent.csv", "0.60,,", with: "0.61,,")
        let outcome = try diagnostics(fixture)
        expectOnlyError(outcome, file: "projects/01-rent.toml", line: fixture.line(of: "register", in: "projects/01-rent.toml"),
                        key: "payees.register", contains: "difference +54.00 元", root: fixture.root)
    }

    @Test func reconciliationWithinToleranceIsAWarning() throws {
        var fixture = ConfigFixture()
        fixture.replace("payees/rent.csv", "0.60,,", with: "0.61,,")
        fixture.files["projects/01-rent.toml"]! += "\n[reconciliation]\ntolerance_yuan = \"100\"\nnote = \"budget rounded to 0.01 万元\"\n"
        let outcome = try diagnostics(fixture)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.configuration != nil)
        let warning = try #require(outcome.warnings.first)
        #expect(warning.keyPath == "payees.register")
        #expect(warning.message.contains("budget rounded to 0.01 万元"))
    }

    @Test func planMustBeCumulativeAndEndAt100() throws {
        var fixture = ConfigFixture()
        fixture.replace("projects/02-transfer.toml", "cumulative_percent = \"100\"", with: "cumulative_percent = \"40\"")
        let outcome = try diagnostics(fixture)
        expectOnlyError(outcome, file: "projects/02-transfer.toml",
                        line: fixture.line(of: "cumulative_percent = \"40\"", in: "projects/02-transfer.toml"),
                        key: "plan[1].cumulative_percent", contains: "cumulative", root: fixture.root)
    }

    @Test func deadlineOutsideTheYear() throws {
        var fixture = ConfigFixture()
        fixture.replace("projects/02-transfer.toml", "deadline = 2021-06-30", with: "deadline = 2121-06-30")
        let outcome = try diagnostics(fixture)
        #expect(outcome.errors.contains { $0.keyPath == "plan[0].deadline" && $0.message.contains("not in the budget year 2021")
                && $0.line == fixture.line(of: "2121-06-30", in: "projects/02-transfer.toml") })
    }

    @Test func unknownKind() throws {
        var fixture = ConfigFixture()
        fixture.replace("projects/01-rent.toml", "kind = \"land_rent\"", with: "kind = \"rent\"")
        let outcome = try diagnostics(fixture)
        expectOnlyError(outcome, file: "projects/01-rent.toml", line: 3, key: "kind", contains: "unknown kind \"rent\"", root: fixture.root)
    }

    @Test func duplicateProjectCode() throws {
        var fixture = ConfigFixture()
        fixture.replace("projects/02-transfer.toml", "code = \"TRANS01\"", with: "code = \"RENT01\"")
        let outcome = try diagnostics(fixture)
        expectOnlyError(outcome, file: "projects/02-transfer.toml", line: 1, key: "code",
                        contains: "duplicate project code RENT01", root: fixture.root)
    }

    @Test func tomlSyntaxError() throws {
        var fixture = ConfigFixture()
        fixture.replace("projects/01-rent.toml", "year = 2021", with: "year = = 2021")
        let outcome = try diagnostics(fixture)
        expectOnlyError(outcome, file: "projects/01-rent.toml", line: 4, key: "", contains: "TOML syntax", root: fixture.root)
    }

    @Test func csvWithWrongFieldCountAndUnknownColumn() throws {
        var fixture = ConfigFixture()
        fixture.files["payees/transfer.csv"] = "village_id,share,note\nV1,1,x\nV2,2\n"
        let outcome = try diagnostics(fixture)
        let header = try #require(outcome.errors.first { $0.keyPath == "header" })
        #expect(header.line == 1)
        #expect(header.message.contains("unknown column \"note\""))
    }

    @Test("every problem is reported at once, in file and line order")
    func reportsEverything() throws {
        var fixture = ConfigFixture()
        fixture.replace("fafang.toml", "quiet_hours = \"21:00-08:00\"", with: "quiet_hours = \"9pm\"")
        fixture.replace("payees/rent.csv", "17000000011", with: "123")
        fixture.replace("payees/rent.csv", "H2,王二,甲村", with: "H2,王二,丁村")
        fixture.replace("projects/02-transfer.toml", "other_wan = \"0\"", with: "other_wan = \"-1\"")
        let outcome = try diagnostics(fixture)
        let keys = Set(outcome.errors.map(\.keyPath))
        #expect(keys.isSuperset(of: ["sms.quiet_hours", "phone", "village", "budget.other_wan"]), "\(outcome.errors)")
        let positions = outcome.diagnostics.map { "\($0.file):\(String(format: "%05d", $0.line))" }
        #expect(positions == positions.sorted())
    }

    @Test("registers in GB18030, UTF-8 with BOM, and with Chinese headings", arguments: [
        "persons-gb18030.csv", "persons-utf8-bom.csv", "persons-chinese-headings-gb18030.csv",
    ])
    func registerEncodings(name: String) throws {
        var fixture = ConfigFixture()
        fixture.files["projects/03-subsidy.toml"] = """
        code = "SUB01"
        name = "四术并发症费用"
        kind = "subsidy"
        year = 2021
        [budget]
        total_wan = "0.03005"
        fiscal_wan = "0.03005"
        other_wan = "0"
        [[plan]]
        deadline = 2021-12-31
        cumulative_percent = "100"
        [payees]
        register = "../payees/persons.csv"
        """
        let root = try fixture.write()
        defer { fixture.remove() }
        try FileManager.default.copyItem(at: try ConfigFixture.fixtureURL(name), to: URL(fileURLWithPath: root + "/payees/persons.csv"))
        let outcome = ConfigLoader.load(path: root)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        let subsidy = try #require(outcome.configuration?.project(code: "SUB01"))
        #expect(subsidy.payees.map(\.name) == ["王淑兰", "李秀英"])
        #expect(subsidy.payees.map(\.owed.fen) == [10_000, 20_050])
    }

    @Test func binaryRegisterIsRefused() throws {
        let url = try ConfigFixture.fixtureURL("persons-binary.csv")
        #expect(throws: TextFile.Failure.self) { try TextFile.read(url.path) }
        do {
            _ = try TextFile.read(url.path)
        } catch {
            #expect(error.description.contains(":2: neither UTF-8 nor GB18030"))
        }
    }
}
