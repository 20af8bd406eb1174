/// Reads HTTP/1.1 requests out of the bytes a connection received: the request line, headers,
/// and a body framed by `Content-Length` or `Transfer-Encoding: chunked`.
struct LoopbackHTTPParser {
    enum Result {
        /// A whole request, and how many bytes of the buffer it used.
        case request(LoopbackRequest, consumed: Int, keepAlive: Bool)
        /// More bytes are needed. `awaitsContinue` when the headers are in, ask for
        /// `Expect: 100-continue`, and the body has not started.
        case incomplete(awaitsContinue: Bool)
        /// Not HTTP this server understands; the connection should be closed.
        case malformed
    }

    private struct Head {
        var method: String
        var target: String
        var version: String
        var headers: [LoopbackHeader]
        var bodyStart: Int
    }

    /// Parses the first request in `buffer`.
    static func parse(_ buffer: [UInt8], connection: Int) -> Result {
        // A method starts with a letter; anything else (a TLS ClientHello: 0x16) is not for us.
        if let first = buffer.first, !(0x41...0x5A).contains(first) && !(0x61...0x7A).contains(first) {
            return .malformed
        }
        guard let headEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: buffer, from: 0) else {
            return buffer.count > 64 * 1024 ? .malformed : .incomplete(awaitsContinue: false)
        }
        guard let head = parseHead(buffer[0..<headEnd], bodyStart: headEnd + 4) else { return .malformed }
        let headers = head.headers
        func value(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }

        var body: [UInt8] = []
        var end = head.bodyStart
        if let encoding = value("transfer-encoding"), encoding.lowercased().contains("chunked") {
            switch dechunk(buffer, from: head.bodyStart) {
            case let .some(.some((decoded, next))):
                body = decoded
                end = next
            case .some(.none):
                return .malformed
            case .none:
                return .incomplete(awaitsContinue: expectsContinue(value("expect")) && buffer.count == head.bodyStart)
            }
        } else if let lengthText = value("content-length") {
            guard let length = Int(lengthText), length >= 0 else { return .malformed }
            if buffer.count - head.bodyStart < length {
                return .incomplete(awaitsContinue: expectsContinue(value("expect")) && buffer.count == head.bodyStart)
            }
            body = Array(buffer[head.bodyStart..<(head.bodyStart + length)])
            end = head.bodyStart + length
        }

        let (path, query) = splitTarget(head.target)
        let connectionHeader = value("connection")?.lowercased()
        let keepAlive = head.version == "HTTP/1.0" ? connectionHeader == "keep-alive" : connectionHeader != "close"
        let request = LoopbackRequest(method: head.method, path: path, query: query, headers: headers,
                                      body: body, connection: connection)
        return .request(request, consumed: end, keepAlive: keepAlive)
    }

    private static func parseHead(_ bytes: ArraySlice<UInt8>, bodyStart: Int) -> Head? {
        var lines = split(bytes)
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: 0x20)
        guard requestLine.count == 3 else { return nil }
        var headers: [LoopbackHeader] = []
        for line in lines {
            guard let colon = line.firstIndex(of: 0x3A) else { return nil }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self)
            headers.append(LoopbackHeader(name, value.trimmingSpaces))
        }
        return Head(method: String(decoding: requestLine[0], as: UTF8.self),
                    target: String(decoding: requestLine[1], as: UTF8.self),
                    version: String(decoding: requestLine[2], as: UTF8.self),
                    headers: headers, bodyStart: bodyStart)
    }

    /// nil: incomplete; .some(nil): malformed; else the body and the index after the trailer.
    private static func dechunk(_ buffer: [UInt8], from start: Int) -> ([UInt8], Int)?? {
        var body: [UInt8] = []
        var index = start
        while true {
            guard let lineEnd = find([0x0D, 0x0A], in: buffer, from: index) else { return nil }
            let sizeText = String(decoding: buffer[index..<lineEnd], as: UTF8.self)
                .split(separator: ";", maxSplits: 1).first.map(String.init)?.trimmingSpaces ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { return .some(nil) }
            index = lineEnd + 2
            if size == 0 {
                // Trailer fields, then an empty line.
                while true {
                    guard let trailerEnd = find([0x0D, 0x0A], in: buffer, from: index) else { return nil }
                    let empty = trailerEnd == index
                    index = trailerEnd + 2
                    if empty { return .some((body, index)) }
                }
            }
            guard buffer.count >= index + size + 2 else { return nil }
            body.append(contentsOf: buffer[index..<(index + size)])
            index += size + 2
        }
    }

    private static func expectsContinue(_ expect: String?) -> Bool {
        expect?.lowercased() == "100-continue"
    }

    private static func splitTarget(_ target: String) -> (String, String?) {
        guard let mark = target.firstIndex(of: "?") else { return (target, nil) }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }

    private static func split(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var index = start
        while index < bytes.endIndex {
            if bytes[index] == 0x0D, index + 1 < bytes.endIndex, bytes[index + 1] == 0x0A {
                lines.append(bytes[start..<index])
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        lines.append(bytes[start..<bytes.endIndex])
        return lines
    }

    /// The index where `pattern` starts in `buffer` at or after `from`.
    static func find(_ pattern: [UInt8], in buffer: [UInt8], from: Int) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        var index = from
        let last = buffer.count - pattern.count
        while index <= last {
            if buffer[index] == pattern[0] {
                var match = true
                for offset in 1..<pattern.count where buffer[index + offset] != pattern[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
