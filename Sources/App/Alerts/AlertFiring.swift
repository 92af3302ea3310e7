import Fluent
import Foundation
import LvyueCore
import SQLKit

/// What the monitoring code needs from the outside: the instant, "today", ids and who acts.
struct MonitorContext: Sendable {
    var now: Date
    var today: LocalDate
    var newID: @Sendable () -> UUID
    var actor: Actor

    init(now: Date, newID: @escaping @Sendable () -> UUID, actor: Actor = .system) {
        self.now = now
        self.today = LocalDate(date: now, in: JSONCoding.displayTimeZone)
        self.newID = newID
        self.actor = actor
    }
}

/// Alert bookkeeping shared by every monitored condition. A condition is "fired" while an unresolved alert with
/// its key exists; a new firing takes the next `firing_seq`. The insert ignores conflicts on the unique key, so
/// two evaluations racing (two instances, or a sweep and a write) produce one alert: only the winner sees its
/// row come back and goes on to notify.
enum AlertFiring {
    struct Key: Hashable, Sendable {
        var source: AlertSource
        var sourceID: UUID
        var condition: String
    }

    struct State: Sendable {
        /// Unresolved alerts by key.
        var open: [Key: Alert] = [:]
        /// Highest firing sequence used by key (resolved ones included).
        var maxSeq: [Key: Int] = [:]
    }

    /// The firing state of every condition of the given contracts (two queries).
    static func state(contracts ids: [UUID], on db: any Database) async throws -> State {
        var state = State()
        guard !ids.isEmpty else { return state }
        for a in try await Alert.query(on: db).filter(\.$contractID ~~ ids).filter(\.$status != .resolved).all() {
            state.open[Key(source: a.source, sourceID: a.sourceID, condition: a.conditionKey)] = a
        }
        let rows = try await db.sql.select()
            .column("source").column("source_id").column("condition_key")
            .column(SQLFunction("MAX", args: SQLColumn("firing_seq")), as: "seq")
            .from(Alert.schema)
            .where("contract_id", .in, ids)
            .groupBy("source").groupBy("source_id").groupBy("condition_key")
            .all()
        for row in rows {
            guard let source = AlertSource(rawValue: try row.decode(column: "source", as: String.self)) else { continue }
            let key = Key(source: source, sourceID: try row.decode(column: "source_id", as: UUID.self),
                          condition: try row.decode(column: "condition_key", as: String.self))
            state.maxSeq[key] = Int(try row.decode(column: "seq", as: Int64.self))
        }
        return state
    }

    struct Firing: Sendable {
        var key: Key
        var seq: Int
        var contractID: UUID?
        var milestoneID: UUID?
        var level: AlertLevel
        var title: String
        var reason: String
        /// The title and reason as a locale key (`<key>.title`, `<key>.reason`) and parameters.
        var message: Message?

        init(key: Key, seq: Int, contractID: UUID?, milestoneID: UUID?, level: AlertLevel, title: String, reason: String) {
            self.key = key; self.seq = seq; self.contractID = contractID; self.milestoneID = milestoneID
            self.level = level; self.title = title; self.reason = reason
        }

        /// A firing whose title and reason are the message rendered in the stored language.
        init(key: Key, seq: Int, contractID: UUID?, milestoneID: UUID?, level: AlertLevel, message: Message) {
            self.init(key: key, seq: seq, contractID: contractID, milestoneID: milestoneID, level: level,
                      title: MessageText.stored(message, "title"), reason: MessageText.stored(message, "reason"))
            self.message = message
        }
    }

    /// Inserts the alert of one firing unless it already exists. Returns the alert when this call created it.
    static func fire(_ f: Firing, on db: any Database, ctx: MonitorContext) async throws -> Alert? {
        let id = ctx.newID()
        let row = try await db.sql.insert(into: Alert.schema)
            .columns("id", "source", "source_id", "condition_key", "firing_seq", "contract_id", "milestone_id", "level", "title",
                     "reason", "status", "fired_at", "version", "message_key", "message_params")
            .values(id, f.key.source.rawValue, f.key.sourceID, f.key.condition, f.seq, f.contractID, f.milestoneID, f.level.rawValue,
                    String(f.title.prefix(300)), String(f.reason.prefix(2000)), AlertStatus.open.rawValue, ctx.now, 1,
                    f.message?.key, f.message.map { MessageText.encodeParams($0.params) })
            .ignoringConflicts(with: ["source", "source_id", "condition_key", "firing_seq"])
            .returning("id")
            .first()
        guard row != nil, let alert = try await Alert.find(id, on: db) else { return nil }
        try await AuditLog.append(on: db, at: ctx.now, actor: ctx.actor, action: "alert.fire", entityType: Alert.entityType,
                                  entityID: id.uuidString, after: alert.response(ResponseContext(now: ctx.now)))
        return alert
    }

    /// Marks an alert resolved because its condition cleared.
    static func resolve(_ alert: Alert, on db: any Database, ctx: MonitorContext) async throws {
        guard alert.status != .resolved else { return }
        let before = alert.response(ResponseContext(now: ctx.now))
        alert.status = .resolved
        alert.resolvedAt = ctx.now
        alert.version += 1
        try await alert.update(on: db)
        try await AuditLog.append(on: db, at: ctx.now, actor: ctx.actor, action: "alert.resolve", entityType: Alert.entityType,
                                  entityID: alert.id!.uuidString, before: before, after: alert.response(ResponseContext(now: ctx.now)))
    }
}
