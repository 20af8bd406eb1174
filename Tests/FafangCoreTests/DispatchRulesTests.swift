import FafangCore
import Foundation
import Testing

@Suite("Retry schedule, quiet hours and rate limits")
struct DispatchRulesTests {
    let now = Date(timeIntervalSince1970: 1_609_459_200)
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    @Test("the standard schedule, with jitter at its extremes", arguments: [
        (1, 5.0), (2, 300), (3, 1_800), (4, 7_200), (5, 18_000), (6, 36_000), (7, 36_000),
    ] as [(Int, Double)])
    func schedule(attempts: Int, delay: Double) {
        let policy = RetryPolicy.standard
        #expect(policy.decide(afterAttempts: attempts, now: now, random: 0.5) == .retry(at: now.addingTimeInterval(delay)))
        #expect(policy.decide(afterAttempts: attempts, now: now, random: 0) == .retry(at: now.addingTimeInterval(delay * 0.9)))
        #expect(policy.decide(afterAttempts: attempts, now: now, random: 1) == .retry(at: now.addingTimeInterval(delay * 1.1)))
    }

    @Test func exhaustedAndRetryAfter() {
        let policy = RetryPolicy.standard
        #expect(policy.decide(afterAttempts: 8, now: now, random: 0.5) == .giveUp)
        #expect(policy.decide(afterAttempts: 1, now: now, retryAfter: 120, random: 0.5) == .retry(at: now.addingTimeInterval(120)))
        // A Retry-After shorter than the schedule does not shorten it.
        #expect(policy.decide(afterAttempts: 2, now: now, retryAfter: 1, random: 0.5) == .retry(at: now.addingTimeInterval(300)))
    }

    /// `HH:MM` on 2021-06-01 in Shanghai.
    func local(_ time: String, day: Int = 1) -> Date {
        let parts = time.split(separator: ":").compactMap { Int($0) }
        return CivilDate(year: 2021, month: 6, day: day)!.start(in: shanghai).addingTimeInterval(TimeInterval(parts[0] * 3600 + parts[1] * 60))
    }

    @Test("quiet hours 21:00–08:00 hold SMS until 08:00 local", arguments: [
        ("20:59", "20:59", 1), ("21:00", "08:00", 2), ("23:30", "08:00", 2), ("00:10", "08:00", 1), ("07:59", "08:00", 1), ("08:00", "08:00", 1),
        ("12:00", "12:00", 1),
    ] as [(String, String, Int)])
    func quietHours(at time: String, allowed: String, day: Int) throws {
        let quiet = try #require(QuietHours("21:00-08:00"))
        #expect(quiet.nextAllowed(after: local(time), in: shanghai) == local(allowed, day: day))
    }

    @Test func daytimeWindowAndNone() throws {
        let lunch = try #require(QuietHours("12:00-13:30"))
        #expect(lunch.nextAllowed(after: local("12:15"), in: shanghai) == local("13:30"))
        let none = try #require(QuietHours("00:00-00:00"))
        #expect(none.nextAllowed(after: local("03:00"), in: shanghai) == local("03:00"))
        #expect(QuietHours("25:00-08:00") == nil)
    }

    @Test("20 per minute per robot")
    func rateLimit() {
        var limiter = RateLimiter(limit: 20, window: 60)
        var taken = 0
        for second in 0..<20 where limiter.take("robot-a", now: now.addingTimeInterval(Double(second))) { taken += 1 }
        #expect(taken == 20)
        let refused = limiter.take("robot-a", now: now.addingTimeInterval(30))
        #expect(!refused)
        #expect(limiter.nextAllowed(for: "robot-a", now: now.addingTimeInterval(30)) == now.addingTimeInterval(60))
        let other = limiter.take("robot-b", now: now.addingTimeInterval(30))
        #expect(other)
        let later = limiter.take("robot-a", now: now.addingTimeInterval(60))
        #expect(later)
    }
}
