#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serving one connection: read requests, ask the handler, carry out its reply.
extension LoopbackServer {
    func serve(_ fd: Int32, connection: Int) {
        var buffer: [UInt8] = []
        var sentContinue = false
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { chunk.deallocate() }
        while true {
            switch LoopbackHTTPParser.parse(buffer, connection: connection) {
            case .malformed:
                return
            case let .incomplete(awaitsContinue):
                if awaitsContinue && !sentContinue {
                    sentContinue = true
                    guard send(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
                }
                guard receive(fd, into: &buffer, chunk: chunk) else { return }
            case let .request(request, consumed, keepAlive):
                buffer.removeFirst(consumed)
                sentContinue = false
                update { state in
                    state.statistics.requests += 1
                    if recordsRequests { state.requests.append(request) }
                }
                guard carryOut(handler(request), on: fd, keepAlive: keepAlive, buffer: &buffer, chunk: chunk) else {
                    return
                }
            }
        }
    }

    /// Does what the handler said; false when the connection is to be closed.
    private func carryOut(_ reply: LoopbackReply, on fd: Int32, keepAlive: Bool,
                          buffer: inout [UInt8], chunk: UnsafeMutableRawBufferPointer) -> Bool {
        switch reply {
        case let .respond(response, delay):
            if delay > .zero {
                let milliseconds = delay.components.seconds * 1_000 + delay.components.attoseconds / 1_000_000_000_000_000
                guard LoopbackSocket.wait(for: -1, wake: wake.read, milliseconds: Int32(clamping: milliseconds))
                        == .timedOut else { return false }
            }
            let close = response.closeConnection || !keepAlive
            let head = head(status: response.status, headers: response.headers, length: response.body.count, close: close)
            guard send(fd, head + response.body) else { return false }
            return !close
        case .hold:
            // Until the client hangs up (curl removing the transfer) or the server stops.
            while receive(fd, into: &buffer, chunk: chunk) {}
            return false
        case .close:
            return false
        case let .huge(status, bytes):
            guard send(fd, head(status: status, headers: [], length: bytes, close: !keepAlive)) else { return false }
            let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
            var left = bytes
            while left > 0 {
                let count = min(left, piece.count)
                guard piece.withUnsafeBytes({ LoopbackSocket.sendAll(fd, UnsafeRawBufferPointer(rebasing: $0[0..<count]), wake: wake.read) })
                else { return false }
                left -= count
            }
            return keepAlive
        }
    }

    private func head(status: Int, headers: [LoopbackHeader], length: Int, close: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        text += "Content-Length: \(length)\r\n"
        if close { text += "Connection: close\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { LoopbackSocket.sendAll(fd, $0, wake: wake.read) }
    }

    /// Appends what arrives to `buffer`; false when the peer closed, or on error or stop.
    private func receive(_ fd: Int32, into buffer: inout [UInt8], chunk: UnsafeMutableRawBufferPointer) -> Bool {
        guard LoopbackSocket.wait(for: fd, wake: wake.read) == .ready else { return false }
        let count = recv(fd, chunk.baseAddress, chunk.count, 0)
        guard count > 0 else { return false }
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        return true
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
