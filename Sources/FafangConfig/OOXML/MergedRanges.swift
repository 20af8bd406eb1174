import Foundation

/// The merged ranges of a sheet (`<mergeCells>`), read before its rows so that each row can be
/// given its merged values as it streams past: every cell of a range shows the value of the
/// range's top-left cell (a village name merged down the rows of its households).
///
/// Excel writes `<mergeCells>` after `<sheetData>`, so only the sheet's tail is scanned for it.
struct MergedRanges {
    struct Range: Equatable {
        let top: Int, left: Int, bottom: Int, right: Int
    }

    private(set) var ranges: [Range] = []
    /// The top-left value of each range, once its top row has been read.
    private var values: [Int: String] = [:]
    /// Index of the first range whose top row is still ahead (ranges are sorted by top).
    private var next = 0
    /// Ranges whose rows are being read.
    private var active: [Int] = []

    /// The most columns of a range filled in: a register or goal table is never wider, and a range
    /// across the whole sheet (`A1:XFD1048576`) would otherwise give every row 16,384 cells.
    static let widest = 1_024

    init() {}

    init(ranges: [Range]) {
        self.ranges = ranges.sorted { ($0.top, $0.left) < ($1.top, $1.left) }
    }

    /// The ranges written in the XML after the last `sheetData>`.
    init(tailOf data: Data, part: String, file: String) throws(OOXMLError) {
        let marker = Data("sheetData>".utf8)
        let start = data.range(of: marker, options: .backwards)?.upperBound ?? data.startIndex
        try self.init(ranges: Self.scan(data[start...], part: part, file: file))
    }

    /// The same, reading only the end of the file at `url`.
    init(tailOf url: URL, part: String, file: String) throws(OOXMLError) {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw OOXMLError(file: file, problem: .unreadable(reason: "cannot read the unpacked \(part)"))
        }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        var tail = Data()
        var offset = size
        let marker = Data("sheetData>".utf8)
        while offset > 0 {
            let step = min(offset, 1 << 20)
            offset -= step
            try? handle.seek(toOffset: offset)
            tail = ((try? handle.read(upToCount: Int(step))) ?? Data()) + tail
            if tail.range(of: marker) != nil { break }
        }
        try self.init(tailOf: tail, part: part, file: file)
    }

    /// Every `ref="A1:B3"` of a `mergeCell` element in `bytes`.
    private static func scan(_ bytes: Data, part: String, file: String) throws(OOXMLError) -> [Range] {
        let text = String(decoding: bytes, as: UTF8.self)
        var ranges: [Range] = []
        var rest = Substring(text)
        while let element = rest.range(of: "mergeCell ") ?? rest.range(of: "mergeCell\t") {
            rest = rest[element.upperBound...]
            guard let ref = rest.range(of: "ref=") else { break }
            let afterRef = rest[ref.upperBound...]
            guard let quote = afterRef.first, quote == "\"" || quote == "'" else { continue }
            let body = afterRef.dropFirst().prefix { $0 != quote }
            let corners = body.split(separator: ":").map(String.init)
            guard (1...2).contains(corners.count),
                  let a = XLSXSheetReader.reference(corners[0]),
                  let b = XLSXSheetReader.reference(corners.last ?? corners[0])
            else {
                throw OOXMLError(file: file, problem: .badCellReference(part: part, reference: String(body)))
            }
            ranges.append(Range(top: min(a.row, b.row), left: min(a.column, b.column),
                                bottom: max(a.row, b.row), right: max(a.column, b.column)))
        }
        return ranges
    }

    /// Gives `row` the values of the ranges it lies in.
    mutating func fill(_ row: inout XLSXRow) {
        guard !ranges.isEmpty else { return }
        active.removeAll { ranges[$0].bottom < row.number }
        while next < ranges.count, ranges[next].top <= row.number {
            if ranges[next].bottom >= row.number { active.append(next) }
            if ranges[next].top == row.number, let value = row.cells.first(where: { $0.column == ranges[next].left })?.text {
                values[next] = value
            }
            next += 1
        }
        var added = false
        var present = Set(row.cells.map(\.column))
        for index in active {
            guard let value = values[index] else { continue }
            let range = ranges[index]
            for column in range.left...min(range.right, range.left + Self.widest - 1) where present.insert(column).inserted {
                row.cells.append(XLSXCell(column: column, text: value))
                added = true
            }
        }
        if added { row.cells.sort { $0.column < $1.column } }
    }
}
