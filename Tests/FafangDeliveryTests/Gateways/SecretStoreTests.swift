import FafangCore
import FafangDelivery
import Foundation
import Testing

@Suite("Secret store: files and systemd credentials")
struct SecretStoreTests {
    /// A fresh folder with `files` written into it; removed by the caller.
    static func folder(_ files: [String: String]) throws -> String {
        let root = NSTemporaryDirectory() + "fafang-secrets-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/" + name)) }
        return root
    }

    @Test("one trailing newline is trimmed", arguments: [
        ("SECRET-XYZ\n", "SECRET-XYZ"), ("SECRET-XYZ\r\n", "SECRET-XYZ"), ("SECRET-XYZ", "SECRET-XYZ"),
        ("SECRET-XYZ\n\n", "SECRET-XYZ\n"), (" SECRET XYZ ", " SECRET XYZ "),
    ])
    func trailingNewline(content: String, secret: String) throws {
        let root = try Self.folder(["pw": content])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try SecretStore(credentialsDirectory: nil).load(.file(root + "/pw")).reveal == secret)
    }

    @Test func credentialsComeFromTheCredentialsDirectory() throws {
        let root = try Self.folder(["kannel-password": "SECRET-XYZ\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = SecretStore(environment: ["CREDENTIALS_DIRECTORY": root])
        #expect(try store.load(.credential("kannel-password")).reveal == "SECRET-XYZ")
    }

    @Test("outside systemd a credential is the configuration folder's secrets/NAME; under systemd only $CREDENTIALS_DIRECTORY's")
    func credentialsOutsideSystemd() throws {
        let config = try Self.folder([:])
        defer { try? FileManager.default.removeItem(atPath: config) }
        try FileManager.default.createDirectory(atPath: config + "/secrets", withIntermediateDirectories: true)
        try Data("FROM-CONFIG\n".utf8).write(to: URL(fileURLWithPath: config + "/secrets/kannel-password"))
        let shell = SecretStore(environment: [:], configurationDirectory: config)
        #expect(try shell.load(.credential("kannel-password")).reveal == "FROM-CONFIG")
        #expect { _ = try shell.load(.credential("admin-token")) } throws: {
            "\($0)".contains("\(config)/secrets/admin-token") && "\($0)".contains("does not exist")
        }
        let credentials = try Self.folder(["kannel-password": "FROM-SYSTEMD\n"])
        defer { try? FileManager.default.removeItem(atPath: credentials) }
        let service = SecretStore(environment: ["CREDENTIALS_DIRECTORY": credentials], configurationDirectory: config)
        #expect(try service.load(.credential("kannel-password")).reveal == "FROM-SYSTEMD")
    }

    @Test func errorsNameTheFileNeverTheContent() throws {
        let root = try Self.folder(["empty": "\n", "lines": "# comment\n\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = SecretStore(credentialsDirectory: nil)
        let cases: [(SecretReference, String)] = [
            (.file(root + "/missing"), "does not exist"),
            (.file(root + "/empty"), "is empty"),
            (.file(root), "is a directory"),
            (.credential("kannel-password"), "needs $CREDENTIALS_DIRECTORY"),
            (.credential("../etc/passwd"), "not a valid credential name"),
        ]
        for (reference, problem) in cases {
            #expect {
                _ = try store.load(reference)
            } throws: { error in
                "\(error)".contains(problem) && "\(error)".contains("\(reference)")
            }
        }
        #expect(throws: SecretLoadError.self) { _ = try store.loadLines(.file(root + "/lines")) }
    }

    @Test func severalSecretsOnePerLine() throws {
        let root = try Self.folder(["whsec": "whsec_AAAA\n\n  whsec_BBBB  \n# retired: whsec_CCCC\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let secrets = try SecretStore(credentialsDirectory: nil).loadLines(.file(root + "/whsec"))
        #expect(secrets.map(\.reveal) == ["whsec_AAAA", "whsec_BBBB"])
    }

    @Test func unreadableFileIsReportedAsSuch() throws {
        guard getuid() != 0 else { return }  // root reads anything
        let root = try Self.folder(["locked": "SECRET-XYZ"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: root + "/locked")
        #expect {
            _ = try SecretStore(credentialsDirectory: nil).load(.file(root + "/locked"))
        } throws: { "\($0)".contains("not readable") && !"\($0)".contains("SECRET-XYZ") }
    }
}
