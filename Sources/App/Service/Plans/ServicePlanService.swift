import Fluent
import Foundation
import LvyueCore
import SQLKit
import Vapor

struct ServicePlanResponse: Content, HasVersion {
    var id: UUID
    var contractId: UUID
    var customerId: UUID
    var warrantyStart: String
    var warrantyEnd: String
    var calendarId: String
    var faultResponse: Bool
    var inspectionMonths: Int
    var upgrades: Bool
    var training: Bool
    var contactName: String
    var contactPhone: String?
    var contactEmail: String?
    var channels: [ServiceChannel]
    var clockPolicy: ClockPolicy
    /// The standard clocks with this plan's overrides applied: what requests under it run on.
    var clocks: [ClockDefinition]
    var notes: String?
    var noticeSentAt: Date?
    var version: Int
}

extension ServicePlan: AuditedModel {
    static let entityType = "service_plan"
    func response(_ ctx: ResponseContext) -> ServicePlanResponse {
        let names = ["service.confirm", "urgent.respond", "urgent.remote", "urgent.onsite", "normal.respond", "normal.solve",
                     "inspection.confirm", "service.follow_up", "objection.resolve"]
        return ServicePlanResponse(
            id: id!, contractId: contractID, customerId: customerID, warrantyStart: warrantyStart, warrantyEnd: warrantyEnd,
            calendarId: calendarID, faultResponse: faultResponse, inspectionMonths: inspectionMonths, upgrades: upgrades, training: training,
            contactName: contactName, contactPhone: contactPhone, contactEmail: contactEmail, channels: channels, clockPolicy: clockPolicy,
            clocks: names.compactMap { StandardClocks.definition(named: $0, policy: clockPolicy) }, notes: notes, noticeSentAt: nil,
            version: version)
    }
}

struct ServicePlanInput: Decodable, Sendable {
    var warrantyStart: String?
    var warrantyMonths: Int?
    var warrantyEnd: String?
    var calendarId: String?
    var faultResponse: Bool?
    var inspectionMonths: Int?
    var upgrades: Bool?
    var training: Bool?
    var contactName: String?
    var contactPhone: String?
    var contactEmail: String?
    var channels: [String]?
    var clockPolicy: PolicyInput?
    var notes: String?
}

/// `clock_policy` as the API decodes it. The API's snake_case key strategy also rewrites dictionary keys
/// (`service.follow_up` would arrive as `service.followUp`), so clock names are restored here.
struct PolicyInput: Decodable, Sendable {
    var targets: [String: ClockTarget]?
    var calendars: [String: String]?
    var warningRatios: [String: Double]?

    var policy: ClockPolicy {
        func fix<V>(_ d: [String: V]?) -> [String: V] {
            Dictionary((d ?? [:]).map { (Self.snake($0.key), $0.value) }) { a, _ in a }
        }
        return ClockPolicy(targets: fix(targets), calendars: fix(calendars), warningRatios: fix(warningRatios))
    }

    static func snake(_ s: String) -> String {
        s.reduce(into: "") { out, ch in if ch.isUppercase { out += "_" + ch.lowercased() } else { out.append(ch) } }
    }
}

struct NoticeInput: Decodable, Sendable {
    var sentTo: String?
    var channel: String?
    var sentAt: Date?
}

struct NoticeResponse: Content {
    var id: UUID
    var planId: UUID
    var sentTo: String
    var channel: String
    var sentAt: Date
    var sentBy: String

    init(_ n: ServiceNotice) {
        id = n.id!
        planId = n.planID
        sentTo = n.sentTo
        channel = n.channel
        sentAt = n.sentAt
        sentBy = n.sentBy
    }
}

struct WarrantyResponse: Content {
    var contractId: UUID
    var date: String
    var inWarranty: Bool
    var paidService: Bool
    var planId: UUID?
    var warrantyStart: String?
    var warrantyEnd: String?
}

/// Service plans (issue #6): opened per delivered contract, with warranty, coverage and SLA policy; their inspections
/// are generated for the whole warranty when the plan is saved.
enum ServicePlanService {
    static func create(_ app: Application, actor: Actor, contractID: UUID, _ input: ServicePlanInput) async throws -> ServicePlanResponse {
        let ctx = MonitorContext(now: app.deps.now(), newID: app.deps.newID, actor: actor)
        let clocks = app.serviceClocks
        let workday = try await app.calendars.calendar("cn-workday", on: app.db)
        return try await Store.write(app) { db in
            guard let contract = try await Contract.find(contractID, on: db) else { throw AppError.notFound(entity: "contract", id: contractID.uuidString) }
            if try await ServicePlan.query(on: db).filter(\.$contractID == contractID).first() != nil {
                throw AppError.duplicate(field: "contract_id", reason: "contract \(contract.number) already has a service plan")
            }
            let plan = ServicePlan()
            plan.id = ctx.newID()
            plan.contractID = contractID
            plan.customerID = contract.$customer.id
            plan.version = 1
            plan.createdAt = ctx.now
            let acceptance = try await acceptanceDay(of: contract, on: db) ?? ctx.today
            let owner = try await contract.$owner.id.asyncMap { try await User.find($0, on: db) } ?? nil
            try await apply(input, to: plan, creating: true, defaultStart: acceptance, defaultContact: owner?.displayName ?? "客服部", on: db,
                            registry: app.calendars)
            // Issue #7: without an explicit policy the plan takes the SLA template in force, and records its version.
            let sla = input.clockPolicy == nil ? try await TemplateUsage.slaPolicy(on: db, today: ctx.today) : nil
            if let sla { plan.clockPolicy = sla.policy }
            try await plan.create(on: db)
            if let sla { try await TemplateUsage.record(.servicePlan, id: plan.id!, column: "sla_template_version_id", version: sla.version, on: db) }
            try await InspectionService.generate(for: plan, on: db, ctx: ctx, workday: workday, clocks: clocks)
            let after = plan.response(ResponseContext(now: ctx.now))
            try await AuditLog.append(on: db, at: ctx.now, actor: actor, action: "create", entityType: ServicePlan.entityType,
                                      entityID: plan.id!.uuidString, after: after)
            return after
        }
    }

    static func update(_ app: Application, actor: Actor, id: UUID, expectedVersion: Int?, _ input: ServicePlanInput) async throws -> ServicePlanResponse {
        let ctx = MonitorContext(now: app.deps.now(), newID: app.deps.newID, actor: actor)
        let clocks = app.serviceClocks
        let workday = try await app.calendars.calendar("cn-workday", on: app.db)
        let registry = app.calendars
        return try await Writes.update(app, actor: actor, ServicePlan.self, id: id, expectedVersion: expectedVersion) { plan, db in
            let oldSpan = (plan.warrantyStart, plan.warrantyEnd, plan.inspectionMonths)
            try await apply(input, to: plan, creating: false, defaultStart: ctx.today, defaultContact: plan.contactName, on: db, registry: registry)
            if oldSpan != (plan.warrantyStart, plan.warrantyEnd, plan.inspectionMonths) {
                try await InspectionService.generate(for: plan, on: db, ctx: ctx, workday: workday, clocks: clocks)
            }
        }
    }

    /// Acceptance = the day the last milestone was done, when every milestone is done.
    static func acceptanceDay(of contract: Contract, on db: any Database) async throws -> LocalDate? {
        let ms = try await Milestone.query(on: db).filter(\.$contract.$id == contract.id!).all()
        guard !ms.isEmpty, ms.allSatisfy({ $0.actual != nil }) else { return nil }
        return ms.compactMap(\.actual).max()
    }

    private static func apply(_ input: ServicePlanInput, to plan: ServicePlan, creating: Bool, defaultStart: LocalDate, defaultContact: String,
                              on db: any Database, registry: CalendarRegistry) async throws {
        var check = FieldCheck()
        let start = check.day(input.warrantyStart, "warranty_start") ?? (creating ? defaultStart : LocalDate(iso: plan.warrantyStart) ?? defaultStart)
        let months = check.range(input.warrantyMonths ?? 12, "warranty_months", 1...120)
        var end = check.day(input.warrantyEnd, "warranty_end")
        if end == nil, input.warrantyStart != nil || input.warrantyMonths != nil || creating, let months {
            end = start.addingMonths(months).adding(days: -1)
        }
        // A new plan's fields are not set yet: reading them would trap, so fall back to the start.
        let finalEnd = end ?? (creating ? start : LocalDate(iso: plan.warrantyEnd) ?? start)
        check.order(start, finalEnd, later: "warranty_end", than: "warranty_start")
        if let m = input.inspectionMonths { _ = check.range(m, "inspection_months", 0...24) }
        if let name = input.contactName ?? (creating ? defaultContact : nil) {
            plan.contactName = check.text(name, "contact_name", max: 100) ?? (creating ? "" : plan.contactName)
        }
        if input.contactPhone != nil || creating { plan.contactPhone = check.text(input.contactPhone, "contact_phone", max: 50, required: false) }
        if input.contactEmail != nil || creating { plan.contactEmail = check.text(input.contactEmail, "contact_email", max: 200, required: false) }
        if input.notes != nil || creating { plan.notes = check.text(input.notes, "notes", max: 4000, required: false) }
        var channels: [ServiceChannel] = creating ? [.phone, .portal, .email] : plan.channels
        if let raw = input.channels {
            channels = []
            for (i, c) in raw.enumerated() { if let ch = check.oneOf(c, "channels.\(i)", ServiceChannel.self) { channels.append(ch) } }
        }
        let calendarID = input.calendarId ?? (creating ? "7x24" : plan.calendarID)
        if let policy = input.clockPolicy?.policy {
            for (name, _) in policy.targets where StandardClocks.definition(named: name) == nil { check.fail("clock_policy.targets.\(name)", "no such clock") }
            for (name, r) in policy.warningRatios where !(r > 0 && r <= 1) { check.fail("clock_policy.warning_ratios.\(name)", "must be in (0, 1]") }
        }
        try check.throwIfAny()
        for id in Set([calendarID] + (input.clockPolicy?.policy.calendars.values.map { $0 } ?? [])) {
            guard try await StoredCalendar.find(id, on: db) != nil else { throw AppError.invalid(fields: ["calendar_id": "no calendar \(id)"]) }
            _ = try await registry.calendar(id, on: db)
        }
        plan.warrantyStart = start.description
        plan.warrantyEnd = finalEnd.description
        plan.calendarID = calendarID
        plan.faultResponse = input.faultResponse ?? (creating ? true : plan.faultResponse)
        plan.inspectionMonths = input.inspectionMonths ?? (creating ? 3 : plan.inspectionMonths)
        plan.upgrades = input.upgrades ?? (creating ? true : plan.upgrades)
        plan.training = input.training ?? (creating ? false : plan.training)
        plan.channels = channels
        if let policy = input.clockPolicy?.policy { plan.clockPolicy = policy } else if creating { plan.clockPolicy = ClockPolicy() }
    }

    /// The plan a request of this customer (and contract) falls under on a day: the contract's plan, else the customer's
    /// plan covering that day, else its latest plan.
    /// Every new request asks this inside the write lock, so only the columns it needs are read.
    private enum PlanReads {
        static let columns = "SELECT id, contract_id, warranty_start, warranty_end, calendar_id, clock_policy FROM service_plans"
        static let ofContract = SQLText(columns + " WHERE contract_id = ? LIMIT 1")
        static let ofCustomer = SQLText(columns + " WHERE customer_id = ? ORDER BY warranty_end DESC")
    }

    static func plan(for customerID: UUID, contract: UUID?, on db: any Database, day: LocalDate) async throws -> ServicePlan.Terms? {
        let rows = if let contract { try await db.sql.all(PlanReads.ofContract, contract) } else { try await db.sql.all(PlanReads.ofCustomer, customerID) }
        let plans = try rows.map { row in
            ServicePlan.Terms(id: try row.decode(column: "id", as: UUID.self), contractID: try row.decode(column: "contract_id", as: UUID.self),
                              warrantyStart: try row.decode(column: "warranty_start", as: String.self),
                              warrantyEnd: try row.decode(column: "warranty_end", as: String.self),
                              calendarID: try row.decode(column: "calendar_id", as: String.self),
                              clockPolicyJSON: try row.decode(column: "clock_policy", as: String.self))
        }
        return plans.first { $0.covers(day) } ?? plans.first
    }

    static func warranty(contractID: UUID, day: LocalDate, on db: any Database) async throws -> WarrantyResponse {
        guard try await Contract.find(contractID, on: db) != nil else { throw AppError.notFound(entity: "contract", id: contractID.uuidString) }
        let plan = try await ServicePlan.query(on: db).filter(\.$contractID == contractID).first()
        let covered = plan?.covers(day) ?? false
        return WarrantyResponse(contractId: contractID, date: day.description, inWarranty: covered, paidService: !covered, planId: plan?.id,
                                warrantyStart: plan?.warrantyStart, warrantyEnd: plan?.warrantyEnd)
    }

    static func recordNotice(_ app: Application, actor: Actor, planID: UUID, _ input: NoticeInput) async throws -> NoticeResponse {
        var check = FieldCheck()
        let to = check.text(input.sentTo, "sent_to", max: 200)
        let channel = check.text(input.channel ?? "email", "channel", max: 50)
        let now = app.deps.now()
        let at = input.sentAt ?? now
        if at > now.addingTimeInterval(300) { check.fail("sent_at", "must not be in the future") }
        try check.throwIfAny()
        let newID = app.deps.newID
        return try await Store.write(app) { db in
            _ = try await Writes.find(ServicePlan.self, planID, on: db)
            let n = ServiceNotice()
            n.id = newID()
            n.planID = planID
            n.sentTo = to!
            n.channel = channel!
            n.sentAt = at
            n.sentBy = actor.name
            try await n.create(on: db)
            let out = NoticeResponse(n)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "notice.sent", entityType: ServicePlan.entityType,
                                      entityID: planID.uuidString, after: out)
            return out
        }
    }
}

extension LocalDate {
    /// The same day n months later, clamped to the month's end (2026-01-31 + 1 month = 2026-02-28).
    func addingMonths(_ n: Int) -> LocalDate {
        let total = year * 12 + (month - 1) + n
        let y = total / 12, m = total % 12 + 1
        var d = day
        while LocalDate(year: y, month: m, day: d) == nil && d > 28 { d -= 1 }
        return LocalDate(year: y, month: m, day: d)!
    }
}
