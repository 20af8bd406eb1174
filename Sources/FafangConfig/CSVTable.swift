import Foundation

/// A CSV register read with the line each record starts on, so every problem can name it.
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
        var records: [Row] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quoteLine = 0
        var fieldWasQuoted = false
        var atRecordStart = true
        var skipping = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()

        func endField() {
            fields.append(fieldWasQuoted ? field : field.trimmingCharacters(in: .whitespaces))
            field = ""
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(Row(line: recordLine, fields: fields))
            }
            fields = []
        }

        while let scalar = pending {
            pending = iterator.next()
            if skipping {
                if scalar == "\n" {
                    skipping = false
                    line += 1
                    recordLine = line
                }
                continue
            }
            if atRecordStart {
                atRecordStart = false
                recordLine = line
                if scalar == "#" {
                    skipping = true
                    atRecordStart = true
                    continue
                }
            }
            if inQuotes {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = iterator.next()
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                guard field.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw SyntaxError(line: line, message: "a quote inside an unquoted field (quote the whole field and double the quote)")
                }
                field = ""
                inQuotes = true
                fieldWasQuoted = true
                quoteLine = line
            case ",":
                endField()
            case "\r":
                if pending == "\n" { continue }
                endRecord()
                line += 1
                atRecordStart = true
            case "\n":
                endRecord()
                line += 1
                atRecordStart = true
            default:
                if fieldWasQuoted {
                    if scalar == " " || scalar == "\t" { continue }
                    throw SyntaxError(line: line, message: "text after a closing quote")
                }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes {
            throw SyntaxError(line: quoteLine, message: "a quoted field is never closed")
        }
        if !atRecordStart || !field.isEmpty || !fields.isEmpty { endRecord() }
        guard let first = records.first else {
            throw SyntaxError(line: 1, message: "no header row")
        }
        header = first.fields
        headerLine = first.line
        rows = Array(records.dropFirst())
    }
}
