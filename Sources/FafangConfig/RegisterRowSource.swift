/// One row of a register file as its source read it: the cell texts, and the line it is on.
struct RegisterRow: Sendable {
    /// Something the source found wrong in the row itself (a workbook's value in a column with
    /// no heading): an error of the row, which the reader reports with it.
    struct Problem: Sendable {
        var message: String
        var place: String?
    }

    /// 1-based line (CSV), or row number (a sheet): diagnostics are named and ordered by it.
    var line: Int
    /// The cells in column order, trimmed as the format trims them.
    var cells: [String]
    var problems: [Problem] = []
}

/// Why a register file cannot be read (on), located as a diagnostic names it: line 0 for the
/// file as a whole.
struct RegisterSourceError: Error, Sendable {
    var line: Int
    var message: String
    /// `header` when the file has no heading row; usually empty.
    var keyPath = ""
    var place: String?

    init(line: Int, message: String, keyPath: String = "", place: String? = nil) {
        self.line = line
        self.message = message
        self.keyPath = keyPath
        self.place = place
    }

    init(_ failure: TextFile.Failure) {
        var line = 0
        if case let .notText(_, at) = failure { line = at }
        self.init(line: line, message: failure.reason)
    }
}

/// The rows of a register file, one at a time, the header first: what `RegisterReader` reads
/// every register and bank file through, whatever the file's format.
///
/// A text source never holds the file whole. `next()` throws when the file turns out unreadable
/// partway (a CSV quote never closed, a GB18030 file that is not): the reader then reports that
/// alone, dropping what it had found in the rows before, as if the file had been read whole
/// first. A source leaves out rows that are not data (CSV's blank and `#` lines).
protocol RegisterRowSource {
    /// The next row (the first one is the header); nil after the last.
    mutating func next() throws(RegisterSourceError) -> RegisterRow?

    /// How a diagnostic names a cell (`column`, 0-based) of the row on `line`, or the row itself
    /// (`column` nil), when the line does not say it: `"殷官屯村!D14"` in a workbook. Nil names
    /// it by its line (`file:14:`), as CSV does.
    func place(line: Int, column: Int?) -> String?
}

extension RegisterRowSource {
    func place(line: Int, column: Int?) -> String? { nil }
}

/// Opens a register or bank file as rows: the one place that picks a source by the file's
/// kind (its name: `OfficeFile.kind`).
enum RegisterSources {
    /// - Parameters:
    ///   - sheet: a workbook's sheet (nil: its first); ignored for text files.
    ///   - columns: the register's columns, by which a workbook's heading row is found.
    static func open(_ path: String, sheet: String?, columns: RegisterColumns) throws(RegisterSourceError) -> any RegisterRowSource {
        if OfficeFile.kind(of: path) == .workbook { return try WorkbookRowSource(path: path, sheet: sheet, columns: columns) }
        do {
            return try CSVRowSource(path: path)
        } catch {
            throw RegisterSourceError(error)
        }
    }
}
