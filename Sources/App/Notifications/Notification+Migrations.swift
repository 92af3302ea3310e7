import Fluent
import SQLKit

struct CreateNotifications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(InboxNotification.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("event", .string, .required)
            .field("event_key", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("link", .string)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .unique(on: "user_id", "event_key", name: "notifications_once_per_user")
            .create()
        try await database.schema(NotificationChannel.schema)
            .id()
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("url", .string, .required)
            .field("secret", .string)
            .field("department_id", .uuid, .references(Department.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .references(User.schema, "id", onDelete: .cascade))
            .field("events", .string, .required)
            .field("active", .bool, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(Delivery.schema)
            .id()
            .field("channel_id", .uuid, .required, .references(NotificationChannel.schema, "id", onDelete: .cascade))
            .field("event", .string, .required)
            .field("event_key", .string, .required)
            .field("title", .string, .required)
            .field("text", .string, .required)
            .field("link", .string)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_status_code", .int)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("delivered_at", .datetime)
            .unique(on: "channel_id", "event_key", name: "deliveries_once_per_channel")
            .create()
        try await database.sql.raw("CREATE INDEX notifications_by_user ON notifications (user_id, read_at, id)").run()
        try await database.sql.raw("CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at)").run()
    }

    func revert(on database: any Database) async throws {
        for s in [Delivery.schema, NotificationChannel.schema, InboxNotification.schema] {
            try await database.schema(s).delete()
        }
    }
}
