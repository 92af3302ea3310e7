import Foundation

/// Everything that can go wrong when defining or using a working calendar.
public enum CalendarError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The definition or an argument is wrong; `field` names it the way the JSON form does
    /// (e.g. "windows.mon[1]", "time_zone", "working_minutes").
    case invalid(field: String, reason: String)
    /// The calendar has no working time in its weekly pattern, so no deadline could ever be found.
    case noWorkingTime(calendar: String)
    /// The calendar relies on published statutory data and has none for this year.
    case dataMissing(calendar: String, year: Int)
    /// A search ran more than three years without meeting any working time (e.g. every remaining day
    /// is a holiday). Thrown instead of searching forever.
    case searchLimitExceeded(calendar: String, from: LocalDate)

    public var description: String {
        switch self {
        case let .invalid(field, reason):
            return "invalid \(field): \(reason)"
        case let .noWorkingTime(calendar):
            return "calendar \(calendar) has no working time in its weekly windows"
        case let .dataMissing(calendar, year):
            return "calendar \(calendar) has no statutory holiday data for \(year); import it first"
        case let .searchLimitExceeded(calendar, from):
            return "calendar \(calendar) has no working time within three years after \(from)"
        }
    }
}
