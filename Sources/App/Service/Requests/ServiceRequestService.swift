import Fluent
import Foundation
import LvyueCore
import SQLKit
import Vapor

/// The use cases of a service request (模板4): create (desk, portal, email, inspection), move it through its steps,
/// and keep its clocks, stored deadlines and alerts in step. Each write is one transaction with its audit event.
enum ServiceRequestService {
    /// Creates a request in its own transaction. The portal (issue #5) calls this with channel `portal`.
    static func create(_ app: Application, actor: Actor, _ input: ServiceRequestCreateInput) async throws -> ServiceRequestDetail {
        let ctx = MonitorContext(now: app.deps.now(), newID: app.deps.newID, actor: actor)
        let clocks = app.serviceClocks
        // Bad input is refused before the write lock is taken.
        let form = try Form(input, now: ctx.now)
        // Everything the response shows is known once the transaction commits: a new request has its one event, its
        // checklist, its clocks and nothing else, so the detail is built from what was written rather than read back,
        // and built here, after the write, rather than on the writer that every write waits for.
        return try await Store.write(app) { db in
            try await insertDetailed(form, on: db, ctx: ctx, clocks: clocks)
        }.detail
    }

    /// A request just written, with what its detail shows. The detail is assembled when asked for, so a caller
    /// inside a write (where every step holds up the others) does not pay for it, and the models written are let go
    /// where the detail is built.
    struct Inserted: Sendable {
        var request: ServiceRequest
        var response: ServiceRequestResponse
        var statuses: [ClockStatus]
        var checklist: [ServiceChecklistItemResponse]
        var toolkit: [ToolkitItem]
        var received: ServiceRequestEvent

        var detail: ServiceRequestDetail {
            ServiceRequestDetail(request: response, clocks: statuses.map { ClockView($0) }, checklist: checklist, toolkit: toolkit,
                                 events: [RequestEventResponse(received)], rating: nil, followUps: [], objections: [])
        }
    }

    /// What a new request reads inside the write lock, written once.
    private enum Reads {
        static let contract: SQLText = "SELECT customer_id, number FROM contracts WHERE id = ?"
        static let customer: SQLText = "SELECT id FROM customers WHERE id = ?"
        static let engineer: SQLText = "SELECT display_name FROM users WHERE id = ?"
        /// The clock policy of a request without a service plan.
        static let defaultPolicy = JSONText.encode(ClockPolicy())
    }

    /// The create form, checked field by field (every reason at once) without reading the database.
    struct Form: Sendable {
        var input: ServiceRequestCreateInput
        var channel: ServiceChannel
        var type: RequestType
        var urgency: Urgency
        var description: String
        var title: String?
        var contactName: String?
        var contactEmail: String?
        var contactPhone: String?
        var receivedAt: Date

        init(_ input: ServiceRequestCreateInput, now: Date) throws {
            var check = FieldCheck()
            let channel = check.oneOf(input.channel ?? ServiceChannel.phone.rawValue, "channel", ServiceChannel.self)
            let type = check.oneOf(input.type, "type", RequestType.self)
            let urgency = check.oneOf(input.urgency ?? Urgency.normal.rawValue, "urgency", Urgency.self)
            let description = check.text(input.description, "description", max: 8000)
            title = check.text(input.title, "title", max: 200, required: false)
            contactName = check.text(input.contactName, "contact_name", max: 100, required: false)
            contactEmail = check.text(input.contactEmail, "contact_email", max: 200, required: false)
            contactPhone = check.text(input.contactPhone, "contact_phone", max: 50, required: false)
            receivedAt = input.receivedAt ?? now
            if receivedAt > now.addingTimeInterval(300) { check.fail("received_at", "must not be in the future") }
            if input.customerId == nil && input.contractId == nil { check.fail("customer_id", "customer_id or contract_id is required") }
            try check.throwIfAny()
            self.input = input
            self.channel = channel!
            self.type = type!
            self.urgency = urgency!
            self.description = description!
        }
    }

    /// Creates a request inside the caller's transaction.
    static func insert(_ input: ServiceRequestCreateInput, inspectionID: UUID? = nil, on db: any Database, ctx: MonitorContext,
                       clocks: ServiceClockContext) async throws -> ServiceRequest {
        try await insertDetailed(try Form(input, now: ctx.now), inspectionID: inspectionID, on: db, ctx: ctx, clocks: clocks).request
    }

    /// Creates a request inside the caller's transaction and returns its detail as written. Every new request runs
    /// this inside the write lock, so the references are checked with narrow reads and the request is inserted once,
    /// with its template versions, deadlines and breach flag already computed.
    static func insertDetailed(_ form: Form, inspectionID: UUID? = nil, on db: any Database, ctx: MonitorContext,
                               clocks: ServiceClockContext) async throws -> Inserted {
        let input = form.input
        var customerID = input.customerId
        var contractID = input.contractId
        if let cid = contractID {
            guard let row = try await db.sql.first(Reads.contract, cid) else { throw AppError.invalid(fields: ["contract_id": "no such contract"]) }
            let owner = try row.decode(column: "customer_id", as: UUID.self)
            if let given = customerID, given != owner {
                throw AppError.invalid(fields: ["customer_id": "is not the customer of contract \(try row.decode(column: "number", as: String.self))"])
            }
            customerID = owner
        } else if let given = customerID, try await db.sql.first(Reads.customer, given) == nil {
            throw AppError.invalid(fields: ["customer_id": "no such customer"])
        }
        let receivedAt = form.receivedAt
        let receivedDay = LocalDate(date: receivedAt, in: JSONCoding.displayTimeZone)
        let plan = try await ServicePlanService.plan(for: customerID!, contract: contractID, on: db, day: receivedDay)
        if contractID == nil, let plan { contractID = plan.contractID }
        var engineerName: String?
        if let eid = input.engineerId {
            guard let row = try await db.sql.first(Reads.engineer, eid) else {
                throw AppError.invalid(fields: ["engineer_id": "no such user"])
            }
            engineerName = try row.decode(column: "display_name", as: String.self)
        }
        try await Writes.requireReference(Department.self, input.departmentId, field: "department_id", on: db)

        let year = receivedDay.year
        let n = try await Counters.next("service_request.\(year)", on: db)
        let templates = try await TemplateUsage.forRequest(type: form.type, day: receivedDay, on: db)  // issue #7
        var new = NewServiceRequest(
            response: ServiceRequestResponse(
                id: ctx.newID(), number: DocumentNumber.make("SR", year: year, n, digits: 6), customerId: customerID!,
                contractId: contractID, planId: plan?.id, inspectionId: inspectionID, channel: form.channel, type: form.type,
                urgency: form.urgency, remoteSolvable: input.remoteSolvable ?? false,
                paidService: plan.map { !$0.covers(receivedDay) } ?? true,
                title: form.title ?? String(form.description.split(separator: "\n").first.map(String.init)?.prefix(60) ?? ""),
                description: form.description, contactName: form.contactName, contactEmail: form.contactEmail,
                contactPhone: form.contactPhone, receivedAt: receivedAt, status: .received, waiting: false, reopenCount: 0,
                engineerId: input.engineerId, engineerName: engineerName, departmentId: input.departmentId,
                calendarId: plan?.calendarID ?? "cn-workday", nextDueAt: nil, breached: false, version: 1),
            createdAt: ctx.now, instructionTemplateVersionID: templates.instruction, surveyTemplateVersionID: templates.survey,
            clockPolicyJSON: plan?.clockPolicyJSON ?? Reads.defaultPolicy, nextCheckAt: nil)
        let r = new.model()
        let note = Message("svc_note.received", ["channel": form.channel.rawValue])
        let received = newEvent(r, "received", at: receivedAt, note: MessageText.stored(note), message: note, ctx: ctx)
        let statuses = try await refreshed(r, on: db, ctx: ctx, clocks: clocks, fresh: (events: [received], insert: { r in
            // The clocks' deadline, next check and breach, then the row as the answer will show it.
            new.response.nextDueAt = r.nextDueAt
            new.nextCheckAt = r.nextCheckAt
            new.response.breached = r.breached
            try await ModelInsert.insert(into: ServiceRequest.schema, columns: NewServiceRequest.columns, rows: [new.values], on: db)
        })).statuses
        try await ModelInsert.insert([received], on: db)
        received.$id.exists = true
        let checklist = try await WorkInstructionService.copyChecklist(for: r, on: db, ctx: ctx)
        let response = new.response
        try await AuditLog.append(on: db, at: ctx.now, actor: ctx.actor, action: "create", entityType: ServiceRequest.entityType,
                                  entityID: r.id!.uuidString, after: response)
        return Inserted(request: r, response: response, statuses: statuses, checklist: checklist.items, toolkit: checklist.toolkit,
                        received: received)
    }

    /// Records one step (`POST /service-requests/{id}/events`).
    static func record(_ app: Application, actor: Actor, id: UUID, expectedVersion: Int?, _ input: RequestEventInput) async throws -> ServiceRequestDetail {
        let ctx = MonitorContext(now: app.deps.now(), newID: app.deps.newID, actor: actor)
        let clocks = app.serviceClocks
        var check = FieldCheck()
        let type = check.oneOf(input.type, "type", RequestEventType.self)
        let note = check.text(input.note, "note", max: 4000, required: false)
        let at = input.at ?? ctx.now
        if at > ctx.now.addingTimeInterval(300) { check.fail("at", "must not be in the future") }
        try check.throwIfAny()
        try await Store.write(app) { db in
            let r = try await Writes.find(ServiceRequest.self, id, on: db)
            try Precondition.check(expectedVersion, against: r)
            if at < r.receivedAt { throw AppError.invalid(fields: ["at": "must not be before received_at"]) }
            let before = r.response(ResponseContext(now: ctx.now))
            try await apply(type!, input, note: note, at: at, to: r, on: db, ctx: ctx)
            try await event(r, type!.rawValue, at: at, note: note ?? input.reason ?? input.solution ?? input.signerName, on: db, ctx: ctx)
            r.version += 1
            r.updatedAt = ctx.now
            try await refresh(r, on: db, ctx: ctx, clocks: clocks)
            try await AuditLog.append(on: db, at: ctx.now, actor: actor, action: "event.\(type!.rawValue)", entityType: ServiceRequest.entityType,
                                      entityID: id.uuidString, before: before, after: r.response(ResponseContext(now: ctx.now)))
        }
        return try await detail(id, on: app.db, now: ctx.now, clocks: clocks)
    }

    private static func conflict(_ r: ServiceRequest, _ what: String) -> AppError {
        .conflict(code: "invalid_transition", message: "request \(r.number) is \(r.status.rawValue)\(r.waiting ? " (waiting on the customer)" : ""); cannot \(what)")
    }

    /// The state machine of 模板4.
    static func apply(_ type: RequestEventType, _ input: RequestEventInput, note: String?, at: Date, to r: ServiceRequest,
                      on db: any Database, ctx: MonitorContext) async throws {
        let who = ctx.actor.name
        let working: [RequestStatus] = [.confirmed, .responded, .remoteSupport, .dispatched, .onSite]
        switch type {
        case .confirm:
            guard r.status == .received else { throw conflict(r, "confirm") }
            r.status = .confirmed; r.confirmedAt = at; r.confirmedBy = who
        case .reject:
            guard r.status == .received else { throw conflict(r, "reject") }
            var check = FieldCheck()
            let reason = check.text(input.reason, "reason", max: 2000)
            try check.throwIfAny()
            r.status = .rejected; r.rejectedAt = at; r.rejectedBy = who; r.rejectReason = reason
        case .respond:
            guard working.contains(r.status), r.respondedAt == nil else { throw conflict(r, "respond") }
            if r.status == .confirmed { r.status = .responded }
            r.respondedAt = at; r.respondedBy = who
        case .remoteStart:
            guard [.confirmed, .responded].contains(r.status) else { throw conflict(r, "start remote support") }
            r.status = .remoteSupport; r.remoteAt = at; r.remoteBy = who
            if r.respondedAt == nil { r.respondedAt = at; r.respondedBy = who }
        case .dispatch:
            guard [.confirmed, .responded, .remoteSupport].contains(r.status) else { throw conflict(r, "dispatch") }
            try await assign(input, to: r, on: db)
            r.status = .dispatched; r.dispatchedAt = at; r.dispatchedBy = who
        case .arrive:
            guard r.status == .dispatched else { throw conflict(r, "arrive on site (dispatch first)") }
            r.status = .onSite; r.onsiteAt = at; r.onsiteBy = who
            if r.respondedAt == nil { r.respondedAt = at; r.respondedBy = who }
        case .resolve:
            guard working.contains(r.status) else { throw conflict(r, "resolve") }
            var check = FieldCheck()
            let solution = check.text(input.solution, "solution", max: 8000)
            try check.throwIfAny()
            try await WorkInstructionService.requireMandatoryDone(r, on: db)
            r.status = .resolved; r.resolvedAt = at; r.resolvedBy = who; r.solution = solution
            r.waiting = false
        case .signOff:
            guard r.status == .resolved else { throw conflict(r, "sign off (resolve first)") }
            var check = FieldCheck()
            let signer = check.text(input.signerName, "signer_name", max: 100)
            try check.throwIfAny()
            r.status = .signedOff; r.signedBy = signer; r.signedAt = at
            if let rating = input.rating {
                try await SatisfactionService.saveRating(rating, request: r, source: "sign_off", at: at, on: db, ctx: ctx)
            }
        case .close:
            guard [.resolved, .signedOff].contains(r.status) else { throw conflict(r, "close") }
            r.status = .closed; r.closedAt = at; r.closedBy = who; r.waiting = false
        case .pause:
            guard r.status.isOpen, r.status != .resolved, r.status != .signedOff, !r.waiting else { throw conflict(r, "pause") }
            r.waiting = true
        case .resume:
            guard r.waiting else { throw conflict(r, "resume (it is not paused)") }
            r.waiting = false
        case .reopen:
            guard [.resolved, .signedOff, .closed].contains(r.status) else { throw conflict(r, "reopen") }
            r.status = .responded
            r.reopenCount += 1
            r.resolvedAt = nil; r.resolvedBy = nil; r.signedAt = nil; r.signedBy = nil; r.closedAt = nil; r.closedBy = nil
        case .assign:
            guard r.status.isOpen else { throw conflict(r, "assign") }
            if input.engineerId == nil && input.departmentId == nil { throw AppError.invalid(fields: ["engineer_id": "engineer_id or department_id is required"]) }
            try await assign(input, to: r, on: db)
        case .note:
            if note == nil { throw AppError.invalid(fields: ["note": "is required"]) }
        }
    }

    private static func assign(_ input: RequestEventInput, to r: ServiceRequest, on db: any Database) async throws {
        if let eid = input.engineerId {
            guard let u = try await User.find(eid, on: db), u.active else { throw AppError.invalid(fields: ["engineer_id": "no such active user"]) }
            r.engineerID = eid
            r.engineerName = u.displayName
            if input.departmentId == nil, let d = u.$department.id { r.departmentID = d }
        }
        if let did = input.departmentId {
            try await Writes.requireReference(Department.self, did, field: "department_id", on: db)
            r.departmentID = did
        }
    }

    /// A history step whose note the system wrote: stored in the default language, shown in the reader's.
    @discardableResult
    static func event(_ r: ServiceRequest, _ type: String, at: Date, message: Message, on db: any Database, ctx: MonitorContext) async throws -> ServiceRequestEvent {
        try await event(r, type, at: at, note: MessageText.stored(message), message: message, on: db, ctx: ctx)
    }

    @discardableResult
    static func event(_ r: ServiceRequest, _ type: String, at: Date, note: String?, message: Message? = nil, on db: any Database,
                      ctx: MonitorContext) async throws -> ServiceRequestEvent {
        let e = newEvent(r, type, at: at, note: note, message: message, ctx: ctx)
        try await e.create(on: db)
        return e
    }

    /// A history step not yet written; a system message is stored in the default language.
    private static func newEvent(_ r: ServiceRequest, _ type: String, at: Date, note: String?, message: Message?, ctx: MonitorContext) -> ServiceRequestEvent {
        let e = ServiceRequestEvent()
        e.id = ctx.newID()
        e.requestID = r.id!
        e.type = type
        e.at = at
        e.actorID = ctx.actor.id
        e.actorName = ctx.actor.name
        e.note = note.map { String($0.prefix(4000)) }
        e.messageKey = message?.key
        e.messageParams = message.map { MessageText.encodeParams($0.params) }
        e.recordedAt = ctx.now
        return e
    }

    /// Re-evaluates the request's clocks: fires warnings and breaches that are due, resolves alerts of stopped clocks,
    /// and stores the nearest deadline, the next instant to look again and whether any clock breached. Saves `r`.
    @discardableResult
    static func refresh(_ r: ServiceRequest, on db: any Database, ctx: MonitorContext, clocks: ServiceClockContext) async throws -> Int {
        try await refreshed(r, on: db, ctx: ctx, clocks: clocks).fired
    }

    /// `refresh`, also returning the clocks. `fresh`: the request is new, with exactly these events (not yet written):
    /// it has no alerts and no clock outcomes, neither is read, and the request is inserted by `fresh.insert`, given
    /// the model with its clock fields set, rather than updated.
    static func refreshed(_ r: ServiceRequest, on db: any Database, ctx: MonitorContext, clocks: ServiceClockContext,
                          fresh: (events: [ServiceRequestEvent], insert: (ServiceRequest) async throws -> Void)? = nil)
        async throws -> (fired: Int, statuses: [ClockStatus]) {
        let events: [ServiceRequestEvent]
        if let fresh { events = fresh.events } else {
            events = try await ServiceRequestEvent.query(on: db).filter(\.$requestID == r.id!).sort(\.$at).sort(\.$id).all()
        }
        let statuses = try await clocks.requestClocks(r, events: events, now: ctx.now, on: db)
        let existing = fresh == nil ? try await Alert.query(on: db).filter(\.$source == .serviceRequest).filter(\.$sourceID == r.id!).all() : []
        // The people told are read only when a clock is about to fire.
        let mayFire = r.status.isOpen && statuses.contains { s in
            s.stoppedAt == nil && (s.state == .breached || (s.state == .running && (s.warningAt.map { $0 <= ctx.now } ?? false)))
        }
        let people = mayFire ? try await ServiceAlerts.people(engineer: r.engineerID, department: r.departmentID, on: db)
            : (users: Set<UUID>(), departments: Set<UUID>())
        let subject = ServiceAlerts.Subject(source: .serviceRequest, id: r.id!, contractID: r.contractID, label: "\(r.number) \(r.title)",
                                            link: ServiceSitePaths.request.path(r.id!), users: people.users, departments: people.departments)
        var fired = 0
        var nextCheck: Date?
        var nextDue: Date?
        let open = r.status.isOpen
        for s in statuses {
            if open {
                let result = try await ServiceAlerts.process(s, seq: ServiceAlerts.seq(for: s.name, reopenCount: r.reopenCount),
                                                             subject: subject, existing: existing, on: db, ctx: ctx)
                fired += result.fired
                if let n = result.next { nextCheck = min(nextCheck ?? n, n) }
                if s.stoppedAt == nil, s.state == .running || s.state == .breached, let due = s.dueAt { nextDue = min(nextDue ?? due, due) }
            }
        }
        if !open {
            for a in existing where a.status != .resolved { try await AlertFiring.resolve(a, on: db, ctx: ctx) }
        }
        r.nextDueAt = nextDue
        r.nextCheckAt = nextCheck
        r.breached = statuses.contains { $0.state == .breached }
        if let fresh {
            try await fresh.insert(r)
            r.$id.exists = true
        } else {
            try await r.save(on: db)
        }
        try await ClockOutcomes.record(r, statuses, on: db, newID: ctx.newID, fresh: fresh != nil)  // issue #7: per-clock compliance in SQL
        return (fired, statuses)
    }

    /// The request with its clocks, checklist, toolkit, history, rating, follow-ups and objections.
    static func detail(_ id: UUID, on db: any Database, now: Date, clocks: ServiceClockContext) async throws -> ServiceRequestDetail {
        let r = try await Writes.find(ServiceRequest.self, id, on: db)
        let events = try await ServiceRequestEvent.query(on: db).filter(\.$requestID == id).sort(\.$at).sort(\.$id).all()
        var views = try await clocks.requestClocks(r, events: events, now: now, on: db).map { ClockView($0) }
        let objections = try await Objection.query(on: db).filter(\.$requestID == id).sort(\.$raisedAt).all()
        for o in objections {
            views.append(ClockView(try await clocks.objectionClock(o, policy: r.clockPolicy, now: now, on: db), subjectId: o.id))
        }
        let checklist = try await ChecklistItem.query(on: db).filter(\.$requestID == id).sort(\.$position).all()
        let instructionID = checklist.first?.instructionID
        let toolkit = try await instructionID.asyncMap { try await WorkInstruction.find($0, on: db) }??.toolkit ?? []
        let rating = try await ServiceRating.query(on: db).filter(\.$requestID == id).first()
        let followUps = try await FollowUp.query(on: db).filter(\.$requestID == id).sort(\.$calledAt).all()
        let ctx = ResponseContext(now: now)
        return ServiceRequestDetail(request: r.response(ctx), clocks: views, checklist: checklist.map { $0.response(ctx) }, toolkit: toolkit,
                                    events: events.map { RequestEventResponse($0) }, rating: rating.map { RatingResponse($0) },
                                    followUps: followUps.map { FollowUpResponse($0) }, objections: objections.map { $0.response(ctx) })
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
