import FafangCore
import Foundation
import TOMLKit

/// A parsed TOML document with what is needed to report problems in it.
final class TOMLSource {
    let file: String
    let index: TOMLLineIndex
    let root: TOMLTable
    let report: ReportBox

    /// Parses `text`; a syntax error is reported (with TOMLKit's line) and gives nil.
    init?(file: String, text: String, report: ReportBox) {
        self.file = file
        self.report = report
        if let line = TOMLHeaderCheck.firstBadHeader(in: text) {
            report.log.error(file, line, "", "TOML syntax: a table header must start with a key (a letter, digit, _ or -, or a quoted key)")
            return nil
        }
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            report.log.error(file, error.source.begin.line, "", "TOML syntax: \(error.description)")
            return nil
        } catch {
            report.log.error(file, 0, "", "TOML syntax: \(error)")
            return nil
        }
        index = TOMLLineIndex(text: text)
    }

    func line(_ path: String) -> Int { index.line(for: path) }
    func error(_ path: String, _ message: String) { report.log.error(file, line(path), path, message) }
    func warning(_ path: String, _ message: String) { report.log.warning(file, line(path), path, message) }

    var fields: TOMLFields { TOMLFields(table: root, path: "", source: self) }
}

/// A mutable holder for the diagnostics of one load, shared by the readers of its files.
final class ReportBox {
    var log = DiagnosticLog()
}

/// Typed, reported access to the keys of one TOML table. Every key read is remembered, and
/// `finish()` reports the ones nobody asked for as unknown, so a misspelt key never passes silently.
final class TOMLFields {
    let table: TOMLTable
    let path: String
    let source: TOMLSource
    private var used: Set<String> = []

    init(table: TOMLTable, path: String, source: TOMLSource) {
        self.table = table
        self.path = path
        self.source = source
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    func error(_ key: String, _ message: String) { source.error(keyPath(key), message) }
    func warning(_ key: String, _ message: String) { source.warning(keyPath(key), message) }
    var line: Int { source.line(path) }

    private func value(_ key: String, required: Bool, expected: String) -> TOMLValueConvertible? {
        used.insert(key)
        guard let value = table[key] else {
            if required {
                source.report.log.error(source.file, source.line(path), keyPath(key), "missing (\(expected))")
            }
            return nil
        }
        return value
    }

    func has(_ key: String) -> Bool { table.contains(key: key) }

    /// The raw value of an optional key (marked as read), for shapes the typed readers do not cover.
    func value(_ key: String) -> TOMLValueConvertible? { value(key, required: false, expected: "") }

    func string(_ key: String, required: Bool = true, allowEmpty: Bool = false) -> String? {
        guard let value = value(key, required: required, expected: "a string") else { return nil }
        guard let text = value.string else {
            error(key, "must be a string (got \(value.type))")
            return nil
        }
        if !allowEmpty, text.trimmingCharacters(in: .whitespaces).isEmpty {
            error(key, "must not be empty")
            return nil
        }
        return text
    }

    func int(_ key: String, required: Bool = true, range: ClosedRange<Int>? = nil) -> Int? {
        guard let value = value(key, required: required, expected: "a whole number") else { return nil }
        guard let number = value.int else {
            error(key, "must be a whole number (got \(value.type))")
            return nil
        }
        if let range, !range.contains(number) {
            error(key, "must be between \(range.lowerBound) and \(range.upperBound) (got \(number))")
            return nil
        }
        return number
    }

    func bool(_ key: String, required: Bool = true) -> Bool? {
        guard let value = value(key, required: required, expected: "true or false") else { return nil }
        guard let flag = value.bool else {
            error(key, "must be true or false (got \(value.type))")
            return nil
        }
        return flag
    }

    /// An exact decimal written as a string ("594.00") or a whole number, parsed by `parse`.
    /// Floats are refused: 0.1 is not exact in binary.
    func decimal<T>(_ key: String, required: Bool = true, what: String,
                    _ parse: (String) throws(Money.ParseError) -> T) -> T? {
        guard let value = value(key, required: required, expected: what) else { return nil }
        let text: String
        if let string = value.string {
            text = string
        } else if let int = value.int {
            text = String(int)
        } else if value.double != nil {
            error(key, "write \(what) as a string such as \"594.00\": floating-point numbers are not exact")
            return nil
        } else {
            error(key, "must be \(what) (got \(value.type))")
            return nil
        }
        do {
            return try parse(text)
        } catch {
            self.error(key, error.description)
            return nil
        }
    }

    func money(_ key: String, required: Bool = true, wan: Bool = false, allowNegative: Bool = false) -> Money? {
        let parsed = decimal(key, required: required, what: wan ? "an amount in 万元" : "an amount in 元") { text throws(Money.ParseError) in
            wan ? try Money.parseWan(text) : try Money.parseYuan(text)
        }
        if let parsed, parsed.fen < 0, !allowNegative {
            error(key, "must not be negative (got \(parsed.yuanString) 元)")
            return nil
        }
        return parsed
    }

    /// A TOML local date, or a string "YYYY-MM-DD".
    func date(_ key: String, required: Bool = true) -> CivilDate? {
        guard let value = value(key, required: required, expected: "a date YYYY-MM-DD") else { return nil }
        if let date = value.date {
            if let civil = CivilDate(year: date.year, month: date.month, day: date.day) { return civil }
        } else if let text = value.string, let civil = CivilDate(iso: text) {
            return civil
        }
        error(key, "must be a date YYYY-MM-DD (got \(value.debugDescription))")
        return nil
    }

    func strings(_ key: String, required: Bool = true) -> [String]? {
        guard let value = value(key, required: required, expected: "a list of strings") else { return nil }
        guard let array = value.array else {
            error(key, "must be a list of strings (got \(value.type))")
            return nil
        }
        var result: [String] = []
        for (index, element) in array.enumerated() {
            guard let text = element.string else {
                source.error("\(keyPath(key))[\(index)]", "must be a string (got \(element.type))")
                return nil
            }
            result.append(text)
        }
        return result
    }

    func table(_ key: String, required: Bool = true) -> TOMLFields? {
        guard let value = value(key, required: required, expected: "a table [\(keyPath(key))]") else { return nil }
        guard let table = value.table else {
            error(key, "must be a table (got \(value.type))")
            return nil
        }
        return TOMLFields(table: table, path: keyPath(key), source: source)
    }

    /// The sub-tables of a table, by name, in file order.
    func namedTables() -> [(name: String, fields: TOMLFields)] {
        var result: [(String, TOMLFields)] = []
        for key in table.keys {
            used.insert(key)
            guard let sub = table[key]?.table else {
                error(key, "must be a table")
                continue
            }
            result.append((key, TOMLFields(table: sub, path: keyPath(key), source: source)))
        }
        return result.sorted { source.line($0.1.path) < source.line($1.1.path) }
    }

    /// An array of tables `[[key]]`.
    func tables(_ key: String, required: Bool = true) -> [TOMLFields]? {
        guard let value = value(key, required: required, expected: "one or more [[\(keyPath(key))]] tables") else { return nil }
        guard let array = value.array else {
            error(key, "must be an array of tables [[\(keyPath(key))]] (got \(value.type))")
            return nil
        }
        var result: [TOMLFields] = []
        for (index, element) in array.enumerated() {
            guard let table = element.table else {
                source.error("\(keyPath(key))[\(index)]", "must be a table (got \(element.type))")
                continue
            }
            result.append(TOMLFields(table: table, path: "\(keyPath(key))[\(index)]", source: source))
        }
        return result
    }

    /// Reports every key of this table that was never read.
    func finish() {
        for key in table.keys where !used.contains(key) {
            error(key, "unknown key")
        }
    }
}
