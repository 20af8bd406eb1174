import FafangConfig
import FafangCore
import Foundation
import Testing

/// `fafang passwd`'s edit of the operators file: only the account's table changes; comments,
/// blank lines, other accounts and line endings stay byte for byte.
@Suite("fafang passwd: the operators file edit")
struct OperatorsFileTests {
    static let old = "$2b$04$" + String(repeating: "o", count: 53)
    static let new = "$2b$12$" + String(repeating: "N", count: 53)

    static let file = """
    # Operators of the console.
    # Keep this file readable by the daemon only.

    [operators.zhangkj]   # the clerk
    name = "张会计"
    role = "clerk"
    password_hash = "\(old)"  # set 2021-03-01

    # the director
    [operators.lisz]
    name = "李所长"
    role = "approver"
    password_hash = "\(old)"

    """

    @Test func onlyTheHashOfThatAccountChanges() throws {
        let (edited, outcome) = try OperatorsFile.apply(.init(account: "zhangkj", passwordHash: Self.new), to: Self.file)
        #expect(outcome == .updated)
        let expected = Self.file.replacingOccurrences(of: "password_hash = \"\(Self.old)\"  # set 2021-03-01",
                                                      with: "password_hash = \"\(Self.new)\"  # set 2021-03-01")
        #expect(edited == expected)
        #expect(edited.components(separatedBy: Self.old).count == 2, "lisz keeps the old hash")
    }

    @Test func roleAndDisplayNameWhenGiven() throws {
        let (edited, _) = try OperatorsFile.apply(.init(account: "lisz", displayName: "李\"所长\"", role: .viewer, passwordHash: Self.new), to: Self.file)
        let lines = edited.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "[operators.lisz]"))
        #expect(Array(lines[(start + 1)...(start + 3)]) == ["name = \"李\\\"所长\\\"\"", "role = \"viewer\"", "password_hash = \"\(Self.new)\""])
        #expect(lines[..<start].joined(separator: "\n") == Self.file.split(separator: "\n", omittingEmptySubsequences: false)[..<start].joined(separator: "\n"))
    }

    @Test func aMissingHashIsAddedAfterTheTablesKeys() throws {
        let text = "[operators.wangcn]\nname = \"王出纳\"\nrole = \"viewer\"\n\n# next\n[operators.other]\nname = \"x\"\nrole = \"viewer\"\n"
        let (edited, _) = try OperatorsFile.apply(.init(account: "wangcn", passwordHash: Self.new), to: text)
        #expect(edited == "[operators.wangcn]\nname = \"王出纳\"\nrole = \"viewer\"\npassword_hash = \"\(Self.new)\"\n\n# next\n[operators.other]\nname = \"x\"\nrole = \"viewer\"\n")
    }

    @Test func aNewAccountIsAppended() throws {
        let (edited, outcome) = try OperatorsFile.apply(.init(account: "wangcn", displayName: "王出纳", role: .clerk, passwordHash: Self.new), to: Self.file)
        #expect(outcome == .added)
        #expect(edited == Self.file + "\n[operators.wangcn]\nname = \"王出纳\"\nrole = \"clerk\"\npassword_hash = \"\(Self.new)\"\n")
        let (fromNothing, _) = try OperatorsFile.apply(.init(account: "wangcn", displayName: "王出纳", passwordHash: Self.new), to: "")
        #expect(fromNothing == "[operators.wangcn]\nname = \"王出纳\"\nrole = \"viewer\"\npassword_hash = \"\(Self.new)\"\n")
    }

    @Test func windowsLineEndingsAreKept() throws {
        let text = Self.file.replacingOccurrences(of: "\n", with: "\r\n")
        let (edited, _) = try OperatorsFile.apply(.init(account: "lisz", passwordHash: Self.new), to: text)
        #expect(edited == text.replacingOccurrences(of: "role = \"approver\"\r\npassword_hash = \"\(Self.old)\"",
                                                    with: "role = \"approver\"\r\npassword_hash = \"\(Self.new)\""))
        #expect(edited != text)
        let (added, _) = try OperatorsFile.apply(.init(account: "wangcn", displayName: "王出纳", passwordHash: Self.new), to: text)
        #expect(added.hasSuffix("\r\n\r\n[operators.wangcn]\r\nname = \"王出纳\"\r\nrole = \"viewer\"\r\npassword_hash = \"\(Self.new)\"\r\n"))
    }

    @Test func refusals() throws {
        #expect(throws: OperatorsFile.EditError.self) {
            try OperatorsFile.apply(.init(account: "wangcn", passwordHash: Self.new), to: Self.file)  // new, without a display name
        }
        #expect(throws: OperatorsFile.EditError.self) {
            try OperatorsFile.apply(.init(account: "zhangkj", passwordHash: Self.new), to: "[operators]\nzhangkj = { name = \"张会计\", role = \"clerk\" }\n")
        }
        #expect(throws: OperatorsFile.EditError.self) {
            try OperatorsFile.apply(.init(account: "zhangkj", passwordHash: "plain-password"), to: Self.file)
        }
        #expect(throws: OperatorsFile.EditError.self) {
            try OperatorsFile.apply(.init(account: "Zhang KJ", displayName: "x", passwordHash: Self.new), to: Self.file)
        }
    }

    @Test func theFileIsRewrittenInPlaceWithItsPermissions() throws {
        let folder = NSTemporaryDirectory() + "fafang-operators-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/operators.toml"
        try Self.file.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        #expect(try OperatorsFile.apply(.init(account: "lisz", passwordHash: Self.new), toFile: path) == .updated)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains(Self.new))
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["operators.toml"])
        let fresh = folder + "/new.toml"
        #expect(try OperatorsFile.apply(.init(account: "lisz", displayName: "李所长", role: .approver, passwordHash: Self.new), toFile: fresh) == .added)
        #expect((try FileManager.default.attributesOfItem(atPath: fresh)[.posixPermissions] as? Int) == 0o600)
    }

    @Test func thePathComesFromConsoleOperators() throws {
        let folder = NSTemporaryDirectory() + "fafang-operators-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(OperatorsFile.path(configPath: folder) == folder + "/operators.toml")
        try "[console]\noperators = \"people/ops.toml\"\n".write(toFile: folder + "/fafang.toml", atomically: true, encoding: .utf8)
        #expect(OperatorsFile.path(configPath: folder) == folder + "/people/ops.toml")
        #expect(OperatorsFile.path(configPath: folder + "/fafang.toml") == folder + "/people/ops.toml")
    }
}
