import Foundation

/// One local year of a calendar, flattened to UTC: every working window as [start, end) in epoch
/// milliseconds, plus the working time accumulated before each window ends. Immutable once built.
final class YearTable: Sendable {
    let year: Int
    /// Jan 1 of `year`, as days since epoch.
    let firstDay: Int
    let dayCount: Int
    /// Local midnights of Jan 1 and of the next Jan 1, in UTC ms: the table covers [startMs, endMs).
    let startMs: Int
    let endMs: Int
    let winStart: [Int]
    let winEnd: [Int]
    /// Working ms in this year up to the end of window i.
    let cumEnd: [Int]
    /// Windows of day k (0-based in the year) are `dayFirstWindow[k] ..< dayFirstWindow[k + 1]`.
    let dayFirstWindow: [Int32]
    /// Day offsets (0-based in the year) that have working time, ascending.
    let workingDays: [Int32]
    let total: Int

    init(year: Int, rules: DayRules, timeline: OffsetTimeline) {
        let first = LocalDate.firstDay(ofYear: year)
        let next = LocalDate.firstDay(ofYear: year + 1)
        self.year = year
        self.firstDay = first.daysSinceEpoch
        self.dayCount = first.days(to: next)
        self.startMs = timeline.utcMs(localSeconds: first.daysSinceEpoch * 86_400)
        self.endMs = timeline.utcMs(localSeconds: next.daysSinceEpoch * 86_400)
        var starts: [Int] = [], ends: [Int] = [], cum: [Int] = [], dayFirst: [Int32] = [], working: [Int32] = []
        starts.reserveCapacity(dayCount * 2)
        ends.reserveCapacity(dayCount * 2)
        cum.reserveCapacity(dayCount * 2)
        dayFirst.reserveCapacity(dayCount + 1)
        var total = 0
        for k in 0..<dayCount {
            dayFirst.append(Int32(starts.count))
            let date = LocalDate(daysSinceEpoch: firstDay + k)
            let midnight = date.daysSinceEpoch * 86_400
            var worked = false
            for w in rules.windows(on: date) {
                let s = timeline.utcMs(localSeconds: midnight + w.startMinute * 60)
                let e = timeline.utcMs(localSeconds: midnight + w.endMinute * 60)
                // A window swallowed by a spring-forward gap has no length; dropping it keeps
                // cumEnd strictly increasing, which the searches rely on.
                guard e > s else { continue }
                total += e - s
                starts.append(s)
                ends.append(e)
                cum.append(total)
                worked = true
            }
            if worked { working.append(Int32(k)) }
        }
        dayFirst.append(Int32(starts.count))
        self.winStart = starts
        self.winEnd = ends
        self.cumEnd = cum
        self.dayFirstWindow = dayFirst
        self.workingDays = working
        self.total = total
    }

    /// Index of the first window ending after `ms` (== count when none is left in the year).
    @inline(__always)
    func firstWindow(endingAfter ms: Int) -> Int {
        var lo = 0, hi = winEnd.count
        winEnd.withUnsafeBufferPointer { e in
            while lo < hi {
                let mid = (lo + hi) >> 1
                if e[mid] > ms { hi = mid } else { lo = mid + 1 }
            }
        }
        return lo
    }

    /// Working ms elapsed in this year before instant `ms`.
    @inline(__always)
    func position(of ms: Int) -> Int {
        let i = firstWindow(endingAfter: ms)
        guard i < winEnd.count else { return total }
        let before = cumEnd[i] - (winEnd[i] - winStart[i])
        return before + max(0, ms - winStart[i])
    }

    /// The instant at which working position `pos` (0 < pos ≤ total) is reached; a position that
    /// falls exactly on a window's end yields that end, not the next window's start.
    @inline(__always)
    func instant(atPosition pos: Int) -> Int {
        var lo = 0, hi = cumEnd.count
        cumEnd.withUnsafeBufferPointer { c in
            while lo < hi {
                let mid = (lo + hi) >> 1
                if c[mid] >= pos { hi = mid } else { lo = mid + 1 }
            }
        }
        return winEnd[lo] - (cumEnd[lo] - pos)
    }
}

/// UTC offsets of a zone over a span, from Foundation's transition list, so that local → UTC
/// conversion inside a table build is arithmetic rather than a Foundation call per window.
struct OffsetTimeline {
    /// (instant in UTC seconds, offset in seconds from then on), ascending; first entry covers the start.
    private var changes: [(at: Int, offset: Int)]

    init(timeZone: TimeZone, fromUTC start: Int, toUTC end: Int) {
        var changes = [(at: Int.min, offset: timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(start))))]
        var cursor = Date(timeIntervalSince1970: Double(start))
        while let t = timeZone.nextDaylightSavingTimeTransition(after: cursor), t.timeIntervalSince1970 <= Double(end) {
            let at = Int(t.timeIntervalSince1970.rounded())
            let offset = timeZone.secondsFromGMT(for: t)
            if offset != changes[changes.count - 1].offset { changes.append((at, offset)) }
            cursor = t
        }
        self.changes = changes
    }

    func offset(atUTC t: Int) -> Int {
        var result = changes[0].offset
        for c in changes where c.at <= t { result = c.offset }
        return result
    }

    /// Local wall-clock seconds (as if UTC) → UTC milliseconds. An ambiguous local time (autumn)
    /// takes its first occurrence; a local time that does not exist (spring gap) is skipped
    /// forward to the transition instant, i.e. the first local time that does exist.
    func utcMs(localSeconds l: Int) -> Int {
        // Every valid offset lies within ±1 day, so the candidates are the offsets a day either side.
        let before = offset(atUTC: l - 86_400), after = offset(atUTC: l + 86_400)
        var best: Int?
        for o in [before, after] where offset(atUTC: l - o) == o {
            best = min(best ?? Int.max, l - o)
        }
        if let best { return best * 1000 }
        // In a gap: the transition lies between l - after and l - before.
        let transition = changes.first { $0.at > l - 86_400 - 86_400 && $0.at >= l - max(before, after) }?.at
        return (transition ?? (l - before)) * 1000
    }
}

/// The derived state of a calendar: the rules plus per-year tables. Tables of statutory years are
/// built eagerly at definition time (they are the years that will be used, and it keeps the hot
/// path lock-free); any other year is built once on first use behind a lock.
final class CalendarTables: @unchecked Sendable {
    // @unchecked: `lazy` is only touched under `lock`; everything else is immutable.
    let id: String
    let timeZone: TimeZone
    let rules: DayRules
    let statutoryYears: Set<Int>?
    let isContinuous: Bool
    /// Offset in ms used to guess the local year of an instant (exact away from Jan 1).
    let guessOffsetMs: Int
    private let eagerBase: Int
    private let eager: [YearTable?]
    private let lock = NSLock()
    private var lazy: [Int: YearTable] = [:]

    static let supportedYears = 1800...2400

    init(id: String, timeZone: TimeZone, rules: DayRules, statutoryYears: Set<Int>?) {
        self.id = id
        self.timeZone = timeZone
        self.rules = rules
        self.statutoryYears = statutoryYears
        self.isContinuous = statutoryYears == nil && rules.isContinuous
        self.guessOffsetMs = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 1_767_225_600)) * 1000
        let years = (statutoryYears ?? []).filter { CalendarTables.supportedYears.contains($0) }
        if let lo = years.min(), let hi = years.max() {
            eagerBase = lo
            eager = (lo...hi).map { years.contains($0) ? CalendarTables.build(year: $0, timeZone: timeZone, rules: rules) : nil }
        } else {
            eagerBase = 0
            eager = []
        }
    }

    static func build(year: Int, timeZone: TimeZone, rules: DayRules) -> YearTable {
        let from = LocalDate.firstDay(ofYear: year).daysSinceEpoch * 86_400 - 3 * 86_400
        let to = LocalDate.firstDay(ofYear: year + 1).daysSinceEpoch * 86_400 + 3 * 86_400
        return YearTable(year: year, rules: rules, timeline: OffsetTimeline(timeZone: timeZone, fromUTC: from, toUTC: to))
    }

    /// The table of a local year; throws for years without statutory data or out of range.
    @inline(__always)
    func table(year: Int) throws -> YearTable {
        let i = year - eagerBase
        if i >= 0 && i < eager.count, let t = eager[i] { return t }
        return try slowTable(year: year)
    }

    private func slowTable(year: Int) throws -> YearTable {
        if let years = statutoryYears, !years.contains(year) {
            throw CalendarError.dataMissing(calendar: id, year: year)
        }
        guard CalendarTables.supportedYears.contains(year) else {
            throw CalendarError.invalid(field: "date", reason: "year \(year) is outside the supported range 1800–2400")
        }
        lock.lock()
        if let t = lazy[year] { lock.unlock(); return t }
        lock.unlock()
        // Built outside the lock so one slow build does not stall other threads; a racing
        // duplicate build is harmless (same immutable result, first one stored wins).
        let built = CalendarTables.build(year: year, timeZone: timeZone, rules: rules)
        lock.lock()
        defer { lock.unlock() }
        if let t = lazy[year] { return t }
        lazy[year] = built
        return built
    }

    /// The local year containing UTC instant `ms`.
    @inline(__always)
    func year(ofMs ms: Int) -> Int {
        let localDays = (ms + guessOffsetMs).floorDiv(86_400_000)
        let date = LocalDate(daysSinceEpoch: localDays)
        let c = date.civil
        // Near New Year the guessed offset may be off by a DST shift or a zone change: ask Foundation.
        if (c.month == 12 && c.day >= 30) || (c.month == 1 && c.day <= 2) {
            let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(ms.floorDiv(1000)))) * 1000
            return LocalDate(daysSinceEpoch: (ms + offset).floorDiv(86_400_000)).year
        }
        return c.year
    }

    /// The local date containing UTC instant `ms` (exact; uses Foundation for the offset).
    func localDate(ofMs ms: Int) -> LocalDate {
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(ms.floorDiv(1000)))) * 1000
        return LocalDate(daysSinceEpoch: (ms + offset).floorDiv(86_400_000))
    }
}

extension Int {
    @inline(__always)
    func floorDiv(_ d: Int) -> Int {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
