import FafangCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real Kannel on 127.0.0.1 for end-to-end tests: bearerbox with a fake SMSC, smsbox with a
/// sendsms user, and `fakesmsc` standing in for the operator's SMSC. All ports are free ports
/// chosen at start; everything is stopped (by the pids it started) in `stop()`.
public final class KannelHarness {
    public static let bearerbox = "/usr/sbin/bearerbox"
    public static let smsbox = "/usr/sbin/smsbox"
    public static let fakesmsc = "/usr/lib/kannel/test/fakesmsc"

    /// Whether the Debian packages kannel and kannel-extras are installed.
    public static var isInstalled: Bool {
        [bearerbox, smsbox, fakesmsc].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether tests with a real Kannel run: where it is installed, and always in CI (which
    /// installs it), where a missing Kannel must fail the test rather than skip it.
    public static var testsRun: Bool { isInstalled || ProcessInfo.processInfo.environment["CI"] != nil }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let directory: String
    let adminPort: Int
    let smsboxPort: Int
    let smscPort: Int
    let sendsmsPort: Int
    public let username = "fafang"
    public let password = "kannel-test-password"
    private var processes: [Process] = []
    private let received = ReceivedMessages()
    /// Where smsbox posts inbound SMS (an `sms-service` with `post-url`, as
    /// `Config/kannel/fafang-mo.conf`); nil: no sms-service, and fakesmsc sends none.
    private var moURL: String?
    /// fakesmsc's standard input, in interactive mode: each line written is one inbound SMS.
    private var moInput: FileHandle?
    /// smsbox's `http-request-retry` and `http-queue-delay` (`Config/kannel/fafang-smsbox.conf`):
    /// how often and how many seconds apart smsbox calls a dlr-url or post-url again when it does
    /// not answer 200 or 202; nil: Kannel's default, never.
    private var retries: (count: Int, delaySeconds: Int)?

    public init() throws {
        directory = NSTemporaryDirectory() + "fafang-kannel-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let ports = try KannelHarness.freePorts(4)
        (adminPort, smsboxPort, smscPort, sendsmsPort) = (ports[0], ports[1], ports[2], ports[3])
    }

    public var sendsmsURL: String { "http://127.0.0.1:\(sendsmsPort)/cgi-bin/sendsms" }

    /// Starts the three processes and waits until the fake SMSC is online in bearerbox.
    /// - Parameters:
    ///   - moURL: the `post-url` of an sms-service taking every inbound SMS (its query as in
    ///     `Config/kannel/fafang-mo.conf`); fakesmsc then runs interactively, and `sendMO` makes
    ///     it send one.
    ///   - retries: smsbox's `http-request-retry` and `http-queue-delay`; nil: none.
    public func start(timeout: TimeInterval = 20, moURL: String? = nil, retries: (count: Int, delaySeconds: Int)? = nil) throws {
        self.moURL = moURL
        self.retries = retries
        let config = directory + "/kannel.conf"
        try configuration.write(toFile: config, atomically: true, encoding: .utf8)
        try launch(KannelHarness.bearerbox, [config], log: "bearerbox.out")
        try waitForPort(smsboxPort, timeout: timeout, what: "bearerbox")
        try launch(KannelHarness.smsbox, [config], log: "smsbox.out")
        try waitForPort(sendsmsPort, timeout: timeout, what: "smsbox")
        let pipe = Pipe()
        if moURL != nil {
            // No message on the command line: fakesmsc reads them from its standard input.
            let input = Pipe()
            moInput = input.fileHandleForWriting
            try launch(KannelHarness.fakesmsc, ["-H", "127.0.0.1", "-r", String(smscPort)], log: nil, output: pipe, input: input)
        } else {
            try launch(KannelHarness.fakesmsc, ["-H", "127.0.0.1", "-r", String(smscPort), "-m", "0", "1 2 text unused"],
                       log: nil, output: pipe)
        }
        let received = self.received
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil } else { received.append(data) }
        }
        try waitUntil(timeout: timeout, what: "the fake SMSC to come online") {
            KannelHarness.get(port: self.adminPort, path: "/status.txt?password=admin-pw").contains("(online")
        }
    }

    /// Makes fakesmsc send an inbound SMS from `sender` to `receiver`, as UCS-2 (what a phone sends
    /// for Chinese): fakesmsc's "ucs2" type, the UTF-16BE bytes URL-encoded.
    public func sendMO(from sender: String, to receiver: String, text: String) throws {
        guard let moInput else { throw Failure(description: "start(moURL:) first") }
        let encoded = text.utf16.map { String(format: "%%%02X%%%02X", $0 >> 8, $0 & 0xFF) }.joined()
        try moInput.write(contentsOf: Data("\(sender) \(receiver) ucs2 \(encoded)\n".utf8))
    }

    /// Stops every process it started (SIGTERM, then SIGKILL after a grace period) and removes its folder.
    public func stop() {
        try? moInput?.close()
        moInput = nil
        for process in processes.reversed() where process.isRunning {
            process.terminate()
        }
        // Kannel's boxes take several seconds to shut down cleanly; a test has no use for that.
        let deadline = Date().addingTimeInterval(1)
        for process in processes.reversed() {
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        processes.removeAll()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Waits for the fake SMSC to receive a message for `to`, and returns its text decoded.
    public func message(to receiver: String, timeout: TimeInterval = 10) throws -> (from: String, text: String) {
        guard let message = received.wait(for: receiver, timeout: timeout) else {
            throw Failure(description: "no message for \(receiver) reached the fake SMSC within \(timeout) s; log: \(log("bearerbox.log").suffix(2000))")
        }
        return message
    }

    /// Waits until the fake SMSC has received `count` messages for `to`; returns their texts in order.
    public func messages(to receiver: String, count: Int, timeout: TimeInterval = 20) throws -> [String] {
        guard let texts = received.wait(for: receiver, count: count, timeout: timeout) else {
            throw Failure(description: "fewer than \(count) messages for \(receiver) reached the fake SMSC within \(timeout) s; smsbox log: \(log("smsbox.log").suffix(2000))")
        }
        return texts
    }

    /// The texts received for `to` so far.
    public func received(for receiver: String) -> [String] { received.texts(for: receiver) }

    public func log(_ name: String) -> String {
        (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
    }

    private var configuration: String {
        """
        group = core
        admin-port = \(adminPort)
        admin-password = admin-pw
        admin-interface = 127.0.0.1
        smsbox-port = \(smsboxPort)
        box-allow-ip = 127.0.0.1
        log-file = "\(directory)/bearerbox.log"
        log-level = 1
        access-log = "\(directory)/access.log"
        dlr-storage = internal

        group = smsc
        smsc = fake
        smsc-id = fake
        port = \(smscPort)
        connect-allow-ip = 127.0.0.1

        group = smsbox
        bearerbox-host = 127.0.0.1
        bearerbox-port = \(smsboxPort)
        sendsms-port = \(sendsmsPort)
        sendsms-interface = 127.0.0.1
        log-file = "\(directory)/smsbox.log"
        log-level = 1
        \(retries.map { "http-request-retry = \($0.count)\nhttp-queue-delay = \($0.delaySeconds)" } ?? "")

        group = sendsms-user
        username = \(username)
        password = \(password)
        max-messages = 10
        concatenation = true

        """ + (moURL.map { url in
            """

            group = sms-service
            keyword = default
            catch-all = true
            max-messages = 0
            omit-empty = true
            concatenation = true
            post-url = "\(url)&id=%I&sender=%p&receiver=%P&time=%t&coding=%c&charset=%C&text=%b"

            """
        } ?? "")
    }

    @discardableResult
    private func launch(_ path: String, _ arguments: [String], log: String?, output: Pipe? = nil, input: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        if let log {
            _ = FileManager.default.createFile(atPath: directory + "/" + log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/" + log))
            process.standardOutput = handle
            process.standardError = handle
        }
        if let output {
            process.standardOutput = output
            process.standardError = output
        }
        if let input { process.standardInput = input }
        try process.run()
        processes.append(process)
        return process
    }

    private func waitForPort(_ port: Int, timeout: TimeInterval, what: String) throws {
        try waitUntil(timeout: timeout, what: "\(what) to listen on port \(port)") { KannelHarness.canConnect(port) }
    }

    /// Polls `condition` every 50 ms until it holds: readiness of an outside process, which
    /// offers nothing to wait on.
    private func waitUntil(timeout: TimeInterval, what: String, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { throw Failure(description: "timed out waiting for \(what)") }
            usleep(50_000)
        }
    }

    /// A plain HTTP/1.0 GET over a socket: the harness does not use the code under test.
    static func get(port: Int, path: String) -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { return "" }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return "" }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        return String(decoding: response, as: UTF8.self)
    }

    static func canConnect(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// `count` distinct ports that were free a moment ago (bound to port 0, then released).
    static func freePorts(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket() failed") }
            sockets.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw Failure(description: "bind() failed") }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}

/// What fakesmsc printed, parsed into messages; concatenated parts are put back together.
/// Waiters are woken as lines arrive. `@unchecked Sendable`: every stored property is guarded by `condition`.
final class ReceivedMessages: @unchecked Sendable {
    /// One line of fakesmsc: a whole message, or one part of a concatenated one.
    struct Part {
        var from: String
        var to: String
        /// Concatenation reference, parts in all, this part's number (1-based); nil for a single message.
        var concatenation: (reference: UInt8, total: UInt8, number: UInt8)?
        var bytes: [UInt8]
        var ucs2: Bool
    }

    private let condition = NSCondition()
    private var buffer = Data()
    private var messages: [(from: String, to: String, text: String)] = []
    private var parts: [String: [UInt8: Part]] = [:]

    func append(_ data: Data) {
        condition.lock()
        defer { condition.unlock() }
        buffer.append(data)
        while let newline = buffer.firstIndex(of: 0x0A) {
            let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
            buffer.removeSubrange(buffer.startIndex...newline)
            guard let part = ReceivedMessages.parse(line) else { continue }
            guard let concatenation = part.concatenation else {
                messages.append((part.from, part.to, ReceivedMessages.text(part.bytes, ucs2: part.ucs2)))
                continue
            }
            let key = "\(part.to)/\(concatenation.reference)"
            parts[key, default: [:]][concatenation.number] = part
            if let collected = parts[key], collected.count == Int(concatenation.total) {
                let bytes = collected.keys.sorted().flatMap { collected[$0]?.bytes ?? [] }
                messages.append((part.from, part.to, ReceivedMessages.text(bytes, ucs2: part.ucs2)))
                parts[key] = nil
            }
        }
        condition.broadcast()
    }

    func wait(for receiver: String, count: Int, timeout: TimeInterval) -> [String]? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            let texts = messages.filter { $0.to == receiver }.map(\.text)
            if texts.count >= count { return texts }
            if !condition.wait(until: deadline) { return nil }
        }
    }

    func texts(for receiver: String) -> [String] {
        condition.lock()
        defer { condition.unlock() }
        return messages.filter { $0.to == receiver }.map(\.text)
    }

    func wait(for receiver: String, timeout: TimeInterval) -> (from: String, text: String)? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let found = messages.first(where: { $0.to == receiver }) { return (found.from, found.text) }
            if !condition.wait(until: deadline) { return nil }
        }
    }

    /// `… Got message 1: <95555 17000000001 ucs-2 0%10%94…>` for a single message (UCS-2 big-endian,
    /// URL-encoded), or `<95555 17000000001 udh %05%00%03%RR%TT%NN data …>` for a part of a
    /// concatenated one (UDH: reference RR, total TT, number NN); `text` messages are UTF-8.
    static func parse(_ line: String) -> Part? {
        guard let start = line.range(of: "Got message "), let open = line[start.upperBound...].firstIndex(of: "<"),
              let close = line.lastIndex(of: ">"), open < close
        else { return nil }
        let fields = line[line.index(after: open)..<close].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 4 else { return nil }
        if fields[2] == "udh", fields.count >= 6 {
            let header = PercentDecoding.bytes(fields[3])
            guard header.count >= 6, header[1] == 0x00 else { return nil }
            // Concatenated parts of a Chinese text are UCS-2 (coding=2); fakesmsc labels them "data".
            return Part(from: fields[0], to: fields[1], concatenation: (header[3], header[4], header[5]),
                        bytes: PercentDecoding.bytes(fields[5]), ucs2: true)
        }
        return Part(from: fields[0], to: fields[1], concatenation: nil, bytes: PercentDecoding.bytes(fields[3]),
                    ucs2: fields[2] == "ucs-2" || fields[2] == "ucs2")
    }

    static func text(_ bytes: [UInt8], ucs2: Bool) -> String {
        guard ucs2 else { return String(decoding: bytes, as: UTF8.self) }
        guard bytes.count % 2 == 0 else { return "<odd UCS-2 length \(bytes.count)>" }
        let units = stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        return String(decoding: units, as: UTF16.self)
    }
}
