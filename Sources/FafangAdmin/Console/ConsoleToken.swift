/// Random tokens of the console (session ids, CSRF tokens) and their comparison in constant time.
enum ConsoleToken {
    /// 256 random bits as 64 hex digits, from the system's cryptographic generator.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        text.reserveCapacity(64)
        for _ in 0..<4 {
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            text += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return text
    }

    /// Whether both are the same, taking as long whatever differs where (the length aside).
    static func equal(_ presented: String?, _ expected: String) -> Bool {
        guard let presented else { return false }
        let a = Array(presented.utf8)
        let b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<b.count {
            difference |= (index < a.count ? a[index] : 0) ^ b[index]
        }
        return difference == 0 && !b.isEmpty
    }
}
