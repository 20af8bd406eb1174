/// Checks bytes as UTF-8 one at a time (streamed parts are checked chunk by chunk), counting lines.
struct UTF8Validator {
    private(set) var line = 1
    private(set) var bytes = 0
    /// Continuation bytes still expected, and the bounds of the next one (RFC 3629: no overlong
    /// forms, no surrogates, nothing above U+10FFFF).
    private var pending = 0
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF

    var isComplete: Bool { pending == 0 }

    /// False at the first byte that cannot continue valid UTF-8.
    mutating func take(_ byte: UInt8) -> Bool {
        bytes += 1
        if pending > 0 {
            guard (low...high).contains(byte) else { return false }
            pending -= 1
            low = 0x80
            high = 0xBF
            return true
        }
        switch byte {
        case 0x0A: line += 1
        case 0x00...0x7F: break
        case 0xC2...0xDF: pending = 1
        case 0xE0: pending = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: pending = 2
        case 0xED: pending = 2; high = 0x9F
        case 0xF0: pending = 3; low = 0x90
        case 0xF1...0xF3: pending = 3
        case 0xF4: pending = 3; high = 0x8F
        default: return false
        }
        return true
    }
}
