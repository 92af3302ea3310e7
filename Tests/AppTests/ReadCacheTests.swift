@testable import App
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
import VaporTesting

/// Issue #9: repeated API reads are answered from memory, and never with an answer the database has moved past.
@Suite("Read cache")
struct ReadCacheTests {
    /// Counts are exact on SQLite, whose data version belongs to the test's own file. On PostgreSQL the version is the
    /// server's snapshot, which the tests running beside this one move with their writes: there only the answers are checked.
    static let exactCounts = TestDatabase.postgresURL == nil

    @Test func answersFromMemoryOnlyWhileTheDatabaseIsUnchanged() async throws {
        try await withTestApp { env in
            let id = try await env.makeContract()
            let cache = env.app.readCache
            let path = "/contracts/\(id)"

            let start = cache.counts
            let first = try await env.api(.GET, path)
            let second = try await env.api(.GET, path)
            #expect(second.body == first.body)
            if Self.exactCounts { #expect(cache.counts.misses == start.misses + 1) }
            if Self.exactCounts { #expect(cache.counts.hits == start.hits + 1) }

            // A change through the API is seen at once.
            let etag = try #require(second.etag)
            #expect(try await env.api(.PATCH, path, json: ["title": "数控机床供货合同（补充）"], ifMatch: etag).status == .ok)
            #expect(try await env.api(.GET, path).string("title") == "数控机床供货合同（补充）")

            // So is a change committed on another connection, as a command-line import in another process would.
            try await env.db.sql.raw("UPDATE contracts SET title = \(bind: "直接写入的标题") WHERE number = \(bind: "HT-2026-001")").run()
            #expect(try await env.api(.GET, path).string("title") == "直接写入的标题")

            // Unchanged database, but the answer is older than its time to live: computed again.
            let before = cache.counts
            _ = try await env.api(.GET, path)
            if Self.exactCounts { #expect(cache.counts.hits == before.hits + 1) }
            env.clock.advance(hours: Double(cache.ttl + 1) / 3600)
            _ = try await env.api(.GET, path)
            if Self.exactCounts { #expect(cache.counts.misses == before.misses + 1) }

            // Nor does an answer outlive its minute (times left are counted in minutes; dates change at midnight).
            let minute = (env.clock.now.timeIntervalSince1970 / 60).rounded(.down) * 60
            env.clock.set(Date(timeIntervalSince1970: minute + 60 + 59))
            _ = try await env.api(.GET, path)  // records the token's use (a write), so this answer is not kept
            let late = cache.counts
            _ = try await env.api(.GET, path)
            _ = try await env.api(.GET, path)
            if Self.exactCounts { #expect(cache.counts.misses == late.misses + 1) }
            if Self.exactCounts { #expect(cache.counts.hits == late.hits + 1) }
            env.clock.set(Date(timeIntervalSince1970: minute + 120))
            _ = try await env.api(.GET, path)
            if Self.exactCounts { #expect(cache.counts.misses == late.misses + 2) }
        }
    }

    @Test func answersAreKeptPerToken() async throws {
        try await withTestApp { env in
            let engineer = try await SecurityFixtures.person(env, "wang.gong", role: .engineer)
            #expect(try await env.api(.GET, "/me").string("username") == "admin")
            #expect(try await env.api(.GET, "/me", token: engineer.token).string("username") == "wang.gong")
            #expect(try await env.api(.GET, "/me").string("username") == "admin")
            // A revoked token is refused at once, although its answer was cached a moment ago.
            try await env.db.sql.raw("UPDATE api_tokens SET revoked_at = \(bind: env.clock.now) WHERE user_id = \(bind: engineer.id)").run()
            #expect(try await env.api(.GET, "/me", token: engineer.token).status == .unauthorized)
        }
    }

    @Test func concurrentMissesComputeTheAnswerOnce() async throws {
        try await withTestApp { env in
            _ = try await env.makeContract()
            _ = try await env.api(.GET, "/me")  // the token's last use is recorded now, not during the reads below
            let before = env.app.readCache.counts
            let bodies = try await withThrowingTaskGroup(of: Data.self) { group in
                for _ in 0..<8 { group.addTask { try await env.api(.GET, "/dashboard").body } }
                return try await group.reduce(into: [Data]()) { $0.append($1) }
            }
            #expect(Set(bodies).count == 1)
            if Self.exactCounts { #expect(env.app.readCache.counts.misses == before.misses + 1) }
        }
    }

    /// A request never takes a data version read that started before it arrived: that read may predate a commit the
    /// request must see (its own write, a moment before).
    @Test func sharedVersionReadsStartAfterTheRequestArrives() async throws {
        final class SlowProbe: DataVersionProbe {
            let version = NIOLockedValueBox(0)
            let reads = NIOLockedValueBox(0)
            func current() async throws -> String {
                let seen = version.withLockedValue { $0 }
                reads.withLockedValue { $0 += 1 }
                try await Task.sleep(for: .milliseconds(50))
                return String(seen)
            }
            func close() async {}
        }
        let base = SlowProbe()
        let shared = SharedDataVersion(base)
        async let first = shared.current()
        try await Task.sleep(for: .milliseconds(10))
        base.version.withLockedValue { $0 = 1 }  // a commit while the first read may be under way
        let second = try await shared.current()
        #expect(second == "1")
        #expect(["0", "1"].contains(try await first))
        // Many requests arriving together share reads.
        let before = base.reads.withLockedValue { $0 }
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<40 { group.addTask { try await shared.current() } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(answers == Array(repeating: "1", count: 40))
        #expect(base.reads.withLockedValue { $0 } - before < 40)
    }
}
