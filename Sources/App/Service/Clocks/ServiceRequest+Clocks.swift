import Fluent
import Foundation
import LvyueCore
import Vapor

/// One clock of a request as the API shows it: due time, state, working minutes elapsed and left, and its log.
struct ClockView: Content, Sendable {
    struct LogEntry: Content, Sendable {
        var kind: String
        var at: Date
        var calendarId: String
    }
    var name: String
    var state: String
    var calendarId: String
    var startedAt: Date?
    var dueAt: Date?
    var warningAt: Date?
    var stoppedAt: Date?
    var targetWorkingMinutes: Int
    var elapsedWorkingMinutes: Int
    /// Negative when overdue.
    var remainingWorkingMinutes: Int
    /// For objection.resolve: the objection.
    var subjectId: UUID?
    var log: [LogEntry]

    init(_ s: ClockStatus, subjectId: UUID? = nil) {
        name = s.name
        state = s.state.rawValue
        calendarId = s.calendarId
        startedAt = s.startedAt
        dueAt = s.dueAt
        warningAt = s.warningAt
        stoppedAt = s.stoppedAt
        targetWorkingMinutes = s.targetWorkingSeconds / 60
        elapsedWorkingMinutes = s.elapsedWorkingSeconds / 60
        remainingWorkingMinutes = Int((Double(s.remainingWorkingSeconds) / 60).rounded(.down))
        self.subjectId = subjectId
        log = s.log.map { LogEntry(kind: $0.kind.rawValue, at: $0.at, calendarId: $0.calendarId) }
    }
}

/// Evaluates the clocks of service requests, inspections and objections with the clock engine, on the right
/// calendars, replaying each item's history.
struct ServiceClockContext: Sendable {
    let registry: CalendarRegistry

    /// The calendar a clock runs on: its definition's, else the request's (the plan's coverage calendar).
    func calendar(for definition: ClockDefinition, default fallback: String, on db: any Database) async throws -> WorkCalendar {
        try await registry.calendar(definition.calendarId ?? fallback, on: db)
    }

    func definition(_ name: String, policy: ClockPolicy) throws -> ClockDefinition {
        guard let d = StandardClocks.definition(named: name, policy: policy) else {
            throw AppError.unprocessable(code: "unknown_clock", message: "no standard clock named \(name)")
        }
        return d
    }

    func requestClocks(_ r: ServiceRequest, events: [ServiceRequestEvent], now: Date, on db: any Database) async throws -> [ClockStatus] {
        let history = events.map { ServiceClocks.HistoryEvent($0.type, at: $0.at) }
        let plans = ServiceClocks.clocks(urgency: r.urgency.rawValue, remoteSolvable: r.remoteSolvable, history: history)
        let policy = r.clockPolicy
        var out: [ClockStatus] = []
        // A request's clocks mostly share one calendar: read each calendar once per evaluation, not once per clock.
        var loaded: [String: WorkCalendar] = [:]
        for p in plans {
            let d = try definition(p.name, policy: policy)
            let calendarID = d.calendarId ?? r.calendarID
            let cal: WorkCalendar
            if let hit = loaded[calendarID] { cal = hit } else {
                cal = try await registry.calendar(calendarID, on: db)
                loaded[calendarID] = cal
            }
            out.append(try CalendarErrors.mapping { try ClockEngine.evaluate(definition: d, calendar: cal, events: p.inputs, now: now) })
        }
        return out
    }

    func objectionClock(_ o: Objection, policy: ClockPolicy, now: Date, on db: any Database) async throws -> ClockStatus {
        let d = try definition(StandardClocks.objectionResolve.name, policy: policy)
        let cal = try await calendar(for: d, default: "7x24", on: db)
        var inputs = [ClockInput(.start, at: o.raisedAt)]
        if let r = o.resolvedAt { inputs.append(ClockInput(.stop, at: r)) }
        return try CalendarErrors.mapping { try ClockEngine.evaluate(definition: d, calendar: cal, events: inputs, now: now) }
    }

    /// The confirm-by instant as people read it: n working days before the visit, at the visit's time of day
    /// (the engine's due instant is the same point in working time, possibly the previous evening).
    func inspectionConfirmDue(_ i: Inspection, policy: ClockPolicy, on db: any Database) async throws -> Date? {
        let d = try definition(StandardClocks.inspectionConfirm.name, policy: policy)
        guard case .workingDaysBeforeAnchor(let n) = d.target else { return nil }
        let cal = try await calendar(for: d, default: "cn-workday", on: db)
        let visit = cal.localDate(of: i.visitAt)
        let seconds = Int(i.visitAt.timeIntervalSince(cal.instant(visit, secondOfDay: 0)))
        return try CalendarErrors.mapping { cal.instant(try cal.addWorkingDays(visit, -n), secondOfDay: seconds) }
    }

    func inspectionClock(_ i: Inspection, policy: ClockPolicy, now: Date, on db: any Database) async throws -> ClockStatus {
        let d = try definition(StandardClocks.inspectionConfirm.name, policy: policy)
        let cal = try await calendar(for: d, default: "cn-workday", on: db)
        var inputs = [ClockInput(.start, at: i.plannedAt)]
        if let c = i.confirmedAt { inputs.append(ClockInput(.stop, at: c)) }
        return try CalendarErrors.mapping {
            try ClockEngine.evaluate(definition: d, calendar: cal, events: inputs, now: max(now, i.plannedAt), anchor: i.visitAt)
        }
    }
}

extension Application {
    var serviceClocks: ServiceClockContext { ServiceClockContext(registry: calendars) }
}

/// Keeps alerts in step with service clocks: one warning at 75 % and one breach per clock firing (the unique key of
/// `AlertFiring` makes a second evaluation a no-op), resolved when the clock stops.
enum ServiceAlerts {
    struct Subject: Sendable {
        var source: AlertSource
        var id: UUID
        var contractID: UUID?
        var label: String
        var link: String
        var users: Set<UUID>
        var departments: Set<UUID>
    }

    /// Clocks that start again on a reopen fire again; others keep their first firing.
    static func seq(for clock: String, reopenCount: Int) -> Int {
        ["normal.solve", "service.follow_up"].contains(clock) ? reopenCount + 1 : 1
    }

    /// Fires what the clock has reached, resolves alerts of a stopped clock. Returns the next instant worth a look
    /// (nil when none) and how many alerts this call created.
    static func process(_ clock: ClockStatus, seq: Int, subject: Subject, existing: [Alert], on db: any Database,
                        ctx: MonitorContext) async throws -> (next: Date?, fired: Int) {
        let warnKey = clock.name + ".warning", breachKey = clock.name + ".breach"
        let mine = existing.filter { $0.conditionKey == warnKey || $0.conditionKey == breachKey }
        if clock.stoppedAt != nil || clock.state == .pending {
            for a in mine where a.status != .resolved { try await AlertFiring.resolve(a, on: db, ctx: ctx) }
            return (nil, 0)
        }
        let hasWarn = mine.contains { $0.conditionKey == warnKey && $0.firingSeq == seq }
        let hasBreach = mine.contains { $0.conditionKey == breachKey && $0.firingSeq == seq }
        var fired = 0
        switch clock.state {
        case .breached:
            if !hasBreach, try await fire(clock, level: .breach, key: breachKey, seq: seq, subject: subject, on: db, ctx: ctx) { fired += 1 }
            return (nil, fired)
        case .running:
            var warned = hasWarn
            if let w = clock.warningAt, w <= ctx.now, !hasWarn {
                if try await fire(clock, level: .warning, key: warnKey, seq: seq, subject: subject, on: db, ctx: ctx) { fired += 1 }
                warned = true
            }
            // A clock due at the end of a working window breaches only once working time passes again: look again
            // every few minutes rather than every sweep.
            let next = warned ? clock.dueAt : (clock.warningAt ?? clock.dueAt)
            return (next.map { max($0, ctx.now.addingTimeInterval(300)) }, fired)
        default:
            return (nil, 0)
        }
    }

    private static func fire(_ clock: ClockStatus, level: AlertLevel, key: String, seq: Int, subject: Subject,
                             on db: any Database, ctx: MonitorContext) async throws -> Bool {
        let message = Message(level == .breach ? "alert.service_clock_breach" : "alert.service_clock_warning",
                              ["subject": subject.label, "clock": clock.name, "due": clock.dueAt.map { JSONCoding.formatInstant($0) } ?? "",
                               "calendar": clock.calendarId, "elapsed": "\(clock.elapsedWorkingSeconds / 60)",
                               "target": "\(clock.targetWorkingSeconds / 60)"])
        guard let alert = try await AlertFiring.fire(.init(key: .init(source: subject.source, sourceID: subject.id, condition: key), seq: seq,
                                                          contractID: subject.contractID, milestoneID: nil, level: level, message: message),
                                                    on: db, ctx: ctx) else { return false }
        try await Notifier.emit(Notifier.outgoing(level == .breach ? .serviceClockBreach : .serviceClockWarning, key: "alert:\(alert.id!.uuidString)",
                                                  message, link: subject.link, users: subject.users, departments: subject.departments), on: db, ctx: ctx)
        return true
    }

    /// Service desk users and the engineer: the people told about a request's clocks.
    static func people(engineer: UUID?, department: UUID?, on db: any Database) async throws -> (users: Set<UUID>, departments: Set<UUID>) {
        var users = Set(try await User.query(on: db).filter(\.$role == .serviceDesk).filter(\.$active == true).all().compactMap(\.id))
        if let engineer { users.insert(engineer) }
        var departments: Set<UUID> = []
        if let department { departments.insert(department) }
        return (users, departments)
    }
}

/// Chinese names of the clocks for alert and notification texts.
enum ServiceText {
    static let clockZh: [String: String] = [
        "service.confirm": "1小时内确认需求", "urgent.respond": "紧急故障2小时内响应", "urgent.remote": "30分钟内远程支持",
        "urgent.onsite": "4小时内到达现场", "normal.respond": "一般需求4小时内响应", "normal.solve": "24小时内给出解决方案",
        "inspection.confirm": "提前3个工作日确认巡检时间", "service.follow_up": "24小时内电话回访", "objection.resolve": "48小时内解决异议",
    ]
}

/// API links of service alerts.
enum ServiceLinks {
    static func alertLinks(_ source: AlertSource, _ id: UUID) -> [String: String] {
        let s = id.uuidString.lowercased()
        switch source {
        case .serviceRequest: return ["service_request": "/api/v1/service-requests/\(s)"]
        case .inspection: return ["inspection": "/api/v1/inspections/\(s)"]
        case .objection: return ["objection": "/api/v1/objections/\(s)"]
        default: return [:]
        }
    }
}
