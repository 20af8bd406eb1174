import Foundation

/// A CSV text read whole, with the line each record starts on, so every problem can name it.
/// (Registers are not read whole: `CSVRowSource` streams them through the same parser.)
///
/// RFC 4180: comma-separated, `"` quotes a field (`""` inside is one quote), quoted fields may span
/// lines; CRLF or LF. Fields are trimmed of spaces and stray tabs. Blank lines, and lines whose
/// first character is `#` (notes such as "synthetic data"), are skipped. The first remaining
/// record is the header.
public struct CSVTable: Sendable {
    /// One data record.
    public struct Row: Sendable {
        /// 1-based line the record starts on.
        public var line: Int
        public var fields: [String]
    }

    public var header: [String]
    /// 1-based line of the header.
    public var headerLine: Int
    public var rows: [Row]

    /// Why a text is not CSV.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "\(line): \(message)" }
    }

    public init(parsing text: String) throws(SyntaxError) {
        var parser = CSVRowParser()
        var records: [CSVRowParser.Record] = []
        var text = text
        let result: Result<Void, SyntaxError> = text.withUTF8 { bytes in
            var position = 0
            do throws(SyntaxError) {
                while let record = try parser.parse(bytes, from: &position) { records.append(record) }
                if let last = try parser.finish() { records.append(last) }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        guard let first = records.first else {
            throw SyntaxError(line: 1, message: "no header row")
        }
        header = first.fields
        headerLine = first.line
        rows = records.dropFirst().map { Row(line: $0.line, fields: $0.fields) }
    }
}
