import Fluent
import Foundation
import LvyueCore
import Vapor

struct InspectionResponse: Content, HasVersion {
    var id: UUID
    var planId: UUID
    var contractId: UUID
    var sequence: Int
    var plannedOn: String
    var visitAt: Date
    var confirmDueAt: Date?
    var confirmedAt: Date?
    var confirmedBy: String?
    var status: InspectionStatus
    var requestId: UUID?
    var result: String?
    var resultAt: Date?
    var version: Int
}

extension Inspection: AuditedModel {
    static let entityType = "inspection"
    func response(_ ctx: ResponseContext) -> InspectionResponse {
        InspectionResponse(id: id!, planId: planID, contractId: contractID, sequence: sequence, plannedOn: plannedOn, visitAt: visitAt,
                           confirmDueAt: confirmDueAt, confirmedAt: confirmedAt, confirmedBy: confirmedBy, status: status, requestId: requestID,
                           result: result, resultAt: resultAt, version: version)
    }
}

struct InspectionConfirmInput: Decodable, Sendable {
    var confirmedAt: Date?
    /// The date agreed with the customer, when it differs from the planned one.
    var plannedOn: String?
}

struct InspectionResultInput: Decodable, Sendable {
    var result: String?
}

/// Periodic inspections (季度巡检): generated for the whole warranty, each date confirmed with the customer at least
/// 3 working days ahead (inspection.confirm), opened as a service request of type inspection on the day, result recorded.
enum InspectionService {
    static let visitSecondOfDay = 9 * 3600

    /// (Re)generates the plan's future inspections. Confirmed, opened and done ones are kept; planned ones are redone.
    static func generate(for plan: ServicePlan, on db: any Database, ctx: MonitorContext, workday: WorkCalendar,
                         clocks: ServiceClockContext) async throws {
        let existing = try await Inspection.query(on: db).filter(\.$planID == plan.id!).all()
        for i in existing where i.status == .planned { try await i.delete(on: db) }
        let kept = Set(existing.filter { $0.status != .planned }.map(\.sequence))
        guard plan.inspectionMonths > 0, let start = LocalDate(iso: plan.warrantyStart), let end = LocalDate(iso: plan.warrantyEnd) else { return }
        var k = 1
        while k <= 200 {
            var day = start.addingMonths(k * plan.inspectionMonths)
            if day > end { break }
            defer { k += 1 }
            if kept.contains(k) || day <= ctx.today { continue }
            day = (try? nextWorkingDay(day, workday)) ?? day
            let i = Inspection()
            i.id = ctx.newID()
            i.planID = plan.id!
            i.contractID = plan.contractID
            i.sequence = k
            i.plannedOn = day.description
            i.visitAt = workday.instant(day, secondOfDay: visitSecondOfDay)
            i.plannedAt = ctx.now
            i.status = .planned
            i.version = 1
            try await refresh(i, policy: plan.clockPolicy, on: db, ctx: ctx, clocks: clocks, save: false)
            try await i.create(on: db)
        }
    }

    /// The day itself when it is a working day, else the next one.
    static func nextWorkingDay(_ day: LocalDate, _ cal: WorkCalendar) throws -> LocalDate {
        try cal.isWorkingDay(day) ? day : try cal.addWorkingDays(day, 1)
    }

    /// Evaluates inspection.confirm: stores its due time, fires its warning/breach, and when to look again. A calendar
    /// without data for the visit's year leaves the due time open (computed once the data is imported).
    @discardableResult
    static func refresh(_ i: Inspection, policy: ClockPolicy, on db: any Database, ctx: MonitorContext, clocks: ServiceClockContext,
                        save: Bool = true) async throws -> Int {
        let clock: ClockStatus
        do {
            clock = try await clocks.inspectionClock(i, policy: policy, now: ctx.now, on: db)
        } catch let e as AppError where e.code == "calendar_data_missing" {
            i.confirmDueAt = nil
            i.nextCheckAt = nil
            if save { try await i.save(on: db) }
            return 0
        }
        i.confirmDueAt = try await clocks.inspectionConfirmDue(i, policy: policy, on: db) ?? clock.dueAt
        var fired = 0
        if i.status == .planned || i.status == .confirmed {
            let existing = i.id == nil ? [] : try await Alert.query(on: db).filter(\.$source == .inspection).filter(\.$sourceID == i.id!).all()
            let people = try await ServiceAlerts.people(engineer: nil, department: nil, on: db)
            let contract = try await Contract.find(i.contractID, on: db)
            let subject = ServiceAlerts.Subject(source: .inspection, id: i.id!, contractID: i.contractID,
                                                label: "\(contract?.number ?? "") 第\(i.sequence)次巡检（\(i.plannedOn)）",
                                                link: ServiceSitePaths.plan.path(i.planID), users: people.users, departments: people.departments)
            let r = try await ServiceAlerts.process(clock, seq: 1, subject: subject, existing: existing, on: db, ctx: ctx)
            i.nextCheckAt = r.next
            fired = r.fired
        } else {
            i.nextCheckAt = nil
        }
        if save { try await i.save(on: db) }
        return fired
    }

    static func confirm(_ app: Application, actor: Actor, id: UUID, expectedVersion: Int?, _ input: InspectionConfirmInput) async throws -> InspectionResponse {
        let ctx = MonitorContext(now: app.deps.now(), newID: app.deps.newID, actor: actor)
        let clocks = app.serviceClocks
        let workday = try await app.calendars.calendar("cn-workday", on: app.db)
        var check = FieldCheck()
        let newDay = check.day(input.plannedOn, "planned_on")
        let at = input.confirmedAt ?? ctx.now
        if at > ctx.now.addingTimeInterval(300) { check.fail("confirmed_at", "must not be in the future") }
        try check.throwIfAny()
        return try await Writes.update(app, actor: actor, Inspection.self, id: id, expectedVersion: expectedVersion) { i, db in
            guard i.status == .planned || i.status == .confirmed else {
                throw AppError.conflict(code: "inspection_not_planned", message: "inspection \(i.sequence) is \(i.status.rawValue)")
            }
            if let newDay {
                if newDay <= ctx.today { throw AppError.invalid(fields: ["planned_on": "must be after today"]) }
                i.plannedOn = newDay.description
                i.visitAt = workday.instant(newDay, secondOfDay: visitSecondOfDay)
            }
            i.status = .confirmed
            i.confirmedAt = at
            i.confirmedBy = actor.name
            let plan = try await ServicePlan.find(i.planID, on: db)
            try await refresh(i, policy: plan?.clockPolicy ?? ClockPolicy(), on: db, ctx: ctx, clocks: clocks, save: false)
            i.nextCheckAt = nil
            let alerts = try await Alert.query(on: db).filter(\.$source == .inspection).filter(\.$sourceID == id).filter(\.$status != .resolved).all()
            for a in alerts { try await AlertFiring.resolve(a, on: db, ctx: ctx) }
        }
    }

    static func recordResult(_ app: Application, actor: Actor, id: UUID, expectedVersion: Int?, _ input: InspectionResultInput) async throws -> InspectionResponse {
        var check = FieldCheck()
        let result = check.text(input.result, "result", max: 8000)
        try check.throwIfAny()
        let now = app.deps.now()
        return try await Writes.update(app, actor: actor, Inspection.self, id: id, expectedVersion: expectedVersion) { i, _ in
            guard i.status != .cancelled else { throw AppError.conflict(code: "inspection_cancelled", message: "the inspection was cancelled") }
            i.status = .done
            i.result = result
            i.resultAt = now
            i.nextCheckAt = nil
        }
    }

    /// Planned or confirmed inspections whose day has come and that are not yet a request: the ones to open.
    static func dueToOpen(on db: any Database, today: LocalDate) -> QueryBuilder<Inspection> {
        Inspection.query(on: db).filter(\.$status ~~ [.planned, .confirmed]).filter(\.$plannedOn <= today.description)
            .filter(\.$requestID == nil)
    }

    /// Sweeper step: on the day, each planned or confirmed inspection of `ids` not yet opened becomes a service request of
    /// type inspection.
    static func openDue(_ ids: [UUID], on db: any Database, ctx: MonitorContext, clocks: ServiceClockContext) async throws -> Int {
        let due = try await dueToOpen(on: db, today: ctx.today).filter(\.$id ~~ ids).all()
        var opened = 0
        for i in due {
            guard let plan = try await ServicePlan.find(i.planID, on: db) else { continue }
            let input = ServiceRequestCreateInput(customerId: plan.customerID, contractId: plan.contractID, channel: ServiceChannel.onSite.rawValue,
                                                  type: RequestType.inspection.rawValue, urgency: Urgency.periodic.rawValue, remoteSolvable: false,
                                                  title: "第\(i.sequence)次定期巡检（\(i.plannedOn)）",
                                                  description: "按服务计划执行第\(i.sequence)次定期巡检，计划日期\(i.plannedOn)。",
                                                  contactName: plan.contactName, contactEmail: nil, contactPhone: plan.contactPhone,
                                                  receivedAt: ctx.now, engineerId: nil, departmentId: nil)
            let r = try await ServiceRequestService.insert(input, inspectionID: i.id, on: db, ctx: ctx, clocks: clocks)
            // The date was agreed with the customer beforehand: the request is valid from the start.
            try await ServiceRequestService.apply(.confirm, RequestEventInput(), note: nil, at: ctx.now, to: r, on: db, ctx: ctx)
            try await ServiceRequestService.event(r, "confirm", at: ctx.now, message: Message("svc_note.inspection_confirmed"), on: db, ctx: ctx)
            try await ServiceRequestService.refresh(r, on: db, ctx: ctx, clocks: clocks)
            let before = i.response(ResponseContext(now: ctx.now))
            i.status = .opened
            i.requestID = r.id
            i.nextCheckAt = nil
            i.version += 1
            try await i.save(on: db)
            for a in try await Alert.query(on: db).filter(\.$source == .inspection).filter(\.$sourceID == i.id!).filter(\.$status != .resolved).all() {
                try await AlertFiring.resolve(a, on: db, ctx: ctx)
            }
            try await AuditLog.append(on: db, at: ctx.now, actor: ctx.actor, action: "inspection.opened", entityType: Inspection.entityType,
                                      entityID: i.id!.uuidString, before: before, after: i.response(ResponseContext(now: ctx.now)))
            opened += 1
        }
        return opened
    }
}
