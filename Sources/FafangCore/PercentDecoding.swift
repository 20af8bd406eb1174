/// Percent-decoding as HTML forms and Kannel's URL escapes write it: `%XX` is the byte XX, `+`
/// a blank; the bytes as they were, whatever their encoding (Kannel URL-encodes a UCS-2 text
/// byte for byte), so the caller decodes them.
public enum PercentDecoding {
    public static func bytes(_ text: some StringProtocol) -> [UInt8] {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            }
        }
        return bytes
    }
}
