import FafangCore
import Foundation

/// Reads payee registers and bank files (CSV, UTF-8 or GB18030, or an Excel workbook) into Core
/// types, a row at a time from a `RegisterRowSource`. A row with any problem is reported with
/// its line (a workbook's: sheet and cell) and left out whole; nothing is half-read.
///
/// The problems of one file come out as when the file was read whole before its rows: a file
/// unreadable partway reports that alone; rows with the wrong number of cells come first.
struct RegisterReader {
    let file: String
    var log: DiagnosticLog
    /// Set when the file could not be read to its end: whatever its rows gave must be dropped.
    private(set) var failed = false
    private var source: (any RegisterRowSource)?
    private var header: [String] = []
    private var positions: [String: Int] = [:]
    /// Where this file's diagnostics begin in `log`.
    private var mark = 0
    private var shapeProblems: [Diagnostic] = []
    private var ended = false

    /// The sheet of a workbook register (`[payees] register_sheet`); nil for the first sheet.
    let sheet: String?

    /// - Parameter source: the rows to read (tests); nil opens `file` by its kind (`RegisterSources`).
    init(file: String, log: DiagnosticLog, sheet: String? = nil, source: (any RegisterRowSource)? = nil) {
        self.file = file
        self.log = log
        self.sheet = sheet
        self.source = source
    }

    /// A column of the register, as this file has it.
    struct Field {
        let key: String
        /// The column's position in the file; nil when the file leaves the column out.
        let position: Int?
    }

    /// The cells of one row, with the row's line.
    struct Cells {
        let line: Int
        let values: [String]
        subscript(field: Field) -> String { field.position.map { values[$0] } ?? "" }
    }

    /// Opens the file and checks its header; false (with the problems logged) when its rows
    /// cannot be read.
    mutating func open(_ columns: RegisterColumns) -> Bool {
        mark = log.entries.count
        do {
            if source == nil { source = try RegisterSources.open(file, sheet: sheet, columns: columns) }
            guard let first = try source?.next() else {
                log.error(file, 1, "", "no header row")
                failed = true
                return false
            }
            let source = self.source
            guard let matched = columns.match(first.cells, file: file, line: first.line, log: &log,
                                              place: { source?.place(line: first.line, column: $0) })
            else {
                // Its rows are not read; but a file unreadable further on is reported by that alone.
                while try self.source?.next() != nil {}
                failed = true
                return false
            }
            header = first.cells
            positions = matched
            mark = log.entries.count
            return true
        } catch {
            fail(error)
            return false
        }
    }

    func field(_ key: String) -> Field { Field(key: key, position: positions[key]) }

    /// The next row with as many cells as the header; nil at the end, or when the file turned
    /// out unreadable (`failed`).
    mutating func next() -> Cells? {
        guard !failed, !ended, source != nil else { return nil }
        while true {
            let row: RegisterRow?
            do {
                row = try source?.next()
            } catch {
                fail(error)
                return nil
            }
            guard let row else {
                log.insert(shapeProblems, at: mark)
                shapeProblems = []
                ended = true
                return nil
            }
            // A source's own findings about the row (a workbook's value under no heading) come
            // first with the rows of the wrong width, as when the file was read before its rows.
            shapeProblems += row.problems.map {
                Diagnostic(file: file, line: row.line, keyPath: "", message: $0.message, place: $0.place)
            }
            guard row.cells.count == header.count else {
                shapeProblems.append(Diagnostic(file: file, line: row.line, keyPath: "",
                                                message: "has \(row.cells.count) fields, the header has \(header.count)",
                                                place: source?.place(line: row.line, column: nil)))
                continue
            }
            return Cells(line: row.line, values: row.cells)
        }
    }

    /// Drops what this file's rows gave and reports why it cannot be read.
    private mutating func fail(_ error: RegisterSourceError) {
        log.truncate(to: mark)
        shapeProblems = []
        log.error(file, error.line, error.keyPath, error.message, place: error.place)
        failed = true
        source = nil
    }

    /// How a diagnostic about the whole row names it (a workbook's first column: `代发结果!A3`);
    /// nil for text files, named by line.
    func place(of cells: Cells) -> String? { source?.place(line: cells.line, column: nil) }

    mutating func error(_ cells: Cells, _ field: Field, _ message: String) {
        log.error(file, cells.line, field.key, message, place: source?.place(line: cells.line, column: field.position))
    }

    mutating func warning(_ cells: Cells, _ field: Field, _ message: String) {
        log.warning(file, cells.line, field.key, message, place: source?.place(line: cells.line, column: field.position))
    }
}
