import FafangCore

/// Ids seen so far in one register, with the line each was first on (a county's million, packed).
struct SeenIDs {
    private var ids = PackedStrings(indexed: true)
    private var lines: [Int] = []

    /// Records `id` on `line`; the line it was first seen on when it was seen before.
    mutating func firstLine(of id: String, line: Int) -> Int? {
        let (inserted, position) = ids.insert(id)
        guard inserted else { return lines[position] }
        lines.append(line)
        return nil
    }

    /// The line `id` was first on, without recording it.
    func line(of id: String) -> Int? { ids.position(of: id).map { lines[$0] } }

    var all: Set<String> { Set((0..<ids.count).map { ids[$0] }) }
}

/// The ids of a payee register being read, without a second index: the payees accepted are
/// found by the register's own, with the line each came from; the ids of rows refused are kept
/// aside (a later row with the same id is still a duplicate of the first).
struct PayeeIDs {
    private var lines: [Int] = []
    private var refused = SeenIDs()

    /// The line `id` was first on, nil when it is new.
    func firstLine(of id: String, in register: PayeeRegister) -> Int? {
        if let position = register.position(of: id) { return lines[position] }
        return refused.line(of: id)
    }

    /// The row on `line` became the register's next payee.
    mutating func accepted(line: Int) { lines.append(line) }

    /// The row on `line`, with a new id, was refused for another problem.
    mutating func refused(_ id: String, line: Int) { _ = refused.firstLine(of: id, line: line) }
}
