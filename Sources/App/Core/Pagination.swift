import Fluent
import Vapor

/// One page of a list: items plus an opaque cursor for the next page (absent on the last page).
struct Page<Item: Content>: Content {
    var items: [Item]
    var nextCursor: String?
}

/// `limit` (1…200, default 50) and `cursor` from the query string. The cursor is the last id of the
/// previous page; ids are time-ordered UUIDs, so `id > cursor ORDER BY id` is keyset pagination in creation order.
struct PageRequest {
    var limit: Int
    var after: UUID?

    init(_ req: Request) throws {
        var check = FieldCheck()
        let limit = check.limit(req, default: 50, max: 200)
        var after: UUID?
        if let cursor = req.query[String.self, at: "cursor"], !cursor.isEmpty {
            if let id = UUID(uuidString: cursor) { after = id } else { check.fail("cursor", "is not a cursor returned by this list") }
        }
        try check.throwIfAny()
        self.limit = limit
        self.after = after
    }

    func apply<M: Model>(_ query: QueryBuilder<M>) -> QueryBuilder<M> where M.IDValue == UUID {
        if let after { query.filter(\M._$id > after) }
        return query.sort(\M._$id).limit(limit + 1)
    }

    func page<M: Model, Item: Content>(_ models: [M], _ transform: (M) throws -> Item) rethrows -> Page<Item> where M.IDValue == UUID {
        let hasMore = models.count > limit
        let slice = models.prefix(limit)
        return Page(items: try slice.map(transform), nextCursor: hasMore ? slice.last?.id?.uuidString : nil)
    }
}

extension FieldCheck {
    /// `limit` from the query string: an integer in 1…`max`, `value` when the parameter is absent; anything else is a
    /// field error.
    mutating func limit(_ req: Request, default value: Int, max: Int) -> Int {
        guard let raw = req.query[String.self, at: "limit"] else { return value }
        if let n = Int(raw), (1...max).contains(n) { return n }
        fail("limit", "must be an integer between 1 and \(max)")
        return value
    }
}

extension Request {
    /// A query-string filter that must parse as a UUID; a malformed one is a 422, not an empty list.
    func uuidQuery(_ name: String) throws -> UUID? {
        guard let raw = query[String.self, at: name], !raw.isEmpty else { return nil }
        guard let id = UUID(uuidString: raw) else { throw AppError.invalid(fields: [name: "must be an id"]) }
        return id
    }

    /// A path parameter id; a malformed one is a plain 404 (no such thing), as for an unknown id.
    func pathID(_ name: String = "id", entity: String) throws -> UUID {
        guard let raw = parameters.get(name), let id = UUID(uuidString: raw) else {
            throw AppError.notFound(entity: entity, id: parameters.get(name) ?? "")
        }
        return id
    }
}
