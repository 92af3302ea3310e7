import Fluent
import Foundation
import SQLKit
import Vapor

/// Sends queued deliveries. A delivery is claimed by pushing its `next_attempt_at` forward (a lease) in a short
/// transaction — `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two instances never claim the same row — then sent
/// outside any transaction, then recorded: delivered, or retried with exponential backoff, or failed for good.
/// A crash between claim and record only delays the retry until the lease runs out.
enum DeliveryWorker {
    static let maxAttempts = 8
    static let lease: TimeInterval = 120

    /// 30 s, 1 min, 2 min … capped at 1 h.
    static func backoff(afterAttempt n: Int) -> TimeInterval {
        min(3600, 30 * pow(2, Double(max(0, n - 1))))
    }

    struct Claimed: Sendable {
        var id: UUID
        var kind: ChannelKind
        var url: String
        var secret: String?
        var message: ChannelFormats.Message
        var attempt: Int
    }

    @discardableResult
    static func runOnce(_ app: Application, limit: Int = 50) async throws -> (sent: Int, failed: Int) {
        let now = app.deps.now()
        let claimed = try await claim(app, now: now, limit: limit)
        var sent = 0, failed = 0
        let outbound = app.outbound
        for c in claimed {
            let request = ChannelFormats.request(kind: c.kind, url: c.url, secret: c.secret, message: c.message)
            var status: Int?
            var error: String?
            do {
                let response = try await outbound.post(request)
                status = response.status
                if !ChannelFormats.accepted(kind: c.kind, status: response.status, body: response.body) {
                    error = "refused: HTTP \(response.status) " + String(decoding: response.body.prefix(300), as: UTF8.self)
                }
            } catch let e {
                error = String(describing: e).prefix(300).description
            }
            let ok = error == nil
            let code = status, problem = error
            if ok { sent += 1 } else { failed += 1 }
            let finished = app.deps.now()
            try await Store.write(app) { db in
                guard let d = try await Delivery.find(c.id, on: db) else { return }
                d.lastStatusCode = code
                d.lastError = problem
                if ok {
                    d.status = .delivered
                    d.deliveredAt = finished
                } else if d.attempts >= maxAttempts {
                    d.status = .failed
                } else {
                    d.nextAttemptAt = finished.addingTimeInterval(backoff(afterAttempt: d.attempts))
                }
                try await d.update(on: db)
            }
            if !ok {
                app.logger.warning("delivery failed", metadata: ["component": "notifications", "delivery": "\(c.id)",
                                                                 "attempt": "\(c.attempt)", "error": "\(error ?? "")"])
            }
        }
        return (sent, failed)
    }

    static func claim(_ app: Application, now: Date, limit: Int) async throws -> [Claimed] {
        try await Store.write(app) { db in
            let lock = db.isSQLite ? "" : " FOR UPDATE SKIP LOCKED"
            let rows = try await db.sql.raw("""
                SELECT id FROM deliveries WHERE status = \(bind: DeliveryStatus.pending.rawValue) AND next_attempt_at <= \(bind: now)
                ORDER BY next_attempt_at LIMIT \(bind: limit)\(unsafeRaw: lock)
                """).all()
            let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
            guard !ids.isEmpty else { return [] }
            let deliveries = try await Delivery.query(on: db).filter(\.$id ~~ ids).all()
            let channels = try await NotificationChannel.query(on: db).filter(\.$id ~~ Array(Set(deliveries.map(\.channelID)))).all()
            let channelByID = Dictionary(uniqueKeysWithValues: channels.map { ($0.id!, $0) })
            var claimed: [Claimed] = []
            for d in deliveries {
                guard let ch = channelByID[d.channelID] else { continue }
                d.attempts += 1
                d.nextAttemptAt = now.addingTimeInterval(lease)
                try await d.update(on: db)
                let base = app.config.baseURL.hasSuffix("/") ? String(app.config.baseURL.dropLast()) : app.config.baseURL
                claimed.append(Claimed(id: d.id!, kind: ch.kind, url: ch.url, secret: ch.secret,
                                       message: .init(event: d.event.rawValue, title: d.title, text: d.text,
                                                      link: d.link.map { $0.hasPrefix("/") ? base + $0 : $0 }, at: now),
                                       attempt: d.attempts))
            }
            return claimed
        }
    }
}
