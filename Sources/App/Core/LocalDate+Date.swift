import Foundation
import LvyueCore

extension LocalDate {
    /// The date an instant falls on in a time zone ("today" in Shanghai is not "today" in UTC until 08:00).
    init(date: Date, in zone: TimeZone) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.year, .month, .day], from: date)
        self = LocalDate(year: c.year!, month: c.month!, day: c.day!)!
    }
}
