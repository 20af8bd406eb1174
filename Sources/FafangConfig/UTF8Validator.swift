/// Checks UTF-8 as a file or a package part streams by, a chunk (`feed`) or a byte (`take`) at a
/// time: sequences may span chunks. Accepts exactly what `String(validating:as: UTF8.self)`
/// accepts (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
struct UTF8Validator {
    /// Continuation bytes the current sequence still needs.
    private var needed = 0
    /// The range the next continuation byte must fall in (narrower after E0, ED, F0, F4).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF
    /// The line and the bytes `take` has seen (`feed` does not count them).
    private(set) var line = 1
    private(set) var bytes = 0

    /// Whether everything fed so far ends on a whole character.
    var isComplete: Bool { needed == 0 }

    /// Takes one byte, counting lines; false at the first byte that cannot continue valid UTF-8.
    mutating func take(_ byte: UInt8) -> Bool {
        bytes += 1
        if needed > 0 { return continuation(byte) }
        if byte == 0x0A { line += 1 }
        return lead(byte)
    }

    /// Feeds the next bytes; the index of the first byte that cannot continue valid UTF-8, or nil.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var index = 0
        while index < count {
            if needed == 0 {
                // Eight ASCII bytes at a time.
                while index + 8 <= count,
                      UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                guard index < count else { break }
                guard lead(base[index]) else { return index }
                index += 1
            } else {
                guard continuation(base[index]) else { return index }
                index += 1
            }
        }
        return nil
    }

    /// The first byte of a character: how many continuation bytes it needs, or false.
    private mutating func lead(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00...0x7F: break
        case 0xC2...0xDF: begin(1)
        case 0xE0: begin(2, lower: 0xA0)
        case 0xE1...0xEC, 0xEE...0xEF: begin(2)
        case 0xED: begin(2, upper: 0x9F)
        case 0xF0: begin(3, lower: 0x90)
        case 0xF1...0xF3: begin(3)
        case 0xF4: begin(3, upper: 0x8F)
        default: return false
        }
        return true
    }

    private mutating func continuation(_ byte: UInt8) -> Bool {
        guard byte >= lower, byte <= upper else { return false }
        lower = 0x80
        upper = 0xBF
        needed -= 1
        return true
    }

    private mutating func begin(_ continuations: Int, lower: UInt8 = 0x80, upper: UInt8 = 0xBF) {
        needed = continuations
        self.lower = lower
        self.upper = upper
    }
}
