import Foundation

/// Evaluates a clock by replaying an item's history on a calendar. Nothing is stored between
/// calls: a pause recorded late, or removed, simply changes the input and the result with it.
public enum ClockEngine {
    /// - Parameters:
    ///   - events: start / stop / pause / resume in any order. Events after `now` are ignored;
    ///     a pause before the start means the item was created paused; repeated pauses (or
    ///     resumes) count once; only the first start and first stop after it count.
    ///   - anchor: the reference instant of anchored targets (`…BeforeAnchor`), e.g. the visit.
    public static func evaluate(
        definition: ClockDefinition, calendar: WorkCalendar, events: [ClockInput], now: Date, anchor: Date? = nil
    ) throws -> ClockStatus {
        if let expected = definition.calendarId, expected != calendar.id {
            throw CalendarError.invalid(
                field: "calendar",
                reason: "clock \(definition.name) runs on \(expected) but was evaluated on \(calendar.id)")
        }
        guard definition.warningRatio > 0, definition.warningRatio <= 1 else {
            throw CalendarError.invalid(field: "warning_ratio", reason: "must be in (0, 1], got \(definition.warningRatio)")
        }
        guard definition.target.value >= 0 else {
            throw CalendarError.invalid(field: "target.value", reason: "must not be negative")
        }
        let nowMs = now.ms
        let history = replay(events, nowMs: nowMs)
        let meter = Meter(calendar: calendar, wall: definition.target.isWallClock)

        guard let start = history.start else {
            let target: Int
            if case let .workingMinutes(m) = definition.target { target = m * 60 } else { target = 0 }
            return ClockStatus(
                name: definition.name, state: .pending, calendarId: calendar.id, startedAt: nil, dueAt: nil,
                stoppedAt: nil, warningAt: nil, targetWorkingSeconds: target, elapsedWorkingSeconds: 0,
                remainingWorkingSeconds: target, log: [])
        }

        let budget = try Budget(target: definition.target, start: start, anchor: anchor?.ms, meter: meter)
        let endMs = history.stop ?? nowMs
        var elapsed = 0
        for seg in history.segments {
            elapsed += try meter.work(seg.from, min(seg.to ?? endMs, endMs))
        }

        var due: Int
        if let late = budget.lateDue {
            due = late
        } else {
            due = try reach(budget.ms, history: history, meter: meter, end: endMs)
            if budget.snapToNextWorkingMoment { due = try meter.next(due) }
        }
        let warningThreshold = Int((Double(budget.ms) * definition.warningRatio).rounded(.up))
        let warningReached = budget.ms > 0 && elapsed >= warningThreshold
        var warning: Int? = budget.ms > 0 && budget.lateDue == nil
            ? try reach(warningThreshold, history: history, meter: meter, end: endMs) : nil
        if history.stop != nil && !warningReached { warning = nil }
        let overdue = elapsed > budget.ms

        let state: ClockState
        if history.stop != nil {
            state = overdue ? .breached : .met
        } else if overdue {
            state = .breached
        } else {
            state = history.pausedAtEnd ? .paused : .running
        }

        var log = history.log
        if warningReached, let warning { log.append((.warning, warning)) }
        if overdue { log.append((.breached, budget.lateDue.map { _ in start } ?? due)) }
        if let stop = history.stop { log.append((overdue ? .stopped : .met, stop)) }
        let ordered = log.enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }

        return ClockStatus(
            name: definition.name, state: state, calendarId: calendar.id,
            startedAt: Date(ms: start), dueAt: Date(ms: due), stoppedAt: history.stop.map(Date.init(ms:)),
            warningAt: warning.map(Date.init(ms:)), targetWorkingSeconds: budget.ms / 1000,
            elapsedWorkingSeconds: elapsed / 1000, remainingWorkingSeconds: (budget.ms - elapsed).floorDiv(1000),
            log: ordered.map { ClockEvent(kind: $0.element.0, at: Date(ms: $0.element.1), calendarId: calendar.id) })
    }

    /// The instant at which the running segments accumulate `threshold` ms of working time. If
    /// the history ends (stopped or paused) first, it is projected as if the clock ran on from the
    /// end of history (stop, or `now` while paused).
    private static func reach(_ threshold: Int, history: History, meter: Meter, end: Int) throws -> Int {
        var cum = 0
        for seg in history.segments {
            guard let to = seg.to else { return try meter.deadline(seg.from, threshold - cum) }
            let w = try meter.work(seg.from, to)
            if cum + w >= threshold && (w > 0 || threshold == cum) {
                return try meter.deadline(seg.from, threshold - cum)
            }
            cum += w
        }
        return try meter.deadline(end, threshold - cum)
    }

    // MARK: - Replay

    struct History {
        var start: Int?
        var stop: Int?
        /// Running intervals; `to == nil` for the one still running.
        var segments: [(from: Int, to: Int?)] = []
        var pausedAtEnd = false
        var log: [(ClockEvent.Kind, Int)] = []
    }

    static func replay(_ events: [ClockInput], nowMs: Int) -> History {
        func rank(_ k: ClockInput.Kind) -> Int {
            switch k {
            case .start: return 0
            case .pause, .resume: return 1
            case .stop: return 2
            }
        }
        let sorted = events.enumerated()
            .map { (kind: $0.element.kind, at: $0.element.at.ms, order: $0.offset) }
            .filter { $0.at <= nowMs }
            .sorted { ($0.at, rank($0.kind), $0.order) < ($1.at, rank($1.kind), $1.order) }
        var h = History()
        var paused = false
        var runFrom: Int?
        for e in sorted where h.stop == nil {
            switch e.kind {
            case .start:
                guard h.start == nil else { continue }
                h.start = e.at
                h.log.append((.started, e.at))
                if paused { h.log.append((.paused, e.at)) } else { runFrom = e.at }
            case .pause:
                guard !paused else { continue }
                paused = true
                if let from = runFrom {
                    h.segments.append((from, e.at))
                    h.log.append((.paused, e.at))
                    runFrom = nil
                }
            case .resume:
                guard paused else { continue }
                paused = false
                if h.start != nil {
                    runFrom = e.at
                    h.log.append((.resumed, e.at))
                }
            case .stop:
                guard h.start != nil else { continue }
                h.stop = e.at
                if let from = runFrom { h.segments.append((from, e.at)) }
                runFrom = nil
            }
        }
        if let from = runFrom { h.segments.append((from, nil)) }
        h.pausedAtEnd = paused && h.stop == nil
        return h
    }
}

/// Working-time measurement for a clock: the calendar's, or plain elapsed time for calendar-day
/// targets (which still use the calendar's zone to find "the same local time n days later").
struct Meter {
    let calendar: WorkCalendar
    let wall: Bool

    func work(_ a: Int, _ b: Int) throws -> Int { wall ? max(0, b - a) : try calendar.workingMs(from: a, to: b) }
    func deadline(_ a: Int, _ span: Int) throws -> Int { wall ? a + span : try calendar.deadlineMs(from: a, spanMs: span) }
    func next(_ t: Int) throws -> Int { wall ? t : try calendar.nextWorkingMs(t) }
}

/// A target turned into a working-time budget for one particular start.
struct Budget {
    var ms: Int
    /// Working-day targets are due at a wall-clock time ("same time next working day"); when the
    /// budget runs out exactly at a window's end, that time is the next window's start.
    var snapToNextWorkingMoment = false
    /// Set when an anchored target was already due before the clock started.
    var lateDue: Int?

    init(target: ClockTarget, start: Int, anchor: Int?, meter: Meter) throws {
        let cal = meter.calendar
        if target.needsAnchor && anchor == nil {
            throw CalendarError.invalid(field: "anchor", reason: "target \(target) needs an anchor instant")
        }
        switch target {
        case let .workingMinutes(m):
            ms = m * 60_000
        case let .workingDays(n):
            let s = try cal.nextWorkingMs(start)
            let (date, msOfDay) = cal.localParts(ofMs: s)
            let due = cal.utcMs(try cal.addWorkingDays(date, n), msOfDay: msOfDay)
            ms = try cal.workingMs(from: s, to: due)
            snapToNextWorkingMoment = true
        case let .calendarDays(n):
            let (date, msOfDay) = cal.localParts(ofMs: start)
            ms = cal.utcMs(date.adding(days: n), msOfDay: msOfDay) - start
        case let .workingDaysBeforeAnchor(n):
            let (date, msOfDay) = cal.localParts(ofMs: anchor!)
            let due = cal.utcMs(try cal.addWorkingDays(date, -n), msOfDay: msOfDay)
            ms = try meter.work(start, due)
            if due <= start { lateDue = due }
        case let .calendarDaysBeforeAnchor(n):
            let (date, msOfDay) = cal.localParts(ofMs: anchor!)
            let due = cal.utcMs(date.adding(days: -n), msOfDay: msOfDay)
            ms = max(0, due - start)
            if due <= start { lateDue = due }
        }
    }
}

extension ClockTarget {
    var isWallClock: Bool {
        switch self {
        case .calendarDays, .calendarDaysBeforeAnchor: return true
        default: return false
        }
    }
}

extension WorkCalendar {
    /// Local date and milliseconds since local midnight (wall clock) of an instant.
    func localParts(ofMs ms: Int) -> (LocalDate, Int) {
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(ms.floorDiv(1000)))) * 1000
        let local = ms + offset
        let day = local.floorDiv(86_400_000)
        return (LocalDate(daysSinceEpoch: day), local - day * 86_400_000)
    }

    /// The instant of a local wall-clock time; DST gaps skip forward.
    func utcMs(_ date: LocalDate, msOfDay: Int) -> Int {
        instant(date, secondOfDay: msOfDay / 1000).ms + msOfDay % 1000
    }
}
