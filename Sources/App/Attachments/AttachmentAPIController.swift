import Fluent
import Vapor

/// Files on milestones, escalations and service requests (issue #5). Upload: the raw file as the body (any `Content-Type`; the type is
/// sniffed from the bytes), the name in `?filename=`. Body limit 10 MB on these routes only.
struct AttachmentAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        for parent in AttachmentParent.allCases {
            let segment = PathComponent(stringLiteral: parent.pathSegment)
            routes.get(segment, ":id", "attachments", use: { try await list(req: $0, parent) })
            routes.on(.POST, segment, ":id", "attachments", body: .collect(maxSize: AttachmentStore.maxBody),
                      use: { try await upload(req: $0, parent) }).runningLong()
        }
        routes.get("attachments", ":id", use: show)
        routes.get("attachments", ":id", "content", use: content)
        routes.delete("attachments", ":id", use: delete)
    }

    func list(req: Request, _ parent: AttachmentParent) async throws -> Response {
        try AttachmentService.requireRead(req, parent)
        let parentID = try req.pathID(entity: parent.rawValue)
        _ = try await parent.contractID(parentID, on: req.db)
        let ctx = ResponseContext(now: req.now)
        let rows = try await AttachmentService.list(parent, parentID, on: req.db)
        return try .json(AttachmentList(items: rows.map { $0.response(ctx) }))
    }

    func upload(req: Request, _ parent: AttachmentParent) async throws -> Response {
        let parentID = try req.pathID(entity: parent.rawValue)
        let contractID = try await parent.contractID(parentID, on: req.db)
        try await AttachmentService.requireAdd(req, parent, parentID: parentID, contractID: contractID)
        let data = req.body.data.map { Data($0.readableBytesView) } ?? Data()
        var check = FieldCheck()
        let name = check.text(req.query[String.self, at: "filename"], "filename", max: 200, required: false)
        try check.throwIfAny()
        let created = try await AttachmentService.add(req.application, actor: req.actor, parent: parent, parentID: parentID,
                                                      contractID: contractID, filename: name, data: data)
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let a = try await Writes.find(Attachment.self, try req.pathID(entity: "attachment"), on: req.db)
        try AttachmentService.requireRead(req, a.parentType)
        return try .json(a.response(ResponseContext(now: req.now)), version: a.version)
    }

    @Sendable func content(req: Request) async throws -> Response {
        let a = try await Writes.find(Attachment.self, try req.pathID(entity: "attachment"), on: req.db)
        try AttachmentService.requireRead(req, a.parentType)
        return try AttachmentService.download(req, a)
    }

    @Sendable func delete(req: Request) async throws -> Response {
        let a = try await Writes.find(Attachment.self, try req.pathID(entity: "attachment"), on: req.db)
        try Permissions.require(req, .delete, .attachment)
        try await AttachmentService.delete(req, a)
        return Response(status: .noContent)
    }
}

struct AttachmentList: Content {
    var items: [AttachmentResponse]
}
