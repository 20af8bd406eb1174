import FafangCore
import FafangDaemon
import FafangStore
import Foundation
import Testing

/// Quiet days through the dispatcher, on a manual clock: an SMS due on 国庆节 2024 waits, without
/// an attempt, until 08:00 on 10月8日, the next working day; a webhook is not held.
extension DispatcherTests {
    static func shanghai(_ date: String, _ hour: Double) -> Date {
        CivilDate(iso: date)!.start(in: zone).addingTimeInterval(hour * 3600)
    }

    static let nationalDay = QuietDays(rule: .holidays, calendar: HolidayCalendar(ranges: [
        CalendarRange(year: 2024, kind: .off, first: CivilDate(iso: "2024-10-01")!, last: CivilDate(iso: "2024-10-07")!, name: "国庆节",
                      notice: HolidayNotice(title: "国务院办公厅关于2024年部分节假日安排的通知", document: "国办发明电〔2023〕7号")),
    ]))

    @Test("an SMS due on a holiday goes out on the next working day after quiet hours; a webhook goes at once")
    func holidayHoldsSMSUntilTheNextWorkingMorning() async throws {
        let rig = try rig(start: Self.shanghai("2024-10-01", 10), quietDays: Self.nationalDay)
        try await enqueue(rig, ["K1"])
        try await enqueue(rig, ["W1"], channel: .webhook)
        #expect(try await rig.dispatcher.runOnce() == 2)
        let rows = try await rig.database.deliveries(DeliveryFilter())
        let sms = try #require(rows.first { $0.message.idempotencyKey == "K1" })
        #expect(sms.message.state == .pending)
        #expect(sms.message.nextAttemptAt == Self.shanghai("2024-10-08", 8))
        #expect(sms.attempts.isEmpty, "a hold is not an attempt")
        #expect(rows.first { $0.message.idempotencyKey == "W1" }?.message.state == .delivered)
        #expect(rig.transport.requests.count == 1)

        // Through the holiday and the night before 10月8日, nothing is due.
        for (date, hour) in [("2024-10-03", 12.0), ("2024-10-07", 23.0), ("2024-10-08", 7.99)] {
            rig.clock.set(Self.shanghai(date, hour))
            #expect(try await rig.dispatcher.runOnce() == 0, "\(date) \(hour)")
        }
        rig.clock.set(Self.shanghai("2024-10-08", 8))
        #expect(try await rig.dispatcher.runOnce() == 1)
        let sent = try #require(try await rig.database.deliveries(DeliveryFilter()).first { $0.message.idempotencyKey == "K1" })
        #expect(sent.message.state == .sent)
        #expect(sent.attempts.count == 1)
        #expect(sent.attempts.first?.startedAt == Self.shanghai("2024-10-08", 8))
        #expect(rig.transport.requests.count == 2)
    }

    @Test("the evening before a holiday: quiet hours, then the holiday, hold it to 10月8日 08:00")
    func eveningBeforeTheHoliday() async throws {
        let rig = try rig(start: Self.shanghai("2024-09-30", 22), quietDays: Self.nationalDay)
        try await enqueue(rig, ["K1"])
        try await rig.dispatcher.runOnce()
        #expect(try await rig.database.deliveries(DeliveryFilter()).first?.message.nextAttemptAt == Self.shanghai("2024-10-08", 8))
        // Without quiet days only the night holds it.
        let plain = try self.rig(start: Self.shanghai("2024-09-30", 22))
        try await enqueue(plain, ["K1"])
        try await plain.dispatcher.runOnce()
        #expect(try await plain.database.deliveries(DeliveryFilter()).first?.message.nextAttemptAt == Self.shanghai("2024-10-01", 8))
    }
}
