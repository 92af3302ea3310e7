import Fluent
import Vapor

struct AuditEventResponse: Content {
    var seq: Int
    var at: Date
    var actorId: UUID?
    var actorName: String
    var action: String
    var entityType: String
    var entityId: String
    var before: String?
    var after: String?
    var prevHash: String
    var hash: String

    init(_ e: AuditEvent) {
        seq = e.id ?? 0
        at = e.at
        actorId = e.actorID
        actorName = e.actorName
        action = e.action
        entityType = e.entityType
        entityId = e.entityID
        before = e.before
        after = e.after
        prevHash = e.previousHash
        hash = e.hash
    }
}

struct AuditPage: Content {
    var items: [AuditEventResponse]
    var nextCursor: String?
}

struct AuditAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("audit", use: list)
    }

    /// `GET /api/v1/audit?entity_type=&entity_id=&limit=&cursor=` — newest first; the cursor is a sequence number.
    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .audit)
        let query = try AuditQuery(req)
        let rows = try await AuditQuery.page(query, on: req.db)
        let hasMore = rows.count > query.limit
        let items = rows.prefix(query.limit)
        return try .json(AuditPage(items: items.map(AuditEventResponse.init), nextCursor: hasMore ? items.last.map { String($0.id!) } : nil))
    }
}

struct AuditQuery {
    var entityType: String?
    var entityID: String?
    var limit: Int
    var before: Int?

    init(_ req: Request) throws {
        var check = FieldCheck()
        entityType = req.query[String.self, at: "entity_type"].flatMap { $0.isEmpty ? nil : $0 }
        entityID = req.query[String.self, at: "entity_id"].flatMap { $0.isEmpty ? nil : $0 }
        limit = 50
        if let raw = req.query[String.self, at: "limit"] {
            if let n = Int(raw), (1...200).contains(n) { limit = n } else { check.fail("limit", "must be an integer between 1 and 200") }
        }
        if let raw = req.query[String.self, at: "cursor"], !raw.isEmpty {
            if let n = Int(raw), n > 0 { before = n } else { check.fail("cursor", "is not a cursor returned by this list") }
        }
        if let id = entityID, let uuid = UUID(uuidString: id) { entityID = uuid.uuidString }
        try check.throwIfAny()
    }

    static func page(_ q: AuditQuery, on db: any Database) async throws -> [AuditEvent] {
        let query = AuditEvent.query(on: db)
        if let t = q.entityType { query.filter(\.$entityType == t) }
        if let id = q.entityID { query.filter(\.$entityID == id) }
        if let before = q.before { query.filter(\.$id < before) }
        return try await query.sort(\.$id, .descending).limit(q.limit + 1).all()
    }
}
