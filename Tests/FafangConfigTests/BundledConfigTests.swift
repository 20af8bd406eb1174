import FafangTestSupport
import FafangConfig
import FafangCore
import Foundation
import Testing

/// The township's real configuration in `Config/`: it must load cleanly, agree with the seed
/// document it was imported from, and reconcile as the README says.
@Suite("Bundled Config/")
struct BundledConfigTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let configPath = root.appendingPathComponent("Config").path

    private func load() throws -> (Configuration, ConfigLoader.Outcome) {
        let outcome = ConfigLoader.load(path: Self.configPath)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        return (try #require(outcome.configuration), outcome)
    }

    @Test func loadsWithOnlyTheExpectedWarning() throws {
        let (configuration, outcome) = try load()
        #expect(configuration.projects.count == 9)
        #expect(configuration.villages.count == 17)
        #expect(configuration.villages.filter { $0.name.hasSuffix("村") }.count == 16)
        #expect(outcome.warnings.count == 1, "\(outcome.warnings)")
        let warning = try #require(outcome.warnings.first)
        #expect(warning.keyPath == "payees.register")
        #expect(warning.message.contains("difference +24.00 元"))
        #expect(configuration.settings.approval.kinds == [.paymentRecorded], "payment SMS wait for an approver")
    }

    @Test func kindsAsReviewed() throws {
        let (configuration, _) = try load()
        let kinds = Dictionary(uniqueKeysWithValues: configuration.projects.map { ($0.project.name, $0.project.kind) })
        #expect(kinds["天柱租地费（殷官屯村）"] == .landRent)
        #expect(kinds["天柱租地费（南朱庄子村）"] == .landRent)
        #expect(kinds["环校绿化资金"] == .landRent)
        #expect(kinds["四术并发症费用"] == .subsidy)
        #expect(kinds["村级转移支付"] == .villageTransfer)
        #expect(kinds["金域名邸社区办公经费"] == .villageTransfer)
        #expect(kinds["2020年乡镇财政体制经费"] == .operating)
        #expect(kinds["2021年乡镇财政体制经费"] == .operating)
        #expect(kinds["财政所经费"] == .operating)
    }

    @Test func registersAgreeWithTheSeedIndicators() throws {
        let (configuration, _) = try load()
        func households(_ name: String) throws -> [Household] {
            let project = try #require(configuration.projects.first { $0.project.name == name })
            return project.payees.compactMap { if case let .household(h) = $0.party { h } else { nil } }
        }
        let yinguantun = try households("天柱租地费（殷官屯村）")
        #expect(yinguantun.map(\.area).reduce(Acreage(centimu: 0), +) == Acreage(centimu: 110_000))
        #expect(yinguantun.allSatisfy { $0.rate == .yuan(1800) && $0.years == 3 })
        let nanzhu = try households("天柱租地费（南朱庄子村）")
        #expect(nanzhu.map(\.area).reduce(Acreage(centimu: 0), +) == Acreage(centimu: 4253))
        let subsidy = try #require(configuration.projects.first { $0.project.kind == .subsidy })
        #expect(subsidy.payees.count >= 6)
        let transfer = try #require(configuration.projects.first { $0.project.name == "村级转移支付" })
        #expect(transfer.payees.count == 16)
        #expect(transfer.payees.map(\.owed).sum() == transfer.project.budget.total)
        // Every payee with a phone has a valid, synthetic one.
        for project in configuration.projects {
            for payee in project.payees {
                switch payee.party {
                case let .household(h): #expect(h.phone?.digits.hasPrefix("1700000") == true)
                case let .person(p): #expect(p.phone?.digits.hasPrefix("1700000") == true)
                case .village: break
                }
            }
        }
    }

    @Test func reconciliation() throws {
        let (configuration, _) = try load()
        for configured in configuration.projects where configured.project.kind.payeeKind != nil {
            let result = configured.reconciliation
            if configured.project.name == "天柱租地费（南朱庄子村）" {
                #expect(result.owed == .yuan(459_324))
                #expect(result.difference == .yuan(24))
            } else {
                #expect(result.balances, "\(configured.project.name): \(result.difference)")
            }
        }
    }

    @Test("天柱租地费（殷官屯村） needs 2,970,000.00 元 by 2021-06-30, 10 days after 2021-06-20")
    func planOnTwentiethOfJune() throws {
        let (configuration, _) = try load()
        let project = try #require(configuration.projects.first { $0.project.name == "天柱租地费（殷官屯村）" }).project
        let schedule = PlanSchedule(project: project, asOf: try #require(CivilDate(iso: "2021-06-20")))
        let next = try #require(schedule.next)
        #expect(next.milestone.deadline == CivilDate(iso: "2021-06-30"))
        #expect(next.target.yuanString == "2,970,000.00")
        #expect(next.daysLeft == 10)
    }

    @Test("the project files are the importer's output for the seed, kinds and payees aside")
    func projectsMatchTheSeed() throws {
        let (configuration, _) = try load()
        let seed = try String(contentsOf: try ConfigFixture.fixtureURL("seed-2021.txt"), encoding: .utf8)
        let document = try GoalDocumentImporter.parse(seed, file: "seed-2021.txt", year: nil)
        #expect(document.projects.count == configuration.projects.count)
        for imported in document.projects {
            let configured = try #require(configuration.project(code: imported.code)).project
            var expected = imported
            expected.kind = configured.kind
            #expect(configured == expected, "\(imported.code)")
        }
    }
}
