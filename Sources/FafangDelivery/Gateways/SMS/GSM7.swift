/// The GSM 03.38 default alphabet and its extension table (3GPP TS 23.038 §6.2.1).
enum GSM7 {
    /// The 127 printable characters of the default alphabet (the escape, 0x1B, is not a character).
    static let basic: Set<Unicode.Scalar> = Set((
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    ).unicodeScalars)

    /// Characters sent as escape + code: 2 septets each.
    static let extended: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|€".unicodeScalars)

    /// Septets for `scalar`, or nil if GSM-7 cannot carry it.
    static func cost(_ scalar: Unicode.Scalar) -> Int? {
        if basic.contains(scalar) { return 1 }
        if extended.contains(scalar) { return 2 }
        return nil
    }
}
