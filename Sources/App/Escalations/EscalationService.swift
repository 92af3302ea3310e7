import Fluent
import Foundation
import LvyueCore
import Vapor

/// The use cases of the Issue Escalation Form (模板3): raise (with the 24 h escalation.raise clock), change,
/// move through its states, hold coordination meetings (which set the escalation.resolve deadline), and — in the
/// sweeper — level up when a deadline passes.
enum EscalationService {
    static let defaultResolveHours = 48

    static func create(_ app: Application, actor: Actor, _ input: EscalationCreateInput) async throws -> EscalationResponse {
        let now = app.deps.now()
        let ctx = MonitorContext(now: now, newID: app.deps.newID, actor: actor)
        var check = FieldCheck()
        let description = check.text(input.description, "description", max: 4000)
        let impact = check.text(input.impact, "impact", max: 4000, required: false)
        let initialFix = check.text(input.initialFix, "initial_fix", max: 4000, required: false)
        let level = check.range(input.level ?? 1, "level", 1...3)
        if input.contractId == nil { check.fail("contract_id", "is required") }
        let raisedAt = input.raisedAt ?? now
        let detectedAt = input.detectedAt ?? raisedAt
        if raisedAt > now.addingTimeInterval(300) { check.fail("raised_at", "must not be in the future") }
        if detectedAt > raisedAt { check.fail("detected_at", "must not be after raised_at") }
        if let d = input.departments, d.count > 20 { check.fail("departments", "at most 20 departments") }
        try check.throwIfAny()
        let departments = Array(Set(input.departments ?? [])).sorted { $0.uuidString < $1.uuidString }
        let raiseCalendar = try await app.calendars.calendar(StandardClocks.escalationRaise.calendarId ?? "7x24", on: app.db)
        let resolveCalendar = try await app.calendars.calendar(StandardClocks.escalationResolve.calendarId ?? "7x24", on: app.db)

        return try await Store.write(app) { db in
            guard let contract = try await Contract.find(input.contractId!, on: db) else {
                throw AppError.invalid(fields: ["contract_id": "no such contract"])
            }
            if let mid = input.milestoneId {
                guard let m = try await Milestone.find(mid, on: db), m.$contract.id == contract.id else {
                    throw AppError.invalid(fields: ["milestone_id": "no such milestone in this contract"])
                }
            }
            if let rid = input.riskId {
                guard let r = try await Risk.find(rid, on: db), r.$contract.id == contract.id else {
                    throw AppError.invalid(fields: ["risk_id": "no such risk in this contract"])
                }
            }
            if let aid = input.alertId, try await Alert.find(aid, on: db) == nil {
                throw AppError.invalid(fields: ["alert_id": "no such alert"])
            }
            if let qid = input.qualityResultId, try await QualityResult.find(qid, on: db) == nil {
                throw AppError.invalid(fields: ["quality_result_id": "no such quality result"])
            }
            if !departments.isEmpty, try await Department.query(on: db).filter(\.$id ~~ departments).count() != departments.count {
                throw AppError.invalid(fields: ["departments": "names a department that does not exist"])
            }
            // 模板3 must be filed within 24 h of detection: the escalation.raise clock, stopped by raising it.
            let raise = try CalendarErrors.mapping {
                try ClockEngine.evaluate(definition: StandardClocks.escalationRaise, calendar: raiseCalendar,
                                         events: [ClockInput(.start, at: detectedAt), ClockInput(.stop, at: raisedAt)], now: max(now, raisedAt))
            }
            let resolve = try CalendarErrors.mapping {
                try ClockEngine.evaluate(definition: StandardClocks.escalationResolve, calendar: resolveCalendar,
                                         events: [ClockInput(.start, at: raisedAt)], now: raisedAt)
            }
            let year = LocalDate(date: raisedAt, in: JSONCoding.displayTimeZone).year
            let n = try await Counters.next("escalation.\(year)", on: db)
            let e = Escalation()
            e.id = ctx.newID()
            e.number = DocumentNumber.make("ESC", year: year, n, digits: 4)
            e.$contract.id = contract.id!
            e.$milestone.id = input.milestoneId
            e.riskID = input.riskId
            e.alertID = input.alertId
            e.qualityResultID = input.qualityResultId
            e.detectedAt = detectedAt
            e.raisedAt = raisedAt
            e.raiseDueAt = raise.dueAt ?? detectedAt.addingTimeInterval(86400)
            e.raisedOnTime = raise.state == .met
            e.summary = description!
            e.impact = impact
            e.initialFix = initialFix
            e.level = level!
            e.departments = departments
            e.status = .open
            e.resolveBy = resolve.dueAt ?? raisedAt.addingTimeInterval(Double(defaultResolveHours) * 3600)
            e.deadlineSeq = 1
            e.overdueHandledSeq = 0
            e.raisedByID = actor.id
            e.raisedByName = actor.name
            e.version = 1
            try await e.create(on: db)
            try await event(e, "raised", from: nil, to: e.raisedOnTime ? "on_time" : "late",
                            message: e.raisedOnTime ? nil : Message("esc_note.raised_late"), on: db, ctx: ctx)
            let after = e.response(ResponseContext(now: now))
            try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: Escalation.entityType,
                                      entityID: e.id!.uuidString, after: after)
            let people = try await chainPeople(level: e.level, on: db)
            var users = people.users
            if let o = contract.$owner.id { users.insert(o) }
            try await Notifier.emit(Notifier.outgoing(.escalationRaised, key: "escalation:\(e.id!.uuidString):raised",
                                                      Message(e.raisedOnTime ? "notice.escalation_raised" : "notice.escalation_raised_late",
                                                              ["escalation": e.number, "contract": contract.number, "contract_title": contract.title,
                                                               "summary": e.summary, "level": "\(e.level)"]),
                                          link: SitePaths.escalation(e.id!), users: users,
                                          departments: people.departments.union(departments).union([contract.$department.id].compactMap { $0 })),
                                    on: db, ctx: ctx)
            return after
        }
    }

    static func update(_ app: Application, actor: Actor, id: UUID, expectedVersion: Int?, _ input: EscalationPatchInput) async throws -> EscalationResponse {
        let now = app.deps.now()
        let ctx = MonitorContext(now: now, newID: app.deps.newID, actor: actor)
        return try await Store.write(app) { db in
            let e = try await Writes.find(Escalation.self, id, on: db)
            try Precondition.check(expectedVersion, against: e)
            let before = e.response(ResponseContext(now: now))
            var check = FieldCheck()
            if !input.description.isAbsent { e.summary = check.text(input.description.value, "description", max: 4000) ?? e.summary }
            if !input.impact.isAbsent { e.impact = check.text(input.impact.value, "impact", max: 4000, required: false) }
            if !input.initialFix.isAbsent { e.initialFix = check.text(input.initialFix.value, "initial_fix", max: 4000, required: false) }
            if !input.resolution.isAbsent { e.resolution = check.text(input.resolution.value, "resolution", max: 4000, required: false) }
            let note = check.text(input.note.value, "note", max: 2000, required: false)
            var newLevel: Int?
            if !input.level.isAbsent { newLevel = check.range(input.level.value, "level", 1...3) }
            if !input.departments.isAbsent {
                let ids = input.departments.value ?? []
                if ids.count > 20 { check.fail("departments", "at most 20 departments") }
                e.departments = Array(Set(ids)).sorted { $0.uuidString < $1.uuidString }
            }
            var next: EscalationStatus?
            if !input.status.isAbsent, let s = check.oneOf(input.status.value, "status", EscalationStatus.self) {
                if !e.status.canMove(to: s) {
                    check.fail("status", "cannot change from \(e.status.rawValue) to \(s.rawValue)")
                } else if s == .closed && (e.resolution ?? "").isEmpty {
                    check.fail("resolution", "is required to close an escalation")
                } else if s != e.status {
                    next = s
                }
            }
            try check.throwIfAny()
            if !input.departments.isAbsent, !e.departments.isEmpty,
               try await Department.query(on: db).filter(\.$id ~~ e.departments).count() != e.departments.count {
                throw AppError.invalid(fields: ["departments": "names a department that does not exist"])
            }
            if let newLevel, newLevel != e.level {
                try await event(e, "level", from: String(e.level), to: String(newLevel), note: note, on: db, ctx: ctx)
                e.level = newLevel
            }
            if let next {
                try await event(e, "status", from: e.status.rawValue, to: next.rawValue, note: note, on: db, ctx: ctx)
                switch next {
                case .resolved:
                    e.resolvedAt = now
                case .closed:
                    e.closedAt = now
                    if e.resolvedAt == nil { e.resolvedAt = now }
                case .open, .inProgress:
                    if e.status == .resolved || e.status == .closed {
                        // Reopened: the issue is live again with a fresh default deadline.
                        e.resolvedAt = nil
                        e.closedAt = nil
                        e.resolveBy = now.addingTimeInterval(Double(defaultResolveHours) * 3600)
                        e.deadlineSeq += 1
                    }
                }
                e.status = next
                if next == .resolved || next == .closed {
                    try await resolveAlerts(of: e, on: db, ctx: ctx)
                }
            }
            e.version += 1
            try await e.update(on: db)
            let after = e.response(ResponseContext(now: now))
            try await AuditLog.append(on: db, at: now, actor: actor, action: "update", entityType: Escalation.entityType,
                                      entityID: id.uuidString, before: before, after: after)
            return after
        }
    }

    /// A coordination meeting: records it and sets the escalation.resolve deadline it decided.
    static func addMeeting(_ app: Application, actor: Actor, id: UUID, _ input: MeetingInput) async throws -> EscalationMeetingResponse {
        let now = app.deps.now()
        let ctx = MonitorContext(now: now, newID: app.deps.newID, actor: actor)
        var check = FieldCheck()
        let heldAt = input.heldAt ?? now
        let attendees = check.text(input.attendees, "attendees", max: 2000)
        let decisions = check.text(input.decisions, "decisions", max: 4000)
        var resolveBy = input.resolveBy
        if let h = input.resolveWithinHours {
            if input.resolveBy != nil { check.fail("resolve_within_hours", "give resolve_by or resolve_within_hours, not both") }
            if let hours = check.range(h, "resolve_within_hours", 1...24 * 90) { resolveBy = heldAt.addingTimeInterval(Double(hours) * 3600) }
        }
        if resolveBy == nil && input.resolveWithinHours == nil { check.fail("resolve_by", "is required") }
        if let r = resolveBy, r <= heldAt { check.fail("resolve_by", "must be after held_at") }
        if heldAt > now.addingTimeInterval(300) { check.fail("held_at", "must not be in the future") }
        try check.throwIfAny()
        let deadline = resolveBy!
        return try await Store.write(app) { db in
            let e = try await Writes.find(Escalation.self, id, on: db)
            guard e.status == .open || e.status == .inProgress else {
                throw AppError.conflict(code: "escalation_not_open", message: "escalation \(e.number) is \(e.status.rawValue); reopen it first")
            }
            let before = e.response(ResponseContext(now: now))
            let m = EscalationMeeting()
            m.id = ctx.newID()
            m.$escalation.id = id
            m.heldAt = heldAt
            m.attendees = attendees!
            m.decisions = decisions!
            m.resolveBy = deadline
            m.recordedBy = actor.name
            m.createdAt = now
            try await m.create(on: db)
            try await event(e, "meeting", from: JSONCoding.formatInstant(e.resolveBy), to: JSONCoding.formatInstant(m.resolveBy),
                            note: m.decisions, on: db, ctx: ctx)
            e.resolveBy = m.resolveBy
            e.deadlineSeq += 1
            if e.status == .open { e.status = .inProgress }
            e.version += 1
            try await e.update(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "meeting", entityType: Escalation.entityType,
                                      entityID: id.uuidString, before: before, after: e.response(ResponseContext(now: now)))
            return EscalationMeetingResponse(m)
        }
    }

    /// Sweeper step: every open escalation whose escalation.resolve clock breached and whose current deadline was
    /// not yet handled goes up one level (at most 3), gets a breach alert, and the next level's people are told.
    @discardableResult
    static func sweepOverdue(on db: any Database, ctx: MonitorContext, calendar: WorkCalendar) async throws -> Int {
        let due = try await Escalation.query(on: db)
            .filter(\.$status ~~ [.open, .inProgress])
            .filter(\.$resolveBy <= ctx.now)
            .all()
            .filter { $0.overdueHandledSeq < $0.deadlineSeq }
        var handled = 0
        for e in due {
            let minutes = max(0, Int(e.resolveBy.timeIntervalSince(e.raisedAt) / 60))
            var definition = StandardClocks.escalationResolve
            definition.target = .workingMinutes(minutes)
            let clock = try ClockEngine.evaluate(definition: definition, calendar: calendar,
                                                 events: [ClockInput(.start, at: e.raisedAt)], now: ctx.now)
            guard clock.state == .breached else { continue }
            let before = e.response(ResponseContext(now: ctx.now))
            let seq = e.deadlineSeq
            let oldLevel = e.level
            e.overdueHandledSeq = seq
            e.level = min(3, e.level + 1)
            e.version += 1
            try await e.update(on: db)
            let deadline = JSONCoding.formatInstant(e.resolveBy)
            try await event(e, "overdue", from: String(oldLevel), to: String(e.level),
                            message: Message("esc_note.deadline_passed", ["deadline": deadline]), on: db, ctx: ctx)
            try await AuditLog.append(on: db, at: ctx.now, actor: ctx.actor, action: "escalation.overdue", entityType: Escalation.entityType,
                                      entityID: e.id!.uuidString, before: before, after: e.response(ResponseContext(now: ctx.now)))
            let key = AlertFiring.Key(source: .escalation, sourceID: e.id!, condition: "resolve_overdue")
            let contract = try await Contract.find(e.$contract.id, on: db)
            let number = contract?.number ?? ""
            let message = Message("alert.escalation_overdue", ["escalation": e.number, "contract": number, "deadline": deadline,
                                                               "from": "\(oldLevel)", "to": "\(e.level)", "summary": e.summary])
            let alert = try await AlertFiring.fire(.init(key: key, seq: seq, contractID: e.$contract.id, milestoneID: e.$milestone.id,
                                                         level: .breach, message: message), on: db, ctx: ctx)
            guard alert != nil else { continue }
            handled += 1
            let people = try await chainPeople(level: e.level, on: db)
            var users = people.users
            if let o = contract?.$owner.id { users.insert(o) }
            let departments = people.departments.union(e.departments)
            let base = "escalation:\(e.id!.uuidString):deadline:\(seq)"
            try await Notifier.emit(Notifier.outgoing(.escalationOverdue, key: base + ":overdue", Message("notice.escalation_overdue", message.params),
                                                      link: SitePaths.escalation(e.id!), users: users, departments: departments), on: db, ctx: ctx)
            if e.level != oldLevel {
                try await Notifier.emit(Notifier.outgoing(.escalationLevelledUp, key: base + ":level", Message("notice.escalation_levelled_up", message.params),
                                                          link: SitePaths.escalation(e.id!), users: users, departments: departments), on: db, ctx: ctx)
            }
        }
        return handled
    }

    static func resolveAlerts(of e: Escalation, on db: any Database, ctx: MonitorContext) async throws {
        let open = try await Alert.query(on: db).filter(\.$source == .escalation).filter(\.$sourceID == e.id!)
            .filter(\.$status != .resolved).all()
        for a in open { try await AlertFiring.resolve(a, on: db, ctx: ctx) }
    }

    static func chainPeople(level: Int, on db: any Database) async throws -> (users: Set<UUID>, departments: Set<UUID>) {
        guard let chain = try await EscalationChainLevel.find(level, on: db) else { return ([], []) }
        var users = Set(chain.userIDs)
        users.formUnion(try await Notifier.users(inDepartments: chain.departmentIDs, on: db))
        return (users, Set(chain.departmentIDs))
    }

    /// A history step whose note the system wrote: stored in the default language, shown in the reader's.
    static func event(_ e: Escalation, _ kind: String, from: String?, to: String?, message: Message?, on db: any Database,
                      ctx: MonitorContext) async throws {
        try await event(e, kind, from: from, to: to, note: message.map { MessageText.stored($0) }, message: message, on: db, ctx: ctx)
    }

    static func event(_ e: Escalation, _ kind: String, from: String?, to: String?, note: String?, message: Message? = nil,
                      on db: any Database, ctx: MonitorContext) async throws {
        let ev = EscalationEvent()
        ev.id = ctx.newID()
        ev.$escalation.id = e.id!
        ev.kind = kind
        ev.fromValue = from
        ev.toValue = to
        ev.note = note
        ev.messageKey = message?.key
        ev.messageParams = message.map { MessageText.encodeParams($0.params) }
        ev.actorName = ctx.actor.name
        ev.at = ctx.now
        try await ev.create(on: db)
    }
}
