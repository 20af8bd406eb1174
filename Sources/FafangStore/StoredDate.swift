import FafangCore
import Foundation
import GRDB

/// A `Date` as GRDB stores it (`yyyy-MM-dd HH:mm:ss.SSS`, UTC, to the nearest millisecond), made
/// with integer arithmetic instead of GRDB's `DateFormatter`: the outbox binds several dates per
/// message, and ICU's formatter costs microseconds each. Text-identical to GRDB's encoding, so
/// rows written either way compare correctly (`StoredDateTests` checks it on many dates).
struct StoredDate: DatabaseValueConvertible {
    let date: Date

    init(_ date: Date) { self.date = date }

    var databaseValue: DatabaseValue { Self.string(date).databaseValue }

    static func fromDatabaseValue(_ dbValue: DatabaseValue) -> StoredDate? { Date.fromDatabaseValue(dbValue).map(StoredDate.init) }

    /// `2021-06-30 16:00:00.000`.
    static func string(_ date: Date) -> String {
        // As Foundation's formatter comes out: milliseconds since 1970, rounded half up (checked
        // against it on 200,000 random instants, halves included).
        let milliseconds = Int64(((date.timeIntervalSinceReferenceDate + 978_307_200) * 1000 + 0.5).rounded(.down))
        let (days, dayMilliseconds) = floorDivision(milliseconds, 86_400_000)
        let date = CivilDate(daysSinceEpoch: Int(days))
        let (year, month, day) = (Int64(date.year), Int64(date.month), Int64(date.day))
        var bytes = Array("0000-00-00 00:00:00.000".utf8)
        /// Writes `value` right-aligned into `width` digits ending before `end`.
        func put(_ value: Int64, width: Int, end: Int) {
            var rest = value
            for index in stride(from: end - 1, through: end - width, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
        }
        put(year, width: 4, end: 4)
        put(month, width: 2, end: 7)
        put(day, width: 2, end: 10)
        put(dayMilliseconds / 3_600_000, width: 2, end: 13)
        put(dayMilliseconds / 60_000 % 60, width: 2, end: 16)
        put(dayMilliseconds / 1000 % 60, width: 2, end: 19)
        put(dayMilliseconds % 1000, width: 3, end: 23)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
