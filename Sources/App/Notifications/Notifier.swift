import Fluent
import Foundation
import LvyueCore
import SQLKit

/// Turns one event into inbox messages and queued deliveries, inside the transaction that produced the event:
/// if the event is rolled back, so are its messages. Unique keys (user × event, channel × event) make a repeated
/// emission a no-op.
enum Notifier {
    struct Outgoing: Sendable {
        var event: NotificationEvent
        /// Identifies the firing, e.g. "alert:<id>" or "escalation:<id>:overdue:2".
        var key: String
        var title: String
        var text: String
        /// Title and text as a locale key (`<key>.title`, `<key>.body`) and parameters: each inbox shows it in its
        /// reader's language; channels get the stored language.
        var message: Message? = nil
        var link: String?
        /// People whose inbox receives it.
        var users: Set<UUID>
        /// Departments the event concerns (channels of these departments receive it).
        var departments: Set<UUID>
    }

    /// An event whose title and text are the message rendered in the stored language.
    static func outgoing(_ event: NotificationEvent, key: String, _ message: Message, link: String?, users: Set<UUID>,
                         departments: Set<UUID>) -> Outgoing {
        Outgoing(event: event, key: key, title: MessageText.stored(message, "title"), text: MessageText.stored(message, "body"),
                 message: message, link: link, users: users, departments: departments)
    }

    static func emit(_ e: Outgoing, on db: any Database, ctx: MonitorContext) async throws {
        for user in e.users.sorted(by: { $0.uuidString < $1.uuidString }) {
            try await db.sql.insert(into: InboxNotification.schema)
                .columns("id", "user_id", "event", "event_key", "title", "body", "link", "created_at", "message_key", "message_params")
                .values(ctx.newID(), user, e.event.rawValue, e.key, String(e.title.prefix(300)), String(e.text.prefix(4000)), e.link, ctx.now,
                        e.message?.key, e.message.map { MessageText.encodeParams($0.params) })
                .ignoringConflicts(with: ["user_id", "event_key"])
                .run()
        }
        let channels = try await NotificationChannel.query(on: db).filter(\.$active == true).all()
        for channel in channels where channel.events.contains(e.event) {
            let scoped = channel.departmentID != nil || channel.userID != nil
            let matches = !scoped || channel.departmentID.map(e.departments.contains) == true || channel.userID.map(e.users.contains) == true
            guard matches else { continue }
            try await db.sql.insert(into: Delivery.schema)
                .columns("id", "channel_id", "event", "event_key", "title", "text", "link", "status", "attempts", "next_attempt_at", "created_at")
                .values(ctx.newID(), channel.id!, e.event.rawValue, e.key, String(e.title.prefix(300)), String(e.text.prefix(4000)), e.link,
                        DeliveryStatus.pending.rawValue, 0, ctx.now, ctx.now)
                .ignoringConflicts(with: ["channel_id", "event_key"])
                .run()
        }
    }

    /// Active users of the given departments (for escalation chains that name departments).
    static func users(inDepartments ids: [UUID], on db: any Database) async throws -> [UUID] {
        guard !ids.isEmpty else { return [] }
        return try await User.query(on: db).filter(\.$department.$id ~~ ids).filter(\.$active == true).all().compactMap(\.id)
    }
}
