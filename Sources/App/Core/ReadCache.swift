import Fluent
import NIOConcurrencyHelpers
import SQLKit
import SQLiteKit
import Vapor

/// Answers repeated API reads from memory without ever answering from an outdated database.
///
/// Every cached answer is stored with the database's *data version* read before it was computed, and is served only
/// while the database still has that version: on SQLite `PRAGMA data_version` on a connection of its own, which changes
/// whenever any other connection — in this process or another, such as a CLI import — commits; on PostgreSQL the current
/// snapshot (`pg_current_snapshot()`), which changes whenever any transaction on the server starts writing or ends, so
/// several instances behind a load balancer never serve each other's outdated answers. A write made while an answer was
/// being computed changes the version, so that answer is never served. Some figures depend on the time (days late, time
/// left on a clock, to the minute), so an answer also expires at the end of its minute and after a few seconds at most
/// (`LVYUE_READ_CACHE_SECONDS`, default 5; 0 turns the cache off), by the injected clock; and never outlives the token it
/// was computed for.
///
/// Answers are kept per bearer token (so per user and role), request URI and the `Accept` and `Accept-Language` headers;
/// only `200` answers with a body of at most `maxEntryBytes` are kept, at most `LVYUE_READ_CACHE_MB` (default 32) in all.
/// When several requests miss on the same answer at once, one computes it and the others wait for it.
final class ReadCache: Sendable {
    struct Key: Hashable, Sendable {
        var token: String
        var uri: String
        var accept: String
        var language: String
    }

    struct Entry: Sendable {
        var version: String
        var storedAt: Date
        var until: Date
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: ByteBuffer

        func fresh(_ version: String, _ now: Date) -> Bool { self.version == version && storedAt <= now && now < until }

        func response() -> Response {
            Response(status: status, headers: headers, body: .init(buffer: body))
        }
    }

    private struct Flight: Hashable { var key: Key; var version: String }

    /// What a missing request does: compute the answer, or take the one another request computed (nil: not kept).
    private enum Role { case lead, shared(Entry?) }

    private struct State {
        var version: String?
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var flights: [Flight: [CheckedContinuation<Role, Never>]] = [:]
        var hits = 0
        var misses = 0
    }

    let ttl: TimeInterval
    let maxBytes: Int
    let maxEntryBytes: Int
    let probe: any DataVersionProbe
    private let state = NIOLockedValueBox(State())

    init(ttl: TimeInterval, maxBytes: Int, maxEntryBytes: Int = 1 << 20, probe: any DataVersionProbe) {
        self.ttl = ttl
        self.maxBytes = maxBytes
        self.maxEntryBytes = maxEntryBytes
        self.probe = probe
    }

    var enabled: Bool { ttl > 0 && maxBytes > 0 }

    /// Answers served from memory and answers computed, since start.
    var counts: (hits: Int, misses: Int) { state.withLockedValue { ($0.hits, $0.misses) } }

    /// The stored answer for `key` if it is fresh at `version` and `now` (counted as a hit).
    func hit(_ key: Key, version: String, now: Date) -> Response? {
        state.withLockedValue { s -> Entry? in
            guard let e = s.entries[key], e.fresh(version, now) else { return nil }
            s.hits += 1
            return e
        }?.response()
    }

    /// Serves `request` from memory when the database has not changed since the answer was computed, otherwise computes
    /// it with `compute` — once for all the requests that miss on the same answer at the same time. `known` is a version
    /// the caller read for this request a moment ago (SQLite's, read without waiting), so it is not asked twice.
    func respond(_ request: Request, key: Key, known: String? = nil, compute: () async throws -> Response) async throws -> Response {
        // Without a version (the file is being replaced, say) the answer is computed and not kept.
        let read: String? = if let known { known } else { try? await probe.current() }
        guard let version = read else { return try await compute() }
        let now = request.now
        if let answer = hit(key, version: version, now: now) { return answer }

        let flight = Flight(key: key, version: version)
        let role = await withCheckedContinuation { (c: CheckedContinuation<Role, Never>) in
            state.withLockedValue { s in
                if s.flights[flight] != nil {
                    s.flights[flight]!.append(c)
                } else {
                    s.flights[flight] = []
                    s.misses += 1
                    c.resume(returning: .lead)
                }
            }
        }
        switch role {
        case .shared(let entry?):
            return entry.response()
        case .shared(nil):
            return try await compute()
        case .lead:
            let response: Response
            do {
                response = try await compute()
            } catch {
                finish(flight, entry: nil)
                throw error
            }
            finish(flight, entry: keepable(response, version: version, request: request, now: now))
            return response
        }
    }

    /// Stores a computed answer (nil when it may not be kept) and hands it to the requests that waited for it.
    private func finish(_ flight: Flight, entry: Entry?) {
        let waiters = state.withLockedValue { s -> [CheckedContinuation<Role, Never>] in
            let waiters = s.flights.removeValue(forKey: flight) ?? []
            guard let entry else { return waiters }
            if s.version != entry.version {
                // The database moved on: nothing stored under another version can be served again.
                s.entries.removeAll(keepingCapacity: true)
                s.bytes = 0
                s.version = entry.version
            }
            if let old = s.entries.removeValue(forKey: flight.key) { s.bytes -= old.body.readableBytes }
            while s.bytes + entry.body.readableBytes > maxBytes, let victim = s.entries.keys.first {
                s.bytes -= s.entries.removeValue(forKey: victim)!.body.readableBytes
            }
            s.entries[flight.key] = entry
            s.bytes += entry.body.readableBytes
            return waiters
        }
        for w in waiters { w.resume(returning: .shared(entry)) }
    }

    private func keepable(_ response: Response, version: String, request: Request, now: Date) -> Entry? {
        guard response.status == .ok, response.headers[.setCookie].isEmpty,
              let body = response.body.buffer, body.readableBytes <= maxEntryBytes else { return nil }
        // Answers may depend on the time at the minute (time left on a clock, the date at midnight): none outlives its minute.
        let nextMinute = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60)
        var until = min(now.addingTimeInterval(ttl), nextMinute)
        if let expires = request.storage[TokenExpiryKey.self] ?? nil { until = min(until, expires) }
        return Entry(version: version, storedAt: now, until: until, status: response.status, headers: response.headers, body: body)
    }

    /// When the bearer token of a request expires (set by `BearerAuthMiddleware`); a cached answer never outlives it.
    struct TokenExpiryKey: StorageKey { typealias Value = Date? }
}

/// Reads the database's data version: a value that changes whenever a write commits.
protocol DataVersionProbe: Sendable {
    func current() async throws -> String
    /// The version without waiting, or nil when that takes a round trip.
    func currentNow() -> String?
    func close() async
}

extension DataVersionProbe {
    func currentNow() -> String? { nil }
}

/// `PRAGMA data_version` on a connection of its own, which never writes: its value changes when any other
/// connection commits. Asked synchronously through SQLite's C interface with the statement prepared once — a few
/// microseconds, no thread hop — because every cached read asks it.
final class SQLiteDataVersion: DataVersionProbe, Sendable {
    // Reads in WAL mode wait only while the log is being recovered; a read that cannot go on soon is computed instead.
    private let connection: DirectSQLiteConnection

    init(path: String) { connection = DirectSQLiteConnection(path: path, role: .reader, busyTimeout: 50) }

    func current() async throws -> String {
        guard let version = currentNow() else { throw ProbeError() }
        return version
    }

    func currentNow() -> String? {
        var version: String?
        try? connection.run("PRAGMA data_version", [], decoder: SQLiteDataDecoder()) { row in
            version = (try? row.decode(column: "data_version", as: Int.self)).map(String.init)
        }
        return version
    }

    func close() async { connection.close() }

    struct ProbeError: Error {}
}

/// The current snapshot (`xmin:xmax:xip`): equal only if no transaction was assigned an id or ended in between.
struct PostgresDataVersion: DataVersionProbe {
    let db: @Sendable () -> any Database

    func current() async throws -> String {
        guard let row = try await db().sql.raw("SELECT pg_current_snapshot()::text AS v").first() else { throw Abort(.internalServerError) }
        return try row.decode(column: "v", as: String.self)
    }

    func close() async {}
}

/// Caches GET answers of the authenticated API (see `ReadCache`); placed before the bearer check so a hit costs one
/// data-version read and no token lookup. A request without a bearer token, or with conditions, goes straight through.
struct ReadCacheMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let cache = request.application.readCache
        guard cache.enabled, request.method == .GET, let bearer = request.headers.bearerAuthorization,
              request.headers[.ifNoneMatch].isEmpty, request.headers[.range].isEmpty
        else { return next.respond(to: request) }
        let key = ReadCache.Key(token: bearer.token, uri: request.url.string, accept: request.headers[.accept].joined(separator: ","),
                                language: request.headers[.acceptLanguage].joined(separator: ","))
        // A hit is answered on the event loop, without a hop to the concurrency pool, when the version is at hand (SQLite).
        let version = cache.probe.currentNow()
        if let version, let answer = cache.hit(key, version: version, now: request.now) { return request.eventLoop.makeSucceededFuture(answer) }
        return request.eventLoop.makeFutureWithTask {
            try await cache.respond(request, key: key, known: version) { try await next.respond(to: request).get() }
        }
    }
}

/// Shares data-version reads between requests: a request waits for the next read that *starts* after it arrived (so it
/// sees every commit that finished before it), and all requests that arrived during one read share the next. Under
/// many concurrent readers this is one read at a time instead of one per request.
final class SharedDataVersion: DataVersionProbe {
    let base: any DataVersionProbe
    private struct State {
        var waiting: [CheckedContinuation<String, any Error>] = []
        var reading = false
    }
    private let state = NIOLockedValueBox(State())

    init(_ base: any DataVersionProbe) { self.base = base }

    func current() async throws -> String {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<String, any Error>) in
            let start = state.withLockedValue { s -> Bool in
                s.waiting.append(c)
                if s.reading { return false }
                s.reading = true
                return true
            }
            if start { Task { await self.readRounds() } }
        }
    }

    /// Reads for everyone waiting when the read starts, then again for those who arrived meanwhile, until none wait.
    private func readRounds() async {
        while true {
            let round = state.withLockedValue { s -> [CheckedContinuation<String, any Error>] in
                let round = s.waiting
                s.waiting = []
                if round.isEmpty { s.reading = false }
                return round
            }
            if round.isEmpty { return }
            let result: Result<String, any Error>
            do { result = .success(try await base.current()) } catch { result = .failure(error) }
            for c in round { c.resume(with: result) }
        }
    }

    func close() async { await base.close() }
}

extension Application {
    private struct ReadCacheKey: StorageKey { typealias Value = ReadCache }

    var readCache: ReadCache {
        if let cache = storage[ReadCacheKey.self] { return cache }
        let cache = ReadCache(ttl: Environment.get("LVYUE_READ_CACHE_SECONDS").flatMap(Double.init) ?? 5,
                              maxBytes: (Environment.get("LVYUE_READ_CACHE_MB").flatMap(Int.init) ?? 32) << 20,
                              probe: makeDataVersionProbe())
        storage[ReadCacheKey.self] = cache
        return cache
    }

    private func makeDataVersionProbe() -> any DataVersionProbe {
        if config.databaseURL != nil {
            return SharedDataVersion(PostgresDataVersion(db: { [unowned self] in self.db }))
        }
        return SQLiteDataVersion(path: config.sqlitePath)
    }
}

/// Closes the data-version connection when the application stops.
struct ReadCacheLifecycle: LifecycleHandler {
    func shutdownAsync(_ app: Application) async {
        await app.readCache.probe.close()
    }
}
