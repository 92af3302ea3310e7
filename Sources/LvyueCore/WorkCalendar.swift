import Foundation

/// A working calendar: a time zone, weekly working windows, holidays, adjusted working days (调休)
/// and per-date hours. All arithmetic (`WorkCalendar+Arithmetic.swift`) runs on precomputed
/// per-year tables of UTC window bounds, so a deadline costs a couple of binary searches.
///
/// It is a value type that is cheap to copy and safe to share between threads: the derived tables
/// live in a reference-typed, lock-protected cache (`CalendarTables`).
public struct WorkCalendar: Sendable, CustomStringConvertible {
    public let id: String
    public let name: String
    public let timeZone: TimeZone
    /// Windows per weekday; an absent or empty weekday is not worked.
    public let weeklyWindows: [Weekday: [WorkWindow]]
    public let holidays: Set<LocalDate>
    /// Adjusted working days → their windows (the standard day's unless the definition gave some).
    public let workingDays: [LocalDate: [WorkWindow]]
    /// Dates whose hours replace every other rule; an empty list closes the date.
    public let dateHours: [LocalDate: [WorkWindow]]
    /// The hours of a make-up day: `make_up_windows`, else Monday's windows.
    public let standardWindows: [WorkWindow]
    /// Non-nil when the calendar uses statutory data: a computation touching another year throws
    /// `CalendarError.dataMissing`.
    public let statutoryYears: Set<Int>?
    /// The definition this calendar was built from (for storage and display).
    public let definition: CalendarDefinition

    let tables: CalendarTables

    public init(definition d: CalendarDefinition) throws {
        guard !d.id.isEmpty else { throw CalendarError.invalid(field: "id", reason: "must not be empty") }
        guard let zone = TimeZone(identifier: d.timeZone) else {
            throw CalendarError.invalid(field: "time_zone", reason: "unknown time zone \"\(d.timeZone)\"")
        }
        var weekly: [Weekday: [WorkWindow]] = [:]
        for (key, raw) in d.windows {
            guard let day = Weekday(rawValue: key.lowercased()) else {
                throw CalendarError.invalid(field: "windows.\(key)", reason: "weekday keys are mon, tue, wed, thu, fri, sat, sun")
            }
            weekly[day] = try WorkWindow.parseDay(raw, field: "windows.\(key)")
        }
        let standard: [WorkWindow]
        if let raw = d.makeUpWindows {
            standard = try WorkWindow.parseDay(raw, field: "make_up_windows")
        } else {
            standard = weekly[.mon] ?? []
        }

        var holidays = Set<LocalDate>()
        for (i, entry) in d.holidays.enumerated() {
            if case let .range(from, to) = entry, to < from {
                throw CalendarError.invalid(field: "holidays[\(i)]", reason: "range ends (\(to)) before it starts (\(from))")
            }
            holidays.formUnion(entry.dates)
        }
        var working: [LocalDate: [WorkWindow]] = [:]
        for (i, entry) in d.workingDays.enumerated() {
            let field = "working_days[\(i)]"
            guard working[entry.date] == nil else {
                throw CalendarError.invalid(field: field, reason: "\(entry.date) is listed twice")
            }
            guard !holidays.contains(entry.date) else {
                throw CalendarError.invalid(field: field, reason: "\(entry.date) is both a holiday and a working day")
            }
            let windows = try entry.windows.map { try WorkWindow.parseDay($0, field: field + ".windows") } ?? standard
            guard !windows.isEmpty else {
                throw CalendarError.invalid(field: field, reason: "a working day needs hours; give windows or make_up_windows")
            }
            working[entry.date] = windows
        }
        var dateHours: [LocalDate: [WorkWindow]] = [:]
        for (i, entry) in d.dateHours.enumerated() {
            let field = "date_hours[\(i)]"
            guard dateHours[entry.date] == nil else {
                throw CalendarError.invalid(field: field, reason: "\(entry.date) is listed twice")
            }
            dateHours[entry.date] = try WorkWindow.parseDay(entry.windows ?? [], field: field + ".windows")
        }
        // A weekly pattern without working time would make every search run to the limit; refuse
        // it now. (Explicit working days alone are allowed: a project calendar may be just a list.)
        let weeklyMinutes = weekly.values.joined().reduce(0) { $0 + $1.minutes }
        if weeklyMinutes == 0 && working.isEmpty && dateHours.values.allSatisfy(\.isEmpty) {
            throw CalendarError.noWorkingTime(calendar: d.id)
        }
        let years: Set<Int>? = d.requiresStatutoryData ? Set(d.statutoryYears ?? []) : nil

        self.id = d.id
        self.name = d.name
        self.timeZone = zone
        self.weeklyWindows = weekly
        self.holidays = holidays
        self.workingDays = working
        self.dateHours = dateHours
        self.standardWindows = standard
        self.statutoryYears = years
        self.definition = d
        self.tables = CalendarTables(
            id: d.id, timeZone: zone,
            rules: DayRules(weekly: Weekday.allCases.map { weekly[$0] ?? [] },
                            holidays: holidays, workingDays: working, dateHours: dateHours),
            statutoryYears: years)
    }

    /// The windows that apply to a date, before time-zone conversion. Precedence: per-date hours,
    /// then adjusted working days, then holidays, then the weekday.
    public func localWindows(on date: LocalDate) -> [WorkWindow] {
        tables.rules.windows(on: date)
    }

    public var description: String { "WorkCalendar(\(id), \(timeZone.identifier))" }
}

/// The resolved rules for a day, kept separately so the table builder does not need the struct.
struct DayRules: Sendable {
    let weekly: [[WorkWindow]]
    let holidays: Set<LocalDate>
    let workingDays: [LocalDate: [WorkWindow]]
    let dateHours: [LocalDate: [WorkWindow]]

    func windows(on date: LocalDate) -> [WorkWindow] {
        if let w = dateHours[date] { return w }
        if let w = workingDays[date] { return w }
        if holidays.contains(date) { return [] }
        return weekly[date.weekday.index]
    }

    /// True when every instant is working time, so arithmetic needs no tables at all.
    var isContinuous: Bool {
        holidays.isEmpty && dateHours.isEmpty
            && weekly.allSatisfy { $0.count == 1 && $0[0].startMinute == 0 && $0[0].endMinute == 1440 }
            && workingDays.values.allSatisfy { $0.count == 1 && $0[0].startMinute == 0 && $0[0].endMinute == 1440 }
    }
}
