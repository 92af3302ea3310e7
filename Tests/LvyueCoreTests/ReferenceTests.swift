import Foundation
import PropertyBased
import Testing
@testable import LvyueCore

/// A deliberately naive calendar: asks Foundation for the local date and time of every single
/// minute and checks it against the day's local windows. Slow, obviously right, and independent
/// of the table machinery (time-zone conversion, cumulative sums, binary searches).
struct NaiveCalendar {
    let cal: WorkCalendar
    let foundation: Calendar

    init(_ cal: WorkCalendar) {
        self.cal = cal
        var f = Calendar(identifier: .gregorian)
        f.timeZone = cal.timeZone
        self.foundation = f
    }

    func isWorking(minuteStartingAt t: Date) -> Bool {
        let c = foundation.dateComponents([.year, .month, .day, .hour, .minute], from: t)
        let date = LocalDate(year: c.year!, month: c.month!, day: c.day!)!
        let minute = c.hour! * 60 + c.minute!
        return cal.localWindows(on: date).contains { $0.startMinute <= minute && minute < $0.endMinute }
    }

    func deadline(from: Date, minutes: Int) -> Date {
        var t = from, left = minutes
        if left == 0 {
            while !isWorking(minuteStartingAt: t) { t += 60 }
            return t
        }
        while left > 0 {
            if isWorking(minuteStartingAt: t) { left -= 1 }
            t += 60
        }
        return t
    }

    func workingMinutes(from: Date, to: Date) -> Int {
        var t = from, n = 0
        while t < to {
            if isWorking(minuteStartingAt: t) { n += 1 }
            t += 60
        }
        return n
    }
}

@Suite struct ReferenceTests {
    /// Minute-aligned starts; spans up to 3 working days keep the naive walk affordable.
    @Test(arguments: [cn, berlinOffice, berlinAllDay])
    func deadlineAndWorkingMinutesMatchTheNaiveWalk(cal: WorkCalendar) async {
        let naive = NaiveCalendar(cal)
        let minutes = cal.timeZone.identifier == "Europe/Berlin"
            ? Gen.int(in: 29_461_200...29_966_000) // 2026 in minutes since epoch
            : Gen.int(in: 28_928_160...29_932_800) // 2025-01-01 … 2026-11-30 (+08:00)
        await propertyCheck(count: 120, input: minutes, Gen.int(in: 0...1440)) { (minute, span) throws in
            let from = Date(timeIntervalSince1970: Double(minute * 60))
            let expected = naive.deadline(from: from, minutes: span)
            #expect(try cal.deadline(from: from, workingMinutes: span) == expected)
            #expect(try cal.workingMinutes(from: from, to: expected) == span)
            let to = from.addingTimeInterval(Double(span * 97 % 5000) * 60)
            #expect(try cal.workingMinutes(from: from, to: to) == naive.workingMinutes(from: from, to: to))
        }
    }

    /// The DST days themselves, exhaustively by hour.
    @Test func berlinChangeDaysHourByHour() throws {
        for cal in [berlinOffice, berlinAllDay] {
            let naive = NaiveCalendar(cal)
            for base in [t("2026-03-28T00:00:00+01:00"), t("2026-10-24T00:00:00+02:00")] {
                for h in 0..<72 {
                    let from = base.addingTimeInterval(Double(h) * 3600)
                    for span in [0, 1, 59, 61, 600] {
                        #expect(try cal.deadline(from: from, workingMinutes: span) == naive.deadline(from: from, minutes: span))
                    }
                }
            }
        }
    }
}
