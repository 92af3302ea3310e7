import Foundation

/// Working-time arithmetic. Internally instants are UTC epoch milliseconds (`Int`), which keeps
/// sub-minute precision exact and the hot path integer-only.
extension WorkCalendar {
    /// Upper bound on a single span, so absurd input fails fast instead of walking centuries.
    static let maxSpanMs = 100 * 366 * 86_400_000
    /// Years crossed without meeting working time before a search gives up (≈ 366 × 3 days).
    static let maxEmptyYears = 3

    /// Earliest instant at which `workingMinutes` of working time has elapsed after `from`.
    /// A start outside working time begins at the next working moment; landing exactly on a
    /// window's end returns that end (12:00, not 13:00); 0 minutes returns the next working moment.
    public func deadline(from: Date, workingMinutes: Int) throws -> Date {
        guard workingMinutes >= 0 else {
            throw CalendarError.invalid(field: "working_minutes", reason: "must not be negative (got \(workingMinutes))")
        }
        guard workingMinutes <= WorkCalendar.maxSpanMs / 60_000 else {
            throw CalendarError.invalid(field: "working_minutes", reason: "\(workingMinutes) is too large")
        }
        return Date(ms: try deadlineMs(from: from.ms, spanMs: workingMinutes * 60_000))
    }

    /// As `deadline(from:workingMinutes:)`, with a span in seconds.
    public func deadline(from: Date, workingSeconds: Int) throws -> Date {
        guard workingSeconds >= 0 else {
            throw CalendarError.invalid(field: "working_seconds", reason: "must not be negative (got \(workingSeconds))")
        }
        guard workingSeconds <= WorkCalendar.maxSpanMs / 1000 else {
            throw CalendarError.invalid(field: "working_seconds", reason: "\(workingSeconds) is too large")
        }
        return Date(ms: try deadlineMs(from: from.ms, spanMs: workingSeconds * 1000))
    }

    /// Whole working minutes in [from, to) (rounded down); 0 when `to` ≤ `from`.
    public func workingMinutes(from: Date, to: Date) throws -> Int {
        try workingMs(from: from.ms, to: to.ms) / 60_000
    }

    /// Whole working seconds in [from, to) (rounded down); 0 when `to` ≤ `from`.
    public func workingSeconds(from: Date, to: Date) throws -> Int {
        try workingMs(from: from.ms, to: to.ms) / 1000
    }

    /// The first working moment at or after `t` (`t` itself when it is inside a window).
    public func nextWorkingMoment(_ t: Date) throws -> Date {
        Date(ms: try nextWorkingMs(t.ms))
    }

    /// Whether the date has any working time.
    public func isWorkingDay(_ date: LocalDate) throws -> Bool {
        if tables.isContinuous { return true }
        let table = try tables.table(year: date.year)
        let k = date.daysSinceEpoch - table.firstDay
        return table.dayFirstWindow[k + 1] > table.dayFirstWindow[k]
    }

    /// The working day `n` working days after (n > 0) or before (n < 0) `date`, not counting
    /// `date` itself; `date` when n == 0.
    public func addWorkingDays(_ date: LocalDate, _ n: Int) throws -> LocalDate {
        guard n != 0 else { return date }
        if tables.isContinuous { return date.adding(days: n) }
        var year = date.year
        var table = try tables.table(year: year)
        let offset = Int32(date.daysSinceEpoch - table.firstDay)
        var need = abs(n)
        var emptyYears = 0
        if n > 0 {
            // Index of the first working day strictly after `date`.
            var k = upperBound(table.workingDays, offset)
            while true {
                let available = table.workingDays.count - k
                if need <= available { return LocalDate(daysSinceEpoch: table.firstDay + Int(table.workingDays[k + need - 1])) }
                need -= available
                emptyYears = available == 0 ? emptyYears + 1 : 0
                if emptyYears > WorkCalendar.maxEmptyYears { throw CalendarError.searchLimitExceeded(calendar: id, from: date) }
                year += 1
                table = try tables.table(year: year)
                k = 0
            }
        } else {
            // Number of working days strictly before `date` in its year.
            var k = lowerBound(table.workingDays, offset)
            while true {
                if need <= k { return LocalDate(daysSinceEpoch: table.firstDay + Int(table.workingDays[k - need])) }
                need -= k
                emptyYears = k == 0 ? emptyYears + 1 : 0
                if emptyYears > WorkCalendar.maxEmptyYears { throw CalendarError.searchLimitExceeded(calendar: id, from: date) }
                year -= 1
                table = try tables.table(year: year)
                k = table.workingDays.count
            }
        }
    }

    /// The date's working windows as instants, in order (for the year view). DST-aware: on a
    /// 23-hour day a 00:00–24:00 window lasts 23 hours.
    public func windows(on date: LocalDate) throws -> [(start: Date, end: Date)] {
        let table = try tables.table(year: date.year)
        let k = date.daysSinceEpoch - table.firstDay
        return (Int(table.dayFirstWindow[k])..<Int(table.dayFirstWindow[k + 1])).map {
            (Date(ms: table.winStart[$0]), Date(ms: table.winEnd[$0]))
        }
    }

    /// The local date (in the calendar's zone) containing `t`.
    public func localDate(of t: Date) -> LocalDate {
        tables.localDate(ofMs: t.ms)
    }

    /// The instant of a local date and time (seconds since local midnight; 86 400 = the next
    /// midnight). A local time skipped by DST is moved forward to the first one that exists.
    public func instant(_ date: LocalDate, secondOfDay: Int) -> Date {
        let base = date.daysSinceEpoch * 86_400
        let timeline = OffsetTimeline(timeZone: timeZone, fromUTC: base - 3 * 86_400, toUTC: base + 4 * 86_400)
        return Date(ms: timeline.utcMs(localSeconds: base + secondOfDay))
    }

    // MARK: - Core (milliseconds)

    func deadlineMs(from: Int, spanMs: Int) throws -> Int {
        if tables.isContinuous { return from + spanMs }
        if spanMs == 0 { return try nextWorkingMs(from) }
        var year = tables.year(ofMs: from)
        var table = try tables.table(year: year)
        var target = table.position(of: from) + spanMs
        var emptyYears = 0
        while target > table.total {
            target -= table.total
            emptyYears = table.total == 0 ? emptyYears + 1 : 0
            if emptyYears > WorkCalendar.maxEmptyYears {
                throw CalendarError.searchLimitExceeded(calendar: id, from: tables.localDate(ofMs: from))
            }
            year += 1
            table = try tables.table(year: year)
        }
        return table.instant(atPosition: target)
    }

    func nextWorkingMs(_ t: Int) throws -> Int {
        if tables.isContinuous { return t }
        var year = tables.year(ofMs: t)
        var table = try tables.table(year: year)
        var i = table.firstWindow(endingAfter: t)
        var emptyYears = 0
        while i == table.winEnd.count {
            if table.total == 0 { emptyYears += 1 }
            if emptyYears > WorkCalendar.maxEmptyYears {
                throw CalendarError.searchLimitExceeded(calendar: id, from: tables.localDate(ofMs: t))
            }
            year += 1
            table = try tables.table(year: year)
            i = 0
        }
        return max(t, table.winStart[i])
    }

    func workingMs(from: Int, to: Int) throws -> Int {
        guard to > from else { return 0 }
        if tables.isContinuous { return to - from }
        // [from, to) is half-open: a span ending exactly at New Year's midnight does not touch
        // the new year (and must not demand its statutory data).
        let yf = tables.year(ofMs: from), yt = tables.year(ofMs: to - 1)
        let tf = try tables.table(year: yf)
        if yf == yt { return tf.position(of: to) - tf.position(of: from) }
        guard yt - yf <= 100 * 2 else {
            throw CalendarError.invalid(field: "to", reason: "span of \(yt - yf) years is too large")
        }
        var sum = tf.total - tf.position(of: from)
        for y in (yf + 1)..<yt { sum += try tables.table(year: y).total }
        return sum + (try tables.table(year: yt)).position(of: to)
    }
}

@inline(__always)
private func upperBound(_ a: [Int32], _ v: Int32) -> Int {
    var lo = 0, hi = a.count
    while lo < hi {
        let mid = (lo + hi) >> 1
        if a[mid] > v { hi = mid } else { lo = mid + 1 }
    }
    return lo
}

@inline(__always)
private func lowerBound(_ a: [Int32], _ v: Int32) -> Int {
    var lo = 0, hi = a.count
    while lo < hi {
        let mid = (lo + hi) >> 1
        if a[mid] >= v { hi = mid } else { lo = mid + 1 }
    }
    return lo
}

extension Date {
    /// Epoch milliseconds, rounded so that a round trip through `init(ms:)` is exact.
    @inline(__always)
    var ms: Int { Int((timeIntervalSince1970 * 1000).rounded()) }

    @inline(__always)
    init(ms: Int) { self.init(timeIntervalSince1970: Double(ms) / 1000) }
}
