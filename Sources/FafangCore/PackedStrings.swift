/// Many short strings held end to end in one byte buffer, with an optional index by content:
/// the payee ids and names of a county's register (a million of them) take their UTF-8 bytes
/// and one offset each, instead of a `String` (and often a heap object) apiece.
///
/// With `indexed`, each string is also findable by its text in constant time: an open-addressing
/// table of positions, probed linearly, keyed by Swift's seeded `Hasher`, so a register cannot
/// be crafted to make lookups collide. Strings are compared by their bytes (not by Unicode
/// canonical equivalence, as `String ==` does). An index holds up to 2³² − 2 strings.
public struct PackedStrings: Sendable {
    private var bytes: [UInt8] = []
    /// `ends[i]` is where string `i` ends in `bytes`; it starts where string `i - 1` ends.
    private var ends: [Int] = []
    /// Per slot: the string's hash (high 32 bits) and its position + 1 (low 32 bits); 0 when
    /// empty. The hash tells most strings apart, and rebuilds the table, without reading them.
    private var slots: [UInt64] = []
    public let indexed: Bool

    public init(indexed: Bool = false) { self.indexed = indexed }

    public var count: Int { ends.count }

    /// The string at `position`.
    public subscript(position: Int) -> String {
        let start = position == 0 ? 0 : ends[position - 1]
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<ends[position]]), as: UTF8.self) }
    }

    /// Appends `text` (also when the index already holds it: lookups find the first).
    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { key in
            let hash = indexed ? Self.hash(key) : 0
            appendBytes(key)
            if indexed, find(key, hash: hash) == nil { file(count - 1, hash: hash) }
        }
    }

    /// Appends `text` unless the index already holds it. Returns whether it was added and its
    /// position (the earlier one when it was not). Needs `indexed`.
    public mutating func insert(_ text: String) -> (inserted: Bool, position: Int) {
        precondition(indexed, "insert needs an indexed PackedStrings")
        var text = text
        return text.withUTF8 { key in
            let hash = Self.hash(key)
            if let position = find(key, hash: hash) { return (false, position) }
            appendBytes(key)
            file(count - 1, hash: hash)
            return (true, count - 1)
        }
    }

    /// The first position holding `text`, by the index (nil when absent, or when not indexed).
    public func position(of text: String) -> Int? {
        guard indexed else { return nil }
        var text = text
        return text.withUTF8 { find($0, hash: Self.hash($0)) }
    }

    /// Keeps room for `strings` strings of `bytes` bytes in all.
    public mutating func reserveCapacity(strings: Int, bytes byteCount: Int) {
        ends.reserveCapacity(strings)
        bytes.reserveCapacity(byteCount)
    }

    private mutating func appendBytes(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: utf8)
        ends.append(bytes.count)
    }

    private func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt32) -> Int? {
        guard !slots.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { stored in
            let mask = slots.count - 1
            var slot = Int(hash) & mask
            while true {
                let entry = slots[slot]
                if entry == 0 { return nil }
                if UInt32(truncatingIfNeeded: entry >> 32) == hash {
                    let position = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                    let start = position == 0 ? 0 : ends[position - 1]
                    if ends[position] - start == key.count, Self.same(stored, from: start, key) { return position }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Puts `position` in the table (known not to be in it), growing it to stay at most half full.
    private mutating func file(_ position: Int, hash: UInt32) {
        if slots.count < 2 * count {
            let old = slots
            slots = [UInt64](repeating: 0, count: Swift.max(16, slots.count * 2))
            for entry in old where entry != 0 { put(entry) }
        }
        put(UInt64(hash) << 32 | UInt64(position + 1))
    }

    private mutating func put(_ entry: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: entry >> 32) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = entry
    }

    private static func same(_ stored: UnsafeBufferPointer<UInt8>, from start: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        for offset in 0..<key.count where stored[start + offset] != key[offset] { return false }
        return true
    }

    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(key))
        return UInt32(truncatingIfNeeded: hasher.finalize())
    }
}

extension PackedStrings: Hashable {
    /// Equal when they hold the same strings in the same order (however they are indexed).
    public static func == (lhs: PackedStrings, rhs: PackedStrings) -> Bool { lhs.ends == rhs.ends && lhs.bytes == rhs.bytes }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ends)
        hasher.combine(bytes)
    }
}
