import Foundation
import LvyueCore

extension LocalDate {
    /// The date an instant falls on in a time zone ("today" in Shanghai is not "today" in UTC until 08:00).
    init(date: Date, in zone: TimeZone) {
        // Integer arithmetic where it agrees with Foundation's Gregorian calendar (which counts days before 1583 in the
        // Julian calendar); the calendar itself for the rest.
        if let (day, _) = Self.gregorian(date, offset: zone.secondsFromGMT(for: date)) {
            self = day
            return
        }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.year, .month, .day], from: date)
        self = LocalDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// The day and second of the day of an instant at a UTC offset, by integer arithmetic; nil outside 1583…9999, where
    /// Foundation's calendar and formats count otherwise.
    static func gregorian(_ date: Date, offset: Int) -> (day: LocalDate, second: Int)? {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds.magnitude < 2.5e11 else { return nil }
        let local = Int(seconds) + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let day = LocalDate(daysSinceEpoch: days)
        guard (1583...9999).contains(day.year) else { return nil }
        return (day, local - days * 86_400)
    }
}
