import Foundation

/// CSV records out of UTF-8 text fed in pieces, one record at a time, each with the line it
/// starts on: the rules `CSVTable` documents, on bytes (every character that matters to CSV is
/// ASCII, so a multi-byte character never looks like one).
///
/// Feed each piece with `parse(_:from:)` until it is used up, then call `finish()` once.
struct CSVRowParser {
    /// One record, blank ones left out.
    struct Record {
        var line: Int
        var fields: [String]
    }

    private var line = 1
    private var recordLine = 1
    private var inQuotes = false
    private var quoteLine = 0
    private var fieldWasQuoted = false
    private var atRecordStart = true
    private var skipping = false
    /// A `"` seen inside quotes: a doubled quote or the closing one, as the next byte tells.
    private var quoteInQuotes = false
    /// A CR seen: a line break of its own unless an LF follows.
    private var carriageReturn = false
    private var field: [UInt8] = []
    private var fields: [String] = []

    /// Reads `bytes` from `position` until a record ends (returned, `position` just past it) or
    /// the bytes are used up (nil).
    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, from position: inout Int) throws(CSVTable.SyntaxError) -> Record? {
        let end = bytes.count
        while position < end {
            let byte = bytes[position]
            if carriageReturn {
                carriageReturn = false
                if byte != 0x0A {
                    // Ends the record; this byte is read afresh after it.
                    let record = endRecord()
                    line += 1
                    atRecordStart = true
                    if let record { return record }
                    continue
                }
            }
            if quoteInQuotes {
                quoteInQuotes = false
                if byte == 0x22 {
                    field.append(0x22)
                    position += 1
                    continue
                }
                inQuotes = false
            }
            position += 1
            if skipping {
                if byte == 0x0A {
                    skipping = false
                    line += 1
                    recordLine = line
                }
                continue
            }
            if atRecordStart {
                atRecordStart = false
                recordLine = line
                if byte == 0x23 {  // #
                    skipping = true
                    atRecordStart = true
                    continue
                }
            }
            if inQuotes {
                if byte == 0x22 {
                    quoteInQuotes = true
                } else {
                    // Up to the next quote at once.
                    var runEnd = position
                    while runEnd < end, bytes[runEnd] != 0x22 { runEnd += 1 }
                    let run = UnsafeBufferPointer(rebasing: bytes[(position - 1)..<runEnd])
                    line += run.count { $0 == 0x0A }
                    field.append(contentsOf: run)
                    position = runEnd
                }
                continue
            }
            switch byte {
            case 0x22:
                guard isBlank(field) else {
                    throw CSVTable.SyntaxError(line: line, message: "a quote inside an unquoted field (quote the whole field and double the quote)")
                }
                field.removeAll(keepingCapacity: true)
                inQuotes = true
                fieldWasQuoted = true
                quoteLine = line
            case 0x2C:
                endField()
            case 0x0D:
                carriageReturn = true
            case 0x0A:
                let record = endRecord()
                line += 1
                atRecordStart = true
                if let record { return record }
            default:
                if fieldWasQuoted {
                    if byte == 0x20 || byte == 0x09 { continue }
                    throw CSVTable.SyntaxError(line: line, message: "text after a closing quote")
                }
                // Up to the next byte that means something, at once.
                var runEnd = position
                while runEnd < end {
                    let next = bytes[runEnd]
                    if next == 0x2C || next == 0x22 || next == 0x0D || next == 0x0A { break }
                    runEnd += 1
                }
                field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(position - 1)..<runEnd]))
                position = runEnd
            }
        }
        return nil
    }

    /// At the end of the text: the last record, if one is still open.
    mutating func finish() throws(CSVTable.SyntaxError) -> Record? {
        if quoteInQuotes {
            quoteInQuotes = false
            inQuotes = false
        }
        if inQuotes {
            throw CSVTable.SyntaxError(line: quoteLine, message: "a quoted field is never closed")
        }
        if carriageReturn {
            carriageReturn = false
            let record = endRecord()
            line += 1
            atRecordStart = true
            return record
        }
        if !atRecordStart || !field.isEmpty || !fields.isEmpty { return endRecord() }
        return nil
    }

    private mutating func endField() {
        fields.append(fieldWasQuoted ? String(decoding: field, as: UTF8.self) : Self.trimmed(field))
        field.removeAll(keepingCapacity: true)
        fieldWasQuoted = false
    }

    private mutating func endRecord() -> Record? {
        endField()
        let record = fields.count == 1 && fields[0].isEmpty ? nil : Record(line: recordLine, fields: fields)
        fields.removeAll(keepingCapacity: true)
        return record
    }

    /// The field without the spaces and tabs around it, nor the other Unicode spaces
    /// (`CharacterSet.whitespaces`: U+3000, U+00A0…), which Foundation trims.
    private static func trimmed(_ bytes: [UInt8]) -> String {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        guard start < end, mayBeSpace(bytes, at: start) || mayBeSpace(bytes, at: Self.scalarStart(bytes, before: end)) else { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// Whether the scalar starting at `index` could be one of Unicode's spaces beyond ASCII: it is
    /// in Latin-1 (U+0085, U+00A0), U+1680, U+180E, General Punctuation (U+2000–U+206F) or
    /// U+3000, U+FEFF. Chinese text ends in none of them: Foundation is asked only then.
    private static func mayBeSpace(_ bytes: [UInt8], at index: Int) -> Bool {
        let lead = bytes[index]
        guard lead >= 0x80 else { return false }
        let next = index + 1 < bytes.count ? bytes[index + 1] : 0
        switch lead {
        case 0xC2, 0xC3: return true                      // U+0080–U+00FF
        case 0xE1: return next == 0x9A || next == 0xA0    // U+1680–U+16BF, U+1800–U+183F
        case 0xE2: return next == 0x80 || next == 0x81    // U+2000–U+207F
        case 0xE3: return next == 0x80                    // U+3000–U+303F
        case 0xEF: return next == 0xBB                    // U+FEC0–U+FEFF
        default: return false
        }
    }

    /// Where the scalar that ends just before `end` starts (back over continuation bytes).
    private static func scalarStart(_ bytes: [UInt8], before end: Int) -> Int {
        var index = end - 1
        while index > 0, bytes[index] & 0xC0 == 0x80 { index -= 1 }
        return index
    }

    /// Whether the text before an opening quote is only white space (it is dropped).
    private func isBlank(_ bytes: [UInt8]) -> Bool {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
        // Some character that is not white space at either end: not blank.
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }), Self.mayBeSpace(bytes, at: first) else { return false }
        guard bytes.contains(where: { $0 >= 0x80 }) else { return false }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces).isEmpty
    }
}
