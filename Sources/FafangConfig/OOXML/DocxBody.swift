import Foundation

/// The body of a Word document (`word/document.xml`): its paragraphs and tables, in order.
///
/// A paragraph's text is its runs' text (`w:t`), with `w:tab` as a TAB and `w:br`/`w:cr` as a
/// line break; deleted text, field codes and text boxes are left out, and bookmarks carry no
/// text. A table keeps one cell per `w:tc` with its grid column, its `w:gridSpan` and its
/// `w:vMerge` state, so a reader can choose what a merged cell means. A table inside a cell
/// adds its paragraphs to that cell.
struct DocxBody {
    /// How a cell takes part in a vertical merge.
    enum VerticalMerge: Equatable { case none, restart, `continue` }

    struct Cell: Equatable {
        /// The cell's paragraphs, as written.
        var paragraphs: [String] = []
        /// 0-based column of the table grid the cell starts in.
        var gridColumn = 0
        /// How many grid columns it covers (`w:gridSpan`).
        var span = 1
        var merge = VerticalMerge.none
    }

    struct Table: Equatable {
        var rows: [[Cell]] = []
    }

    enum Block: Equatable {
        case paragraph(String)
        case table(Table)
    }

    var blocks: [Block] = []

    /// Reads the main document part of `package`.
    static func read(_ package: OOXMLPackage) throws(OOXMLError) -> DocxBody {
        let main = try package.relationships(of: "").byType["officeDocument"] ?? "word/document.xml"
        var builder = Builder()
        try XMLEvents.parse(package.data(main), part: main, file: package.file) { event in builder.take(event) }
        return DocxBody(blocks: builder.blocks)
    }

    /// The state of one pass over document.xml.
    private struct Builder {
        var blocks: [Block] = []
        var tableDepth = 0
        var table = Table()
        var row: [Cell]?
        var cell: Cell?
        var nextColumn = 0
        var paragraph: String?
        var inText = false
        /// `w:tab` inside `w:tabs` (paragraph properties) is a tab stop, not a TAB.
        var inTabStops = false
        /// Inside a part whose text is not the paragraph's (text boxes, deleted text, fields).
        var skipping = 0

        static let skipped: Set<String> = ["txbxContent", "delText", "instrText", "del", "moveFrom"]

        mutating func take(_ event: XMLEvents.Event) {
            switch event {
            case let .start(name, attributes):
                if Self.skipped.contains(name) { skipping += 1; return }
                guard skipping == 0 else { return }
                start(name, attributes)
            case let .end(name):
                if Self.skipped.contains(name) { skipping -= 1; return }
                guard skipping == 0 else { return }
                end(name)
            case let .text(text):
                if inText, skipping == 0 { paragraph? += text }
            }
        }

        private mutating func start(_ name: String, _ attributes: [String: String]) {
            switch name {
            case "p": paragraph = ""
            case "t": inText = true
            case "tabs": inTabStops = true
            case "tab" where !inTabStops: paragraph? += "\t"
            case "br", "cr": paragraph? += "\n"
            case "noBreakHyphen": paragraph? += "-"
            case "tbl":
                tableDepth += 1
                if tableDepth == 1 { table = Table() }
            case "tr" where tableDepth == 1:
                row = []
                nextColumn = 0
            case "gridBefore" where tableDepth == 1:
                nextColumn += Int(attributes["val"] ?? "") ?? 0
            case "tc" where tableDepth == 1:
                cell = Cell(gridColumn: nextColumn)
            case "gridSpan" where tableDepth == 1:
                cell?.span = max(1, Int(attributes["val"] ?? "") ?? 1)
            case "vMerge" where tableDepth == 1:
                cell?.merge = attributes["val"] == "restart" ? .restart : .continue
            default: break
            }
        }

        private mutating func end(_ name: String) {
            switch name {
            case "t": inText = false
            case "tabs": inTabStops = false
            case "p":
                guard let text = paragraph else { return }
                paragraph = nil
                if tableDepth == 0 {
                    blocks.append(.paragraph(text))
                } else {
                    cell?.paragraphs.append(text)
                }
            case "tc" where tableDepth == 1:
                if let done = cell {
                    row?.append(done)
                    nextColumn = done.gridColumn + done.span
                }
                cell = nil
            case "tr" where tableDepth == 1:
                if let done = row { table.rows.append(done) }
                row = nil
            case "tbl":
                if tableDepth == 1 { blocks.append(.table(table)) }
                tableDepth -= 1
            default: break
            }
        }
    }
}
