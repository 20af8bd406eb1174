import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A SAX pass over one XML part with FoundationXML's `XMLParser`: each start tag, end tag and
/// run of text goes to a handler as it is read; no tree is built.
///
/// Names and attribute keys lose their namespace prefix (`w:tc` is `tc`, `r:id` is `id`):
/// Office writers pick prefixes freely. External entities are never resolved.
enum XMLEvents {
    enum Event {
        case start(String, [String: String])
        case end(String)
        case text(String)
    }

    /// Parses `data`; a handler that throws stops the parse and its error is thrown.
    static func parse(_ data: Data, part: String, file: String,
                      handler: (Event) throws(OOXMLError) -> Void) throws(OOXMLError) {
        if let line = invalidUTF8Line(data) {
            throw OOXMLError(file: file, problem: .malformedXML(part: part, line: line, message: "not valid UTF-8"))
        }
        try run(XMLParser(data: data), part: part, file: file, handler: handler)
    }

    /// The line of the first byte that is not UTF-8, or nil (also for UTF-16 with a byte order mark,
    /// which libxml2 converts). FoundationXML's parser force-unwraps the UTF-8 of each name and
    /// attribute that libxml2 passes on unchecked, so such bytes would crash it.
    static func invalidUTF8Line(_ data: Data) -> Int? {
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) { return nil }
        var validator = UTF8Validator()
        for byte in data where !validator.take(byte) { return validator.line }
        return validator.isComplete ? nil : validator.line
    }

    /// Parses the XML file at `url` in chunks, for parts too large to hold in memory.
    static func parse(contentsOf url: URL, part: String, file: String,
                      handler: (Event) throws(OOXMLError) -> Void) throws(OOXMLError) {
        guard let stream = InputStream(url: url), let check = InputStream(url: url) else {
            throw OOXMLError(file: file, problem: .unreadable(reason: "cannot read the unpacked \(part)"))
        }
        var validator = UTF8Validator()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        check.open()
        defer { check.close() }
        while true {
            let count = check.read(&buffer, maxLength: buffer.count)
            guard count > 0 else { break }
            if validator.line == 1, validator.bytes == 0, buffer.starts(with: [0xFF, 0xFE]) || buffer.starts(with: [0xFE, 0xFF]) { break }
            for byte in buffer[..<count] where !validator.take(byte) {
                throw OOXMLError(file: file, problem: .malformedXML(part: part, line: validator.line, message: "not valid UTF-8"))
            }
        }
        if !validator.isComplete {
            throw OOXMLError(file: file, problem: .malformedXML(part: part, line: validator.line, message: "not valid UTF-8"))
        }
        try run(XMLParser(stream: stream), part: part, file: file, handler: handler)
    }

    private static func run(_ parser: XMLParser, part: String, file: String,
                            handler: (Event) throws(OOXMLError) -> Void) throws(OOXMLError) {
        try withoutActuallyEscaping(handler) { (escapable) throws(OOXMLError) in
            let delegate = Delegate(handler: escapable)
            parser.delegate = delegate
            parser.shouldProcessNamespaces = false
            parser.shouldResolveExternalEntities = false
            let ok = parser.parse()
            if let failure = delegate.failure { throw failure }
            if !ok {
                let message = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "unreadable"
                throw OOXMLError(file: file, problem: .malformedXML(part: part, line: parser.lineNumber, message: message))
            }
        }
    }

    static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    /// Lives only for one parse, on the parsing thread.
    private final class Delegate: NSObject, XMLParserDelegate {
        let handler: (Event) throws(OOXMLError) -> Void
        var failure: OOXMLError?

        init(handler: @escaping (Event) throws(OOXMLError) -> Void) { self.handler = handler }

        private func send(_ parser: XMLParser, _ event: Event) {
            guard failure == nil else { return }
            do throws(OOXMLError) {
                try handler(event)
            } catch {
                failure = error
                parser.abortParsing()
            }
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String]) {
            var local: [String: String] = [:]
            for (key, value) in attributes { local[XMLEvents.localName(key)] = value }
            send(parser, .start(XMLEvents.localName(elementName), local))
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            send(parser, .end(XMLEvents.localName(elementName)))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            send(parser, .text(string))
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            send(parser, .text(String(decoding: CDATABlock, as: UTF8.self)))
        }
    }
}
