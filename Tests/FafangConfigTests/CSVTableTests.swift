@testable import FafangConfig
import Testing

@Suite("CSV registers")
struct CSVTableTests {
    @Test func quotedFieldsAndLines() throws {
        let table = try CSVTable(parsing: "# note\nid,name\r\n1,\"王, 一\"\n\n2,\"multi\nline \"\"quoted\"\"\"\n3,  spaced\t \n")
        #expect(table.header == ["id", "name"])
        #expect(table.headerLine == 2)
        #expect(table.rows.map(\.line) == [3, 5, 7])
        #expect(table.rows.map { $0.fields[1] } == ["王, 一", "multi\nline \"quoted\"", "spaced"])
    }

    @Test func unclosedQuoteNamesItsLine() {
        #expect(throws: CSVTable.SyntaxError.self) { try CSVTable(parsing: "a,b\n1,\"open\n2,3\n") }
        do {
            _ = try CSVTable(parsing: "a,b\n1,\"open\n2,3\n")
        } catch {
            #expect(error.line == 2)
        }
    }

    @Test func strayQuote() {
        #expect(throws: CSVTable.SyntaxError.self) { try CSVTable(parsing: "a,b\n1,ab\"c\n") }
    }
}

@Suite("TOML line index")
struct TOMLLineIndexTests {
    @Test func mapsKeyPathsToLines() {
        let index = TOMLLineIndex(text: """
        code = "X"  # comment with = sign
        goals = [
          "one, with comma",
          "two",
        ]
        [budget]
        total_wan = "1"
        [[plan]]
        deadline = 2021-03-31
        [[plan]]
        deadline = 2021-12-31
        [endpoints."robot-a"]
        kind = "dingtalk"
        tags = ["a", "b"]
        """)
        #expect(index.line(for: "code") == 1)
        #expect(index.line(for: "goals") == 2)
        #expect(index.line(for: "goals[0]") == 3)
        #expect(index.line(for: "goals[1]") == 4)
        #expect(index.line(for: "budget.total_wan") == 7)
        #expect(index.line(for: "plan[0].deadline") == 9)
        #expect(index.line(for: "plan[1].deadline") == 11)
        #expect(index.line(for: "plan[1].cumulative_percent") == 10)
        #expect(index.line(for: "endpoints.robot-a.kind") == 13)
        #expect(index.line(for: "endpoints.robot-a.tags[1]") == 14)
        #expect(index.line(for: "nothing.here") == 0)
    }
}
