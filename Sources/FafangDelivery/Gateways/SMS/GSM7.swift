/// The GSM 03.38 default alphabet and its extension table (3GPP TS 23.038 §6.2.1).
enum GSM7 {
    /// The 127 printable characters of the default alphabet (the escape, 0x1B, is not a character).
    static let basic: Set<Unicode.Scalar> = Set((
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    ).unicodeScalars)

    /// Characters sent as escape + code: 2 septets each.
    static let extended: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|€".unicodeScalars)

    /// Septets of each ASCII character (0: not in GSM-7), looked up without hashing: most
    /// texts are ASCII or quickly turn out to be Chinese.
    private static let asciiCosts: [Int] = (0..<128).map { code in
        let scalar = Unicode.Scalar(UInt8(code))
        return basic.contains(scalar) ? 1 : extended.contains(scalar) ? 2 : 0
    }

    /// Septets for `scalar`, or nil if GSM-7 cannot carry it.
    static func cost(_ scalar: Unicode.Scalar) -> Int? {
        if scalar.value < 128 {
            let cost = asciiCosts[Int(scalar.value)]
            return cost == 0 ? nil : cost
        }
        // Beyond ASCII the alphabet has Latin-1 letters, a few Greek capitals and €.
        guard scalar.value <= 0x20AC else { return nil }
        if basic.contains(scalar) { return 1 }
        if extended.contains(scalar) { return 2 }
        return nil
    }
}
