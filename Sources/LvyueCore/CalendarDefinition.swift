import Foundation

/// The storage / JSON form of a working calendar (snake_case keys, times as "HH:MM" strings).
///
/// It is deliberately loose: it holds what a user wrote, and `WorkCalendar(definition:)` is the one
/// place that validates it, so a bad definition is rejected when it is saved, never when a clock
/// later runs on it. Decode it with the default key strategy (the keys are spelled out below).
public struct CalendarDefinition: Codable, Hashable, Sendable {
    public var id: String
    public var name: String
    /// IANA zone, e.g. "Asia/Shanghai".
    public var timeZone: String
    /// Weekday key ("mon" … "sun") → windows as ["HH:MM", "HH:MM"]; "24:00" ends a day.
    public var windows: [String: [[String]]]
    public var holidays: [HolidayEntry]
    /// Adjusted working days (调休). Without `windows` the day gets the standard day's hours.
    public var workingDays: [WorkingDayEntry]
    /// Hours for one date that replace whatever the weekday, holiday or working-day rules say.
    /// An empty `windows` list closes the date.
    public var dateHours: [WorkingDayEntry]
    /// Hours of a make-up day that does not give its own; default is Monday's windows.
    public var makeUpWindows: [[String]]?
    /// Years for which statutory data has been loaded (see `requiresStatutoryData`).
    public var statutoryYears: [Int]?
    /// When true, any computation touching a year outside `statutoryYears` fails with
    /// `CalendarError.dataMissing` instead of silently treating the year as holiday-free.
    public var requiresStatutoryData: Bool

    public init(
        id: String, name: String, timeZone: String, windows: [String: [[String]]],
        holidays: [HolidayEntry] = [], workingDays: [WorkingDayEntry] = [],
        dateHours: [WorkingDayEntry] = [], makeUpWindows: [[String]]? = nil,
        statutoryYears: [Int]? = nil, requiresStatutoryData: Bool? = nil
    ) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.windows = windows
        self.holidays = holidays
        self.workingDays = workingDays
        self.dateHours = dateHours
        self.makeUpWindows = makeUpWindows
        self.statutoryYears = statutoryYears
        self.requiresStatutoryData = requiresStatutoryData ?? (statutoryYears != nil)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, windows, holidays
        case timeZone = "time_zone"
        case workingDays = "working_days"
        case dateHours = "date_hours"
        case makeUpWindows = "make_up_windows"
        case statutoryYears = "statutory_years"
        case requiresStatutoryData = "requires_statutory_data"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let years = try c.decodeIfPresent([Int].self, forKey: .statutoryYears)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            name: try c.decodeIfPresent(String.self, forKey: .name) ?? "",
            timeZone: try c.decode(String.self, forKey: .timeZone),
            windows: try c.decodeIfPresent([String: [[String]]].self, forKey: .windows) ?? [:],
            holidays: try c.decodeIfPresent([HolidayEntry].self, forKey: .holidays) ?? [],
            workingDays: try c.decodeIfPresent([WorkingDayEntry].self, forKey: .workingDays) ?? [],
            dateHours: try c.decodeIfPresent([WorkingDayEntry].self, forKey: .dateHours) ?? [],
            makeUpWindows: try c.decodeIfPresent([[String]].self, forKey: .makeUpWindows),
            statutoryYears: years,
            requiresStatutoryData: try c.decodeIfPresent(Bool.self, forKey: .requiresStatutoryData)
        )
    }
}

/// A holiday: one date ("2026-10-01") or an inclusive range ({"from": …, "to": …}).
public enum HolidayEntry: Codable, Hashable, Sendable {
    case date(LocalDate)
    case range(from: LocalDate, to: LocalDate)

    private enum Keys: String, CodingKey { case from, to }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let d = try? single.decode(LocalDate.self) {
            self = .date(d)
            return
        }
        let c = try decoder.container(keyedBy: Keys.self)
        self = .range(from: try c.decode(LocalDate.self, forKey: .from), to: try c.decode(LocalDate.self, forKey: .to))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case let .date(d):
            var c = encoder.singleValueContainer()
            try c.encode(d)
        case let .range(from, to):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
        }
    }

    /// The dates covered; empty when the range is reversed (validation reports that).
    public var dates: [LocalDate] {
        switch self {
        case let .date(d): return [d]
        case let .range(from, to):
            guard from <= to else { return [] }
            return (from.daysSinceEpoch...to.daysSinceEpoch).map(LocalDate.init(daysSinceEpoch:))
        }
    }
}

/// A date with optional windows (`nil` = the calendar's standard day).
public struct WorkingDayEntry: Codable, Hashable, Sendable {
    public var date: LocalDate
    public var windows: [[String]]?

    public init(date: LocalDate, windows: [[String]]? = nil) {
        self.date = date
        self.windows = windows
    }
}
