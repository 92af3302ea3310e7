import Fluent
import Vapor
import LvyueCore

/// What a response needs besides the row: "today" for derived dates, "now" for ages.
struct ResponseContext: Sendable {
    var now: Date
    var today: LocalDate

    init(now: Date) {
        self.now = now
        self.today = LocalDate(date: now, in: JSONCoding.displayTimeZone)
    }
}

/// A response that shows the row's version (sent as the ETag).
protocol HasVersion { var version: Int { get } }

/// A model that is written through `Writes`: versioned, audited under `entityType`, shown as `Response`.
protocol AuditedModel: Model, Versioned where IDValue == UUID {
    associatedtype Response: Content & HasVersion
    static var entityType: String { get }
    func response(_ ctx: ResponseContext) -> Response
}

/// The three write shapes every resource shares — create, update with `If-Match`, delete with `If-Match` —
/// each one transaction holding the change and its audit event (before/after as the API shows them).
enum Writes {
    static func create<M: AuditedModel>(
        _ app: Application, actor: Actor, _ model: M, prepare: (@Sendable (any Database) async throws -> Void)? = nil
    ) async throws -> M.Response {
        let now = app.deps.now()
        let ctx = ResponseContext(now: now)
        if model.id == nil { model.id = app.deps.newID() }
        model.version = 1
        return try await Store.write(app) { db in
            try await prepare?(db)
            try await model.create(on: db)
            let after = model.response(ctx)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: M.entityType,
                                      entityID: model.id!.uuidString, after: after)
            return after
        }
    }

    static func update<M: AuditedModel>(
        _ app: Application, actor: Actor, _ type: M.Type, id: UUID, expectedVersion: Int?,
        apply: @escaping @Sendable (M, any Database) async throws -> Void
    ) async throws -> M.Response {
        let now = app.deps.now()
        let ctx = ResponseContext(now: now)
        return try await Store.write(app) { db in
            guard let model = try await M.find(id, on: db) else { throw AppError.notFound(entity: M.entityType, id: id.uuidString) }
            try Precondition.check(expectedVersion, against: model)
            let before = model.response(ctx)
            try await apply(model, db)
            model.version += 1
            try await model.update(on: db)
            let after = model.response(ctx)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "update", entityType: M.entityType,
                                      entityID: id.uuidString, before: before, after: after)
            return after
        }
    }

    static func delete<M: AuditedModel>(
        _ app: Application, actor: Actor, _ type: M.Type, id: UUID, expectedVersion: Int?,
        guarding: (@Sendable (M, any Database) async throws -> Void)? = nil
    ) async throws {
        let now = app.deps.now()
        let ctx = ResponseContext(now: now)
        try await Store.write(app) { db in
            guard let model = try await M.find(id, on: db) else { throw AppError.notFound(entity: M.entityType, id: id.uuidString) }
            try Precondition.check(expectedVersion, against: model)
            try await guarding?(model, db)
            let before = model.response(ctx)
            try await model.delete(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "delete", entityType: M.entityType,
                                      entityID: id.uuidString, before: before)
        }
    }

    /// Finds a model for reading or 404s.
    static func find<M: AuditedModel>(_ type: M.Type, _ id: UUID, on db: any Database) async throws -> M {
        if db.inTransaction && !db.isSQLite {
            // Inside a write on PostgreSQL the row is locked until commit, so a concurrent edit with the same If-Match
            // waits, then sees the new version and is refused (SQLite's write lock already serialises writers).
            try await db.sql.raw("SELECT id FROM \(ident: M.schema) WHERE id = \(bind: id) FOR UPDATE").run()
        }
        guard let model = try await M.find(id, on: db) else { throw AppError.notFound(entity: M.entityType, id: id.uuidString) }
        return model
    }

    /// A referenced row must exist: otherwise the field is invalid (422), not a missing resource (404).
    static func requireReference<M: Model>(_ type: M.Type, _ id: M.IDValue?, field: String, on db: any Database) async throws {
        guard let id else { return }
        if try await M.find(id, on: db) == nil { throw AppError.invalid(fields: [field: "no such record"]) }
    }
}
