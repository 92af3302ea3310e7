import Foundation

/// Department load and capacity per week (issue #10, 资源协调). Pure: the app reads plan lines, absences and the
/// department's working calendar; this spreads person-days over working days and sums them per ISO week
/// (Monday first). Statutory holidays and make-up working days come from the calendar via `isWorkingDay`.
public enum ResourceLoad {
    /// The Monday of the week holding `date`.
    public static func weekStart(_ date: LocalDate) -> LocalDate { date.adding(days: -date.weekday.index) }

    /// The working days of `from...to` (empty when `to` is before `from`).
    public static func workingDays(from: LocalDate, to: LocalDate, isWorkingDay: (LocalDate) throws -> Bool) rethrows -> [LocalDate] {
        guard from <= to else { return [] }
        var days: [LocalDate] = []
        var d = from
        while d <= to {
            if try isWorkingDay(d) { days.append(d) }
            d = d.adding(days: 1)
        }
        return days
    }

    /// Person-days of one plan line spread evenly over the working days of `from...to`, summed per week start.
    /// A range without any working day (all holiday) puts the whole amount on the week of `from`.
    public static func spread(personDays: Double, from: LocalDate, to: LocalDate,
                              isWorkingDay: (LocalDate) throws -> Bool) rethrows -> [LocalDate: Double] {
        let days = try workingDays(from: from, to: max(from, to), isWorkingDay: isWorkingDay)
        guard !days.isEmpty else { return [weekStart(from): personDays] }
        let perDay = personDays / Double(days.count)
        var out: [LocalDate: Double] = [:]
        for d in days { out[weekStart(d), default: 0] += perDay }
        return out
    }

    /// A stretch of leave: `people` persons away on every working day of `from...to`.
    public struct Absence: Sendable, Hashable {
        public var from: LocalDate
        public var to: LocalDate
        public var people: Double
        public init(from: LocalDate, to: LocalDate, people: Double = 1) { self.from = from; self.to = to; self.people = people }
    }

    /// Capacity of the week starting `week`: headcount × working days, minus the working days lost to absences
    /// (never below zero).
    public static func capacity(week: LocalDate, headcount: Int, absences: [Absence],
                                isWorkingDay: (LocalDate) throws -> Bool) rethrows -> (workingDays: Int, capacity: Double) {
        let days = try workingDays(from: week, to: week.adding(days: 6), isWorkingDay: isWorkingDay)
        var cap = Double(max(0, headcount) * days.count)
        for a in absences {
            let lost = days.filter { $0 >= a.from && $0 <= a.to }.count
            cap -= Double(lost) * a.people
        }
        return (days.count, max(0, cap))
    }

    /// Load in percent of capacity; nil when there is no capacity (then any load is over-allocation).
    public static func percent(planned: Double, capacity: Double) -> Double? {
        capacity > 0 ? planned * 100 / capacity : nil
    }

    /// Over-allocated by at least `threshold` percent: planned exceeds capacity, and by ≥ threshold % of it
    /// (0 = any excess; with no capacity at all, any planned work is over).
    public static func isOver(planned: Double, capacity: Double, threshold: Double = 0) -> Bool {
        guard planned > capacity + 1e-9 else { return false }
        return planned + 1e-9 >= capacity * (1 + max(0, threshold) / 100)
    }

    /// The week starts from `first`'s week through `count` weeks.
    public static func weeks(from first: LocalDate, count: Int) -> [LocalDate] {
        let start = weekStart(first)
        return (0..<max(0, count)).map { start.adding(days: 7 * $0) }
    }

    /// Rounds to hundredths for display and API (loads are sums of fractions).
    public static func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}

/// The shortfall rules of the resource plan, shared by the triggers and the dashboard's resource status.
public enum ResourceShortfalls {
    /// How many days a material is late, or nil when it is not: arrived materials are done (nil); otherwise the later of
    /// the expected arrival and today, against the need-by date.
    public static func materialSlip(needBy: LocalDate, expected: LocalDate?, arrived: LocalDate?, today: LocalDate) -> Int? {
        if arrived != nil { return nil }
        var slip = 0
        if let expected { slip = max(slip, needBy.days(to: expected)) }
        if today > needBy { slip = max(slip, needBy.days(to: today)) }
        return slip > 0 ? slip : nil
    }

    /// Funds still unapproved within `days` of their need-by date.
    public static func fundsPending(needBy: LocalDate, approved: Bool, today: LocalDate, days: Int) -> Bool {
        !approved && today.days(to: needBy) <= days
    }
}
