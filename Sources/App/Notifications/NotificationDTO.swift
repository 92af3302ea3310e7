import Fluent
import Foundation
import Vapor

struct InboxItemResponse: Content {
    var id: UUID
    var event: NotificationEvent
    var title: String
    var body: String
    var link: String?
    var createdAt: Date
    var readAt: Date?
    /// `title` and `body` as a locale key (`<key>.title`, `<key>.body`) and parameters.
    var messageKey: String?
    var messageParams: [String: String]?

    init(_ n: InboxNotification) {
        id = n.id!
        event = n.event
        title = n.title
        body = n.body
        link = n.link
        createdAt = n.createdAt
        readAt = n.readAt
        messageKey = n.messageKey
        messageParams = n.messageKey == nil ? nil : MessageText.decodeParams(n.messageParams)
    }
}

struct InboxResponse: Content {
    var items: [InboxItemResponse]
    var nextCursor: String?
    var unreadCount: Int
}

struct ChannelResponse: Content, HasVersion {
    var id: UUID
    var name: String
    var kind: ChannelKind
    var url: String
    /// The secret itself is never shown.
    var hasSecret: Bool
    var departmentId: UUID?
    var userId: UUID?
    var events: [NotificationEvent]
    var active: Bool
    var version: Int
}

extension NotificationChannel: AuditedModel {
    static let entityType = "notification_channel"
    func response(_ ctx: ResponseContext) -> ChannelResponse {
        ChannelResponse(id: id!, name: name, kind: kind, url: url, hasSecret: !(secret ?? "").isEmpty, departmentId: departmentID,
                        userId: userID, events: events, active: active, version: version)
    }
}

struct DeliveryResponse: Content {
    var id: UUID
    var channelId: UUID
    var event: NotificationEvent
    var title: String
    var status: DeliveryStatus
    var attempts: Int
    var nextAttemptAt: Date
    var lastStatusCode: Int?
    var lastError: String?
    var createdAt: Date
    var deliveredAt: Date?

    init(_ d: Delivery) {
        id = d.id!
        channelId = d.channelID
        event = d.event
        title = d.title
        status = d.status
        attempts = d.attempts
        nextAttemptAt = d.nextAttemptAt
        lastStatusCode = d.lastStatusCode
        lastError = d.lastError
        createdAt = d.createdAt
        deliveredAt = d.deliveredAt
    }
}

struct ChannelInput: ResourceInput {
    var name: Patch<String>
    var kind: Patch<String>
    var url: Patch<String>
    var secret: Patch<String>
    var departmentId: Patch<UUID>
    var userId: Patch<UUID>
    var events: Patch<[String]>
    var active: Patch<Bool>

    enum CodingKeys: String, CodingKey { case name, kind, url, secret, departmentId, userId, events, active }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.patch(String.self, .name)
        kind = try c.patch(String.self, .kind)
        url = try c.patch(String.self, .url)
        secret = try c.patch(String.self, .secret)
        departmentId = try c.patch(UUID.self, .departmentId)
        userId = try c.patch(UUID.self, .userId)
        events = try c.patch([String].self, .events)
        active = try c.patch(Bool.self, .active)
    }

    func apply(to ch: NotificationChannel, creating: Bool, db: any Database) async throws {
        var check = FieldCheck()
        if creating || !name.isAbsent { ch.name = check.text(name.value, "name", max: 100) ?? "" }
        if creating || !kind.isAbsent { ch.kind = check.oneOf(kind.value, "kind", ChannelKind.self) ?? .webhook }
        if creating || !url.isAbsent {
            if let u = check.text(url.value, "url", max: 2000) {
                if let parsed = URL(string: u), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host != nil {
                    ch.url = u
                } else {
                    check.fail("url", "must be an http(s) URL")
                }
            }
        }
        if !secret.isAbsent { ch.secret = check.text(secret.value, "secret", max: 500, required: false) }
        if creating { ch.active = true; ch.events = NotificationEvent.allCases }
        if !active.isAbsent {
            if let a = active.value { ch.active = a } else { check.fail("active", "must not be null") }
        }
        if !events.isAbsent {
            let raw = events.value ?? []
            var parsed: [NotificationEvent] = []
            for e in raw {
                if let ev = NotificationEvent(rawValue: e) { parsed.append(ev) } else {
                    check.fail("events", "unknown event \(e); known: " + NotificationEvent.allCases.map(\.rawValue).joined(separator: ", "))
                }
            }
            ch.events = Array(Set(parsed)).sorted { $0.rawValue < $1.rawValue }
        }
        if (departmentId.value != nil) && (userId.value != nil) { check.fail("user_id", "a channel belongs to a department or a user, not both") }
        try check.throwIfAny()
        if !departmentId.isAbsent {
            try await Writes.requireReference(Department.self, departmentId.value, field: "department_id", on: db)
            ch.departmentID = departmentId.value
        }
        if !userId.isAbsent {
            try await Writes.requireReference(User.self, userId.value, field: "user_id", on: db)
            ch.userID = userId.value
        }
        if ch.departmentID != nil && ch.userID != nil {
            throw AppError.invalid(fields: ["user_id": "a channel belongs to a department or a user, not both"])
        }
    }
}
