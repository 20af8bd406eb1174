import FafangCore
import Foundation

/// The field parsers every register shares. A register has a million rows: the common cases
/// are checked on the bytes, and the text is looked at character by character only when it is
/// not plain ASCII (with the same verdicts).
extension RegisterReader {
    /// An id: letters, digits, `-` and `_`; unique within the register.
    mutating func id(_ cells: Cells, _ field: Field, seen: inout SeenIDs) -> String? {
        guard let id = wellFormedID(cells, field) else { return nil }
        return unique(cells, field, id, firstSeenOn: seen.firstLine(of: id, line: cells.line))
    }

    /// The id of a payee register's row, unique among the payees read so far (found by the
    /// register's own index) and the ids of the rows refused (`ids`).
    mutating func id(_ cells: Cells, _ field: Field, among register: PayeeRegister, ids: PayeeIDs) -> String? {
        guard let id = wellFormedID(cells, field) else { return nil }
        return unique(cells, field, id, firstSeenOn: ids.firstLine(of: id, in: register))
    }

    private mutating func wellFormedID(_ cells: Cells, _ field: Field) -> String? {
        let id = cells[field]
        guard !id.isEmpty else { error(cells, field, "missing"); return nil }
        guard id.utf8.allSatisfy(Self.isIDByte) else {
            error(cells, field, "must be letters, digits, - or _ (got \"\(id)\")")
            return nil
        }
        return id
    }

    private mutating func unique(_ cells: Cells, _ field: Field, _ id: String, firstSeenOn first: Int?) -> String? {
        if let first {
            error(cells, field, "duplicate id \(id) (first on line \(first))")
            return nil
        }
        return id
    }

    mutating func required(_ cells: Cells, _ field: Field) -> String? {
        let value = cells[field]
        if value.isEmpty { error(cells, field, "missing") }
        return value.isEmpty ? nil : value
    }

    /// An optional mobile number. Returns .some(nil) when empty (a warning when `needed`, since
    /// that payee cannot be told by SMS), nil when invalid.
    mutating func phone(_ cells: Cells, _ field: Field, needed: Bool = false) -> PhoneNumber?? {
        let text = cells[field]
        if text.isEmpty {
            if needed { warning(cells, field, "empty: this payee will not be told by SMS") }
            return .some(nil)
        }
        guard let phone = PhoneNumber(text) else {
            error(cells, field, "not a mainland mobile number of 11 digits starting 13–19 (got \"\(Mask.phone(text))\")")
            return nil
        }
        return .some(phone)
    }

    /// The last four digits of a bank card. A longer number is refused without echoing it.
    mutating func cardTail(_ cells: Cells, _ field: Field) -> String? {
        let raw = cells[field]
        if raw.utf8.count == 4, raw.utf8.allSatisfy(Self.isDigit) { return raw }
        let text = raw.utf8.allSatisfy { $0 < 0x80 } ? String(decoding: raw.utf8.filter { $0 != 0x20 }, as: UTF8.self) : raw.filter { $0 != " " }
        let ascii = text.utf8.allSatisfy { $0 < 0x80 }
        let count = ascii ? text.utf8.count : text.count
        let numeric = ascii ? text.utf8.allSatisfy(Self.isDigit) : text.allSatisfy(\.isNumber)
        if count > 4, numeric {
            error(cells, field, "looks like a whole card number (\(Mask.card(tail: text))): keep only the last 4 digits in the register")
            return nil
        }
        guard count == 4, text.utf8.allSatisfy(Self.isDigit) else {
            error(cells, field, "must be the last 4 digits of the bank card (got \"\(text)\")")
            return nil
        }
        return text
    }

    mutating func money(_ cells: Cells, _ field: Field) -> Money? {
        do {
            let amount = try Money.parseYuan(cells[field])
            guard amount.fen > 0 else {
                error(cells, field, "must be more than 0 (got \(amount.yuanString))")
                return nil
            }
            return amount
        } catch {
            self.error(cells, field, error.description)
            return nil
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
