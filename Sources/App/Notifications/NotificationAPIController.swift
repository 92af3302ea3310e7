import Fluent
import Vapor

struct NotificationAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("notifications", use: inbox)
        routes.post("notifications", ":id", "read", use: markRead)
        routes.post("notifications", "read-all", use: markAllRead)

        let channels = routes.grouped("notification-channels")
        channels.get(use: listChannels)
        channels.post(use: createChannel)
        channels.get(":id", use: showChannel)
        channels.patch(":id", use: updateChannel)
        channels.delete(":id", use: deleteChannel)
        channels.get(":id", "deliveries", use: deliveries)
    }

    /// The caller's inbox, newest first; `unread=true` for unread only. Carries the unread count.
    @Sendable func inbox(req: Request) async throws -> Response {
        let user = try req.user
        var check = FieldCheck()
        var limit = 50
        if let raw = req.query[String.self, at: "limit"] {
            if let n = Int(raw), (1...200).contains(n) { limit = n } else { check.fail("limit", "must be an integer between 1 and 200") }
        }
        var before: UUID?
        if let c = req.query[String.self, at: "cursor"], !c.isEmpty {
            if let id = UUID(uuidString: c) { before = id } else { check.fail("cursor", "is not a cursor returned by this list") }
        }
        let unreadOnly = req.query[String.self, at: "unread"] == "true"
        try check.throwIfAny()
        let q = InboxNotification.query(on: req.db).filter(\.$userID == user.id!)
        if unreadOnly { q.filter(\.$readAt == nil) }
        if let before { q.filter(\.$id < before) }
        let rows = try await q.sort(\.$id, .descending).limit(limit + 1).all()
        let unread = try await InboxNotification.query(on: req.db).filter(\.$userID == user.id!).filter(\.$readAt == nil).count()
        let page = rows.prefix(limit)
        return try .json(InboxResponse(items: page.map(InboxItemResponse.init), nextCursor: rows.count > limit ? page.last?.id?.uuidString : nil,
                                       unreadCount: unread))
    }

    @Sendable func markRead(req: Request) async throws -> Response {
        let user = try req.user
        let id = try req.pathID(entity: "notification")
        let now = req.now
        let item = try await Store.write(req.application) { db -> InboxItemResponse in
            guard let n = try await InboxNotification.find(id, on: db), n.userID == user.id else {
                throw AppError.notFound(entity: "notification", id: id.uuidString)
            }
            if n.readAt == nil {
                n.readAt = now
                try await n.update(on: db)
            }
            return InboxItemResponse(n)
        }
        return try .json(item)
    }

    @Sendable func markAllRead(req: Request) async throws -> Response {
        let user = try req.user
        let now = req.now
        try await Store.write(req.application) { db in
            try await InboxNotification.query(on: db).filter(\.$userID == user.id!).filter(\.$readAt == nil).set(\.$readAt, to: now).update()
        }
        return Response(status: .noContent)
    }

    @Sendable func listChannels(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .notificationChannel)
        let page = try PageRequest(req)
        let rows = try await page.apply(NotificationChannel.query(on: req.db)).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func createChannel(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .notificationChannel)
        let input = try req.decodeJSON(ChannelInput.self)
        let ch = NotificationChannel()
        ch.id = req.deps.newID()
        let pending = ch
        let created = try await Writes.create(req.application, actor: req.actor, pending, prepare: { db in
            try await input.apply(to: pending, creating: true, db: db)
        })
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func showChannel(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .notificationChannel)
        let ch = try await Writes.find(NotificationChannel.self, try req.pathID(entity: "notification_channel"), on: req.db)
        return try .json(ch.response(ResponseContext(now: req.now)), version: ch.version)
    }

    @Sendable func updateChannel(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .notificationChannel)
        let input = try req.decodeJSON(ChannelInput.self)
        let updated = try await Writes.update(req.application, actor: req.actor, NotificationChannel.self,
                                              id: try req.pathID(entity: "notification_channel"),
                                              expectedVersion: try Precondition.expectedVersion(req)) { ch, db in
            try await input.apply(to: ch, creating: false, db: db)
        }
        return try .json(updated, version: updated.version)
    }

    @Sendable func deleteChannel(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .notificationChannel)
        try await Writes.delete(req.application, actor: req.actor, NotificationChannel.self, id: try req.pathID(entity: "notification_channel"),
                                expectedVersion: try Precondition.expectedVersion(req))
        return Response(status: .noContent)
    }

    /// The channel's delivery log: status, attempts, last response code.
    @Sendable func deliveries(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .notificationChannel)
        let ch = try await Writes.find(NotificationChannel.self, try req.pathID(entity: "notification_channel"), on: req.db)
        let page = try PageRequest(req)
        let rows = try await page.apply(Delivery.query(on: req.db).filter(\.$channelID == ch.id!)).all()
        return try .json(page.page(rows) { DeliveryResponse($0) })
    }
}
