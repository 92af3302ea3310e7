import Fluent
import Foundation
import LvyueCore
import Vapor

struct FollowUpResponse: Content {
    var id: UUID
    var requestId: UUID
    var calledAt: Date
    var callerName: String
    var outcome: FollowUpOutcome
    var notes: String?

    init(_ f: FollowUp) {
        id = f.id!
        requestId = f.requestID
        calledAt = f.calledAt
        callerName = f.callerName
        outcome = f.outcome
        notes = f.notes
    }
}

struct ObjectionResponse: Content, HasVersion {
    var id: UUID
    var requestId: UUID
    var raisedAt: Date
    var source: String
    var description: String
    var status: ObjectionStatus
    var resolveDueAt: Date
    var resolution: String?
    var resolvedAt: Date?
    var resolvedBy: String?
    var feedback: String?
    var feedbackAt: Date?
    var version: Int
}

extension Objection: AuditedModel {
    static let entityType = "objection"
    func response(_ ctx: ResponseContext) -> ObjectionResponse {
        ObjectionResponse(id: id!, requestId: requestID, raisedAt: raisedAt, source: source, description: summary, status: status,
                          resolveDueAt: resolveDueAt, resolution: resolution, resolvedAt: resolvedAt, resolvedBy: resolvedBy, feedback: feedback,
                          feedbackAt: feedbackAt, version: version)
    }
}

struct FollowUpInput: Decodable, Sendable {
    var calledAt: Date?
    var outcome: String?
    var notes: String?
    /// An objection raised on the call.
    var objection: String?
}

struct ObjectionInput: Decodable, Sendable {
    var raisedAt: Date?
    var source: String?
    var description: String?
}

struct ObjectionResolveInput: Decodable, Sendable {
    var resolution: String?
    /// How the result was fed back to the customer (e.g. "电话告知陈建国").
    var feedback: String?
    var resolvedAt: Date?
}

struct RatingLinkResponse: Content {
    var url: String
    var token: String
    var expiresAt: Date
}

enum RatingRefusal: Error, Equatable {
    case unknown, used, expired
}

/// Satisfaction (客户满意度评价表), the follow-up call (回访, service.follow_up) and objections (异议, objection.resolve).
enum SatisfactionService {
    static let linkLifetime: TimeInterval = 14 * 86400

    static func checkRating(_ input: RatingInput) throws -> (Int, Int, Int, Int, String?) {
        var check = FieldCheck()
        let s = check.range(input.speed, "speed", 1...5)
        let so = check.range(input.solving, "solving", 1...5)
        let a = check.range(input.attitude, "attitude", 1...5)
        let p = check.range(input.professionalism, "professionalism", 1...5)
        let comment = check.text(input.comment, "comment", max: 2000, required: false)
        try check.throwIfAny()
        return (s!, so!, a!, p!, comment)
    }

    static func saveRating(_ input: RatingInput, request r: ServiceRequest, source: String, at: Date, on db: any Database, ctx: MonitorContext) async throws {
        let (s, so, a, p, comment) = try checkRating(input)
        if try await ServiceRating.query(on: db).filter(\.$requestID == r.id!).first() != nil {
            throw AppError.conflict(code: "already_rated", message: "request \(r.number) has already been rated")
        }
        let rating = ServiceRating()
        rating.id = ctx.newID()
        rating.requestID = r.id!
        rating.speed = s
        rating.solving = so
        rating.attitude = a
        rating.professionalism = p
        rating.comment = comment
        rating.source = source
        rating.ratedAt = at
        try await rating.create(on: db)
        try await AuditLog.append(on: db, at: ctx.now, actor: ctx.actor, action: "rating", entityType: ServiceRequest.entityType,
                                  entityID: r.id!.uuidString, after: RatingResponse(rating))
    }

    /// Staff record the customer's rating (at sign-off or later on the phone).
    static func rate(_ app: Application, actor: Actor, requestID: UUID, _ input: RatingInput) async throws -> RatingResponse {
        let ctx = MonitorContext(now: app.deps.now(), newID: app.deps.newID, actor: actor)
        return try await Store.write(app) { db in
            let r = try await Writes.find(ServiceRequest.self, requestID, on: db)
            guard r.resolvedAt != nil || r.status == .closed else {
                throw AppError.conflict(code: "not_resolved", message: "request \(r.number) is not resolved yet")
            }
            try await saveRating(input, request: r, source: "staff", at: ctx.now, on: db, ctx: ctx)
            return RatingResponse(try await ServiceRating.query(on: db).filter(\.$requestID == requestID).first()!)
        }
    }

    /// A one-time link for the customer; the token is returned once and only its hash is stored.
    static func createLink(_ app: Application, actor: Actor, requestID: UUID) async throws -> RatingLinkResponse {
        let now = app.deps.now(), newID = app.deps.newID
        let token = app.deps.randomToken()
        let expires = now.addingTimeInterval(linkLifetime)
        try await Store.write(app) { db in
            let r = try await Writes.find(ServiceRequest.self, requestID, on: db)
            guard r.resolvedAt != nil || r.status == .closed else {
                throw AppError.conflict(code: "not_resolved", message: "request \(r.number) is not resolved yet")
            }
            if try await ServiceRating.query(on: db).filter(\.$requestID == requestID).first() != nil {
                throw AppError.conflict(code: "already_rated", message: "request \(r.number) has already been rated")
            }
            let t = RatingToken()
            t.id = newID()
            t.requestID = requestID
            t.tokenHash = SecretHash.sha256Hex(token)
            t.expiresAt = expires
            t.createdAt = now
            try await t.create(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "rating_link", entityType: ServiceRequest.entityType,
                                      entityID: requestID.uuidString, after: ["expires_at": JSONCoding.formatInstant(expires)])
        }
        return RatingLinkResponse(url: app.config.baseURL + ServiceSitePaths.ratePath(token), token: token, expiresAt: expires)
    }

    /// The request behind a token, or why the link is refused.
    static func lookup(token: String, on db: any Database, now: Date) async throws -> Result<(RatingToken, ServiceRequest), RatingRefusal> {
        guard token.count <= 200, let t = try await RatingToken.query(on: db).filter(\.$tokenHash == SecretHash.sha256Hex(token)).first(),
              let r = try await ServiceRequest.find(t.requestID, on: db) else { return .failure(.unknown) }
        if t.usedAt != nil { return .failure(.used) }
        if t.expiresAt <= now { return .failure(.expired) }
        return .success((t, r))
    }

    /// The customer rates through the link: once, before it expires.
    static func rateByToken(_ app: Application, token: String, _ input: RatingInput) async throws -> Result<RatingResponse, RatingRefusal> {
        let ctx = MonitorContext(now: app.deps.now(), newID: app.deps.newID, actor: Actor(id: nil, name: "customer (rating link)"))
        _ = try checkRating(input)
        return try await Store.write(app) { db in
            switch try await lookup(token: token, on: db, now: ctx.now) {
            case .failure(let why): return .failure(why)
            case .success(let (t, r)):
                t.usedAt = ctx.now
                try await t.update(on: db)
                if try await ServiceRating.query(on: db).filter(\.$requestID == r.id!).first() != nil { return .failure(.used) }
                try await saveRating(input, request: r, source: "link", at: ctx.now, on: db, ctx: ctx)
                return .success(RatingResponse(try await ServiceRating.query(on: db).filter(\.$requestID == r.id!).first()!))
            }
        }
    }

    static func recordFollowUp(_ app: Application, actor: Actor, requestID: UUID, _ input: FollowUpInput) async throws -> FollowUpResponse {
        let ctx = MonitorContext(now: app.deps.now(), newID: app.deps.newID, actor: actor)
        let clocks = app.serviceClocks
        var check = FieldCheck()
        let outcome = check.oneOf(input.outcome, "outcome", FollowUpOutcome.self)
        let notes = check.text(input.notes, "notes", max: 4000, required: false)
        let objection = check.text(input.objection, "objection", max: 4000, required: false)
        let at = input.calledAt ?? ctx.now
        if at > ctx.now.addingTimeInterval(300) { check.fail("called_at", "must not be in the future") }
        try check.throwIfAny()
        return try await Store.write(app) { db in
            let r = try await Writes.find(ServiceRequest.self, requestID, on: db)
            guard r.signedAt != nil || r.status == .closed else {
                throw AppError.conflict(code: "not_completed", message: "request \(r.number) is not signed off or closed yet")
            }
            let f = FollowUp()
            f.id = ctx.newID()
            f.requestID = requestID
            f.calledAt = at
            f.callerName = actor.name
            f.callerID = actor.id
            f.outcome = outcome!
            f.notes = notes
            try await f.create(on: db)
            try await ServiceRequestService.event(r, "follow_up", at: at, message: Message(notes == nil ? "svc_note.follow_up" : "svc_note.follow_up_notes",
                                                                                   ["outcome": outcome!.rawValue, "notes": notes ?? ""]), on: db, ctx: ctx)
            if let objection {
                _ = try await insertObjection(r, description: objection, source: "follow_up", at: at, on: db, ctx: ctx, clocks: clocks)
            }
            r.version += 1
            try await ServiceRequestService.refresh(r, on: db, ctx: ctx, clocks: clocks)
            let out = FollowUpResponse(f)
            try await AuditLog.append(on: db, at: ctx.now, actor: actor, action: "follow_up", entityType: ServiceRequest.entityType,
                                      entityID: requestID.uuidString, after: out)
            return out
        }
    }

    static func raiseObjection(_ app: Application, actor: Actor, requestID: UUID, _ input: ObjectionInput) async throws -> ObjectionResponse {
        let ctx = MonitorContext(now: app.deps.now(), newID: app.deps.newID, actor: actor)
        let clocks = app.serviceClocks
        var check = FieldCheck()
        let description = check.text(input.description, "description", max: 4000)
        let source = input.source ?? "customer"
        if !["customer", "follow_up"].contains(source) { check.fail("source", "must be one of: customer, follow_up") }
        let at = input.raisedAt ?? ctx.now
        if at > ctx.now.addingTimeInterval(300) { check.fail("raised_at", "must not be in the future") }
        try check.throwIfAny()
        return try await Store.write(app) { db in
            let r = try await Writes.find(ServiceRequest.self, requestID, on: db)
            if at < r.receivedAt { throw AppError.invalid(fields: ["raised_at": "must not be before the request was received"]) }
            let o = try await insertObjection(r, description: description!, source: source, at: at, on: db, ctx: ctx, clocks: clocks)
            let out = o.response(ResponseContext(now: ctx.now))
            try await AuditLog.append(on: db, at: ctx.now, actor: actor, action: "create", entityType: Objection.entityType,
                                      entityID: o.id!.uuidString, after: out)
            return out
        }
    }

    static func insertObjection(_ r: ServiceRequest, description: String, source: String, at: Date, on db: any Database, ctx: MonitorContext,
                                clocks: ServiceClockContext) async throws -> Objection {
        let o = Objection()
        o.id = ctx.newID()
        o.requestID = r.id!
        o.raisedAt = at
        o.source = source
        o.summary = description
        o.status = .open
        o.resolveDueAt = at
        o.version = 1
        try await refreshObjection(o, request: r, on: db, ctx: ctx, clocks: clocks, save: false)
        try await o.create(on: db)
        try await ServiceRequestService.event(r, "objection", at: at, note: description, on: db, ctx: ctx)
        return o
    }

    static func resolveObjection(_ app: Application, actor: Actor, id: UUID, expectedVersion: Int?, _ input: ObjectionResolveInput) async throws -> ObjectionResponse {
        let ctx = MonitorContext(now: app.deps.now(), newID: app.deps.newID, actor: actor)
        let clocks = app.serviceClocks
        var check = FieldCheck()
        let resolution = check.text(input.resolution, "resolution", max: 4000)
        let feedback = check.text(input.feedback, "feedback", max: 2000)
        let at = input.resolvedAt ?? ctx.now
        if at > ctx.now.addingTimeInterval(300) { check.fail("resolved_at", "must not be in the future") }
        try check.throwIfAny()
        return try await Writes.update(app, actor: actor, Objection.self, id: id, expectedVersion: expectedVersion) { o, db in
            guard o.status == .open else { throw AppError.conflict(code: "objection_resolved", message: "the objection is already resolved") }
            if at < o.raisedAt { throw AppError.invalid(fields: ["resolved_at": "must not be before raised_at"]) }
            o.status = .resolved
            o.resolution = resolution
            o.resolvedAt = at
            o.resolvedBy = actor.name
            o.feedback = feedback
            o.feedbackAt = at
            let r = try await Writes.find(ServiceRequest.self, o.requestID, on: db)
            try await refreshObjection(o, request: r, on: db, ctx: ctx, clocks: clocks, save: false)
            try await ServiceRequestService.event(r, "objection_resolved", at: at, note: resolution, on: db, ctx: ctx)
        }
    }

    /// objection.resolve: due time, warning and breach alerts, next look.
    @discardableResult
    static func refreshObjection(_ o: Objection, request r: ServiceRequest, on db: any Database, ctx: MonitorContext, clocks: ServiceClockContext,
                                 save: Bool = true) async throws -> Int {
        let clock = try await clocks.objectionClock(o, policy: r.clockPolicy, now: ctx.now, on: db)
        o.resolveDueAt = clock.dueAt ?? o.raisedAt
        let existing = try await Alert.query(on: db).filter(\.$source == .objection).filter(\.$sourceID == o.id!).all()
        let people = try await ServiceAlerts.people(engineer: r.engineerID, department: r.departmentID, on: db)
        let subject = ServiceAlerts.Subject(source: .objection, id: o.id!, contractID: r.contractID, label: "\(r.number) 异议",
                                            link: ServiceSitePaths.request.path(r.id!), users: people.users, departments: people.departments)
        let result = try await ServiceAlerts.process(clock, seq: 1, subject: subject, existing: existing, on: db, ctx: ctx)
        o.nextCheckAt = result.next
        if save { try await o.save(on: db) }
        return result.fired
    }
}
