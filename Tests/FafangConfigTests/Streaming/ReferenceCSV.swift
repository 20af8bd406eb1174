@testable import FafangConfig
import Foundation

/// The CSV reader as it was before registers were streamed (main at 926d7c8, character by
/// character over the decoded text), kept verbatim as the reference the streamed reader must
/// agree with on every input.
struct ReferenceCSV {
    struct Row: Equatable {
        var line: Int
        var fields: [String]
    }

    var header: [String]
    var headerLine: Int
    var rows: [Row]

    init(parsing text: String) throws(CSVTable.SyntaxError) {
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
                    throw CSVTable.SyntaxError(line: line, message: "a quote inside an unquoted field (quote the whole field and double the quote)")
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
                    throw CSVTable.SyntaxError(line: line, message: "text after a closing quote")
                }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes {
            throw CSVTable.SyntaxError(line: quoteLine, message: "a quoted field is never closed")
        }
        if !atRecordStart || !field.isEmpty || !fields.isEmpty { endRecord() }
        guard let first = records.first else {
            throw CSVTable.SyntaxError(line: 1, message: "no header row")
        }
        header = first.fields
        headerLine = first.line
        rows = Array(records.dropFirst())
    }
}
