import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Keeps refused requests from growing the audit trail without bound (issue #5): the first denial of a user (or, signed
/// out, an address) on one route in a minute is recorded as `permission.denied`; the repeats in that minute are only
/// counted, and once the minute is over they become one `permission.denied.repeated` event with the count. Both are
/// ordinary appends to the hash chain, so `lvyue audit verify` holds. The counts live in memory: they are written at
/// the next denial after the minute, or by the minute sweep of `lvyue serve`.
final class DenialLimiter: Sendable {
    struct Key: Hashable, Sendable {
        var who: String
        var method: String
        var route: String
    }

    struct Window: Sendable {
        var minute: Int64
        var repeats: Int
        var actor: Actor
        var subject: String
        var lastAt: Date
    }

    /// A minute's repeats, ready to be written.
    struct Finished: Sendable {
        var key: Key
        var window: Window
    }

    private struct State {
        var windows: [Key: Window] = [:]
        var sweptMinute: Int64 = .min
    }

    private let state = NIOLockedValueBox(State())

    static func minute(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / 60).rounded(.down)) }

    /// Counts one denial. `first` is true when it is the first of its key this minute (then it is to be recorded);
    /// `finished` are the earlier minutes' windows that had repeats (to be written now).
    func note(_ key: Key, actor: Actor, subject: String, at now: Date) -> (first: Bool, finished: [Finished]) {
        let minute = Self.minute(now)
        return state.withLockedValue { s in
            let finished = Self.sweep(&s, minute: minute)
            if var w = s.windows[key], w.minute == minute {
                w.repeats += 1
                w.lastAt = now
                s.windows[key] = w
                return (false, finished)
            }
            s.windows[key] = Window(minute: minute, repeats: 0, actor: actor, subject: subject, lastAt: now)
            return (true, finished)
        }
    }

    /// The windows of minutes before `now`'s that had repeats; all windows of earlier minutes are forgotten.
    func finished(before now: Date) -> [Finished] {
        let minute = Self.minute(now)
        return state.withLockedValue { Self.sweep(&$0, minute: minute) }
    }

    private static func sweep(_ s: inout State, minute: Int64) -> [Finished] {
        guard s.sweptMinute < minute else { return [] }
        s.sweptMinute = minute
        var out: [Finished] = []
        for (key, w) in s.windows where w.minute < minute {
            if w.repeats > 0 { out.append(Finished(key: key, window: w)) }
            s.windows[key] = nil
        }
        return out.sorted { ($0.window.lastAt, $0.key.route, $0.key.who) < ($1.window.lastAt, $1.key.route, $1.key.who) }
    }

    /// Writes one `permission.denied.repeated` event per finished window.
    static func write(_ app: Application, _ finished: [Finished]) async {
        for f in finished {
            let start = Date(timeIntervalSince1970: TimeInterval(f.window.minute * 60))
            await SecurityLog.record(app, actor: f.window.actor, action: "permission.denied.repeated", subject: f.window.subject,
                                     detail: ["method": f.key.method, "route": f.key.route, "who": f.key.who, "count": String(f.window.repeats),
                                              "minute": JSONCoding.formatInstant(start)])
        }
    }

    /// Writes the counts of minutes that are over (the minute sweep of `lvyue serve` calls this).
    static func flush(_ app: Application) async {
        await write(app, app.denialLimiter.finished(before: app.deps.now()))
    }
}

extension Application {
    private struct DenialLimiterKey: StorageKey { typealias Value = DenialLimiter }

    var denialLimiter: DenialLimiter {
        if let existing = storage[DenialLimiterKey.self] { return existing }
        let made = DenialLimiter()
        storage[DenialLimiterKey.self] = made
        return made
    }
}
