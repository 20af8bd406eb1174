import FafangTestSupport
import Foundation
import GRDB
import Testing
@testable import FafangStore

/// The outbox's fast date text must be exactly GRDB's own, or rows written by the two would
/// compare wrongly (`next_attempt_at <= now` is a text comparison).
@Suite("Store: stored dates")
struct StoredDateTests {
    func grdb(_ date: Date) -> String? { String.fromDatabaseValue(date.databaseValue) }

    @Test("the same text as GRDB's DateFormatter on fixed edges")
    func edges() {
        let dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.0005), Date(timeIntervalSince1970: -86_400.25),
            Date(timeIntervalSince1970: 1_609_459_200), Date(timeIntervalSince1970: 1_609_459_199.9999),
            Date(timeIntervalSince1970: 951_782_400), // 2000-02-29
            Date(timeIntervalSince1970: 4_107_542_399.999), // 2100-02-28 23:59:59.999
            Date(timeIntervalSinceReferenceDate: 0.0015), Date(timeIntervalSince1970: 1_768_654_406.9004998),
            Date(timeIntervalSince1970: 5_655_765_358.6505),
        ]
        for date in dates {
            #expect(StoredDate.string(date) == grdb(date), "\(date.timeIntervalSince1970)")
        }
    }

    @Test("the same text as GRDB's DateFormatter on 20,000 random instants, 1900–2200")
    func random() {
        var generator = SplitMix64(seed: 20_211_231)
        for _ in 0..<20_000 {
            let seconds = Double.random(in: -2_208_988_800 ... 7_258_118_400, using: &generator)
            let date = Date(timeIntervalSince1970: seconds)
            let ours = StoredDate.string(date)
            #expect(ours == grdb(date), "\(seconds)")
            if ours != grdb(date) { return }
        }
    }
}
