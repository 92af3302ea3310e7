import Fluent
import Foundation
import LvyueCore

/// Events that notify people and channels. A channel's `events` is its rule: which of these it receives.
enum NotificationEvent: String, Codable, CaseIterable, Sendable {
    case alertFired = "alert.fired"
    case escalationRaised = "escalation.raised"
    case escalationOverdue = "escalation.overdue"
    case escalationLevelledUp = "escalation.levelled_up"
    case milestoneLate = "milestone.late"
    // Issue #6
    case serviceClockWarning = "service.clock_warning"
    case serviceClockBreach = "service.clock_breach"
    case improvementActionOverdue = "improvement_action.overdue"  // issue #7
}

enum ChannelKind: String, Codable, CaseIterable, Sendable {
    case webhook, wecom, dingtalk, feishu
}

enum DeliveryStatus: String, Codable, CaseIterable, Sendable {
    case pending, delivered, failed
}

/// One message in a user's in-app inbox.
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class InboxNotification: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "event") var event: NotificationEvent
    /// The firing this message is about; with `user_id` unique, so a firing reaches each person once.
    @Field(key: "event_key") var eventKey: String
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @OptionalField(key: "link") var link: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?
    /// The text above as a locale key and parameters (nil on rows written before keys existed).
    @OptionalField(key: "message_key") var messageKey: String?
    @OptionalField(key: "message_params") var messageParams: String?

    var message: Message? { MessageText.message(key: messageKey, params: messageParams) }

    init() {}
}

/// An outbound channel: a generic webhook or a WeCom / DingTalk / Feishu group bot, for a department, a user or everyone.
final class NotificationChannel: Model, @unchecked Sendable {
    static let schema = "notification_channels"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: ChannelKind
    @Field(key: "url") var url: String
    /// HMAC key (webhook) or the bot's signing secret (DingTalk, Feishu). Never returned by the API.
    @OptionalField(key: "secret") var secret: String?
    @OptionalField(key: "department_id") var departmentID: UUID?
    @OptionalField(key: "user_id") var userID: UUID?
    /// The rule: event names (JSON array) this channel receives.
    @Field(key: "events") var eventsJSON: String
    @Field(key: "active") var active: Bool
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var events: [NotificationEvent] {
        get { ((try? JSONDecoder().decode([String].self, from: Data(eventsJSON.utf8))) ?? []).compactMap(NotificationEvent.init(rawValue:)) }
        set { eventsJSON = String(decoding: (try? JSONEncoder().encode(newValue.map(\.rawValue))) ?? Data("[]".utf8), as: UTF8.self) }
    }
}

/// A queued outbound message: survives a restart, retried with exponential backoff, logged with status and response code.
final class Delivery: Model, @unchecked Sendable {
    static let schema = "deliveries"

    @ID(key: .id) var id: UUID?
    @Field(key: "channel_id") var channelID: UUID
    @Field(key: "event") var event: NotificationEvent
    /// With `channel_id` unique: one delivery per firing and channel.
    @Field(key: "event_key") var eventKey: String
    @Field(key: "title") var title: String
    @Field(key: "text") var text: String
    @OptionalField(key: "link") var link: String?
    @Field(key: "status") var status: DeliveryStatus
    @Field(key: "attempts") var attempts: Int
    /// When the next attempt may run; a claimed delivery is leased by pushing this forward, so a crash mid-send
    /// only delays the retry.
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "last_status_code") var lastStatusCode: Int?
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "delivered_at") var deliveredAt: Date?

    init() {}
}
