import Foundation
import NIOCore
import Vapor

// `lvyue-bench load`: a bounded load run (issue #9, item 5). It starts `lvyue serve` on loopback against a generated
// database, sends a fixed number of mixed reads and writes at a fixed rate (default 200/s: four times the expected
// peak of 50/s, see BENCHMARKS.md) from a bounded number of connections, and stops by itself. It reports every error
// (any status ≥ 300 or transport failure) and the server's resident memory sampled once a second, with the slope of a
// least-squares line through the samples after warm-up (the first quarter of the run, at least 90 s).
//
//   lvyue-bench load --db FILE [--database-url URL] [--rate 200] [--requests 60000] [--connections 16] [--port 8106]

struct LoadOptions {
    var http: HTTPOptions
    var rate = 200.0
    var requests = 60_000
    var connections = 16

    init(_ args: ArraySlice<String>) {
        http = HTTPOptions(args)
        var it = args.makeIterator()
        while let a = it.next() {
            switch a {
            case "--rate": rate = it.next().flatMap(Double.init) ?? rate
            case "--requests": requests = it.next().flatMap(Int.init) ?? requests
            case "--connections": connections = it.next().flatMap(Int.init) ?? connections
            default: break
            }
        }
    }
}

struct LoadReport: Encodable {
    struct Kind: Encodable {
        var name: String
        var operations: Int
        var errors: Int
        var p50Ms: Double
        var p95Ms: Double
        var p99Ms: Double
    }
    var database: String
    var rate: Double
    var requests: Int
    var connections: Int
    var seconds: Double
    var achievedPerSecond: Double
    var errors: Int
    var errorStatuses: [String: Int]
    var kinds: [Kind]
    var rssSamplesMB: [Double]
    var warmupSamples: Int
    /// Least-squares slope of RSS over the samples after warm-up.
    var rssSlopeMBPerMinute: Double
    var rssGrowthAfterWarmupMB: Double
    var memoryStable: Bool
    var machine: String
}

enum LoadRun {
    /// The mix, by operation number modulo 20: reads 16 of 20 (lists, a contract, a request, now and then the
    /// dashboard), writes 4 of 20 (3 creations, 1 step of an earlier creation's lifecycle).
    static func kind(_ i: Int) -> String {
        switch i % 20 {
        case 0...5: return "list_requests"
        case 6...8: return "list_open_requests"
        case 9...11: return "contract_detail"
        case 12...14: return "request_detail"
        case 15: return i % 200 == 15 ? "dashboard" : "list_alerts"
        case 16...18: return "create_request"
        default: return "confirm_request"
        }
    }

    static func op(_ kind: String, _ c: BenchClient, _ f: Fixture, _ i: Int) async throws -> UInt {
        switch kind {
        case "list_requests":
            return try await c.send(.GET, "/api/v1/service-requests?status=closed&urgency=normal&limit=50").status
        case "list_open_requests":
            return try await c.send(.GET, "/api/v1/service-requests?status=received&limit=50").status
        case "contract_detail":
            return try await c.send(.GET, "/api/v1/contracts/\(f.contractIDs[i % f.contractIDs.count])").status
        case "request_detail":
            guard let id = f.peek(i) else { return try await c.send(.GET, "/api/v1/service-requests?limit=20").status }
            return try await c.send(.GET, "/api/v1/service-requests/\(id)").status
        case "dashboard":
            return try await c.send(.GET, "/api/v1/dashboard").status
        case "list_alerts":
            return try await c.send(.GET, "/api/v1/alerts?limit=50").status
        case "create_request":
            return try await HTTPBench.createRequest(c, f, i)
        default:
            // Confirm a request this run created (each once: taken from the pool), with its version.
            guard let id = f.take() else { return try await HTTPBench.createRequest(c, f, i) }
            return try await c.send(.POST, "/api/v1/service-requests/\(id)/events", body: #"{"type":"confirm"}"#, ifMatch: "\"1\"").status
        }
    }

    static func run(_ o: LoadOptions) async throws {
        Child.stopChildrenOnSignals()
        var env = ProcessInfo.processInfo.environment
        env["LOG_LEVEL"] = "warning"
        if let url = o.http.databaseURL { env["DATABASE_URL"] = url } else { env["DATABASE_URL"] = "" }
        if let path = o.http.sqlitePath { env["LVYUE_DB"] = path }
        let server = try Child.start(o.http.lvyue, ["serve", "--hostname", "127.0.0.1", "--port", String(o.http.port)], env: env)
        defer { server.stop() }
        var client = BenchClient(port: o.http.port)
        do {
            try await HTTPBench.waitUntilUp(client, path: "/api/v1/openapi.json", server: .lvyue, child: server)
            let login = try await client.send(.POST, "/api/v1/auth/token",
                                              body: #"{"username":"\#(o.http.user)","password":"\#(o.http.password)"}"#)
            guard login.status < 300, let token = client.json(login)["token"] as? String else {
                throw BenchError("cannot sign in as \(o.http.user) (HTTP \(login.status)); pass --password or set LVYUE_ADMIN_PASSWORD")
            }
            client.token = token
            let fixture = Fixture()
            let contracts = try await client.send(.GET, "/api/v1/contracts?limit=200")
            fixture.contractIDs = ((client.json(contracts)["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
            guard !fixture.contractIDs.isEmpty else { throw BenchError("the database has no contracts; run lvyue demo --scale first") }

            say("load: \(o.requests) operations at \(Int(o.rate))/s from \(o.connections) connections (about \(Int(Double(o.requests) / o.rate)) s)")
            let clock = ContinuousClock()
            let start = clock.now
            let stats = LoadStats()
            let next = Counter()
            let done = Counter()
            // RSS once a second while the load runs.
            let sampler = Task {
                var samples: [Double] = []
                while done.value == 0 {
                    samples.append(Child.rssMB(server.pid).current)
                    if samples.count % 10 == 0 {
                        say(String(format: "  t=%3d s  RSS %.1f MB  ops %d  errors %d", samples.count, samples.last ?? 0, stats.count, stats.errorCount))
                    }
                    try? await Task.sleep(for: .seconds(1))
                }
                return samples
            }
            let c = client, rate = o.rate, total = o.requests
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<o.connections {
                    group.addTask {
                        while true {
                            let i = next.increment() - 1
                            if i >= total { return }
                            // Open loop: operation i starts at i / rate seconds, or at once if the run is behind.
                            let due = start + .milliseconds(Int64(Double(i) * 1000 / rate))
                            if clock.now < due { try await Task.sleep(until: due, clock: clock) }
                            let kind = kind(i)
                            let t0 = clock.now
                            let status: UInt
                            do { status = try await op(kind, c, fixture, i) } catch { status = 599 }
                            stats.record(kind, seconds: (clock.now - t0).seconds, status: status)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = (clock.now - start).seconds
            _ = done.increment()
            let samples = await sampler.value
            await client.close()
            server.stop()

            // Warm-up: the first quarter of the run, and at least the first 90 s — the server's sweeper first runs a
            // minute after start and its first pass over the contracts raises the resident set once.
            let warmup = min(max(1, samples.count / 4, 90), max(1, samples.count - 2))
            let steady = Array(samples.dropFirst(warmup))
            let slope = slopePerMinute(steady)
            let growth = (steady.last ?? 0) - (steady.first ?? 0)
            // Stable: the fitted line rises by less than 5 MB (or 5 %) over the steady part of the run.
            let fittedRise = slope * Double(steady.count) / 60
            let stable = fittedRise < max(5, 0.05 * (steady.first ?? 0))
            let report = LoadReport(
                database: o.http.databaseURL == nil ? "sqlite \(o.http.sqlitePath ?? "./lvyue.sqlite")" : "postgresql", rate: o.rate,
                requests: o.requests, connections: o.connections, seconds: elapsed, achievedPerSecond: Double(stats.count) / elapsed,
                errors: stats.errorCount, errorStatuses: stats.statuses, kinds: stats.kinds(), rssSamplesMB: samples, warmupSamples: warmup,
                rssSlopeMBPerMinute: slope, rssGrowthAfterWarmupMB: growth, memoryStable: stable, machine: HTTPBench.machine())
            say("")
            say("load run: \(report.database), \(stats.count) operations in \(String(format: "%.1f", elapsed)) s "
                + "(\(String(format: "%.0f", report.achievedPerSecond))/s of \(Int(o.rate))/s asked), \(o.connections) connections")
            say("kind                   ops  errors   p50 ms   p95 ms   p99 ms")
            for k in report.kinds {
                say([k.name.padding(toLength: 18, withPad: " ", startingAt: 0), String(k.operations).leftPadded(8), String(k.errors).leftPadded(7),
                     String(format: "%8.1f", k.p50Ms), String(format: "%8.1f", k.p95Ms), String(format: "%8.1f", k.p99Ms)].joined(separator: " "))
            }
            say("errors: \(report.errors)\(report.errorStatuses.isEmpty ? "" : " \(report.errorStatuses)")")
            say("server RSS samples (MB, one a second): " + samples.map { String(format: "%.0f", $0) }.joined(separator: " "))
            say(String(format: "RSS after warm-up (%d samples skipped): %.1f → %.1f MB, slope %.2f MB/min, fitted rise %.1f MB: %@",
                       warmup, steady.first ?? 0, steady.last ?? 0, slope, fittedRise, stable ? "stable" : "GROWING"))
            if let path = o.http.jsonPath {
                let encoder = JSONEncoder()
                encoder.keyEncodingStrategy = .convertToSnakeCase
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                try encoder.encode(report).write(to: URL(fileURLWithPath: path))
            }
            say("json " + String(decoding: try JSONEncoder.compact.encode(report), as: UTF8.self))
            if report.errors > 0 || !stable { exit(1) }
        } catch {
            await client.close()
            throw error
        }
    }

    /// Least-squares slope of one-a-second samples, per minute.
    static func slopePerMinute(_ ys: [Double]) -> Double {
        let n = Double(ys.count)
        guard ys.count >= 2 else { return 0 }
        let mx = (n - 1) / 2
        let my = ys.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (i, y) in ys.enumerated() {
            sxy += (Double(i) - mx) * (y - my)
            sxx += (Double(i) - mx) * (Double(i) - mx)
        }
        return sxx == 0 ? 0 : sxy / sxx * 60
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
}

/// Latencies and errors per kind of operation.
final class LoadStats: @unchecked Sendable {
    private let lock = NSLock()
    private var latencies: [String: [Double]] = [:]
    private var errors: [String: Int] = [:]
    private var byStatus: [String: Int] = [:]
    private var total = 0

    func record(_ kind: String, seconds: Double, status: UInt) {
        lock.lock(); defer { lock.unlock() }
        latencies[kind, default: []].append(seconds)
        total += 1
        if status >= 300 {
            errors[kind, default: 0] += 1
            byStatus["\(kind) \(status)", default: 0] += 1
        }
    }

    var count: Int { lock.lock(); defer { lock.unlock() }; return total }
    var errorCount: Int { lock.lock(); defer { lock.unlock() }; return errors.values.reduce(0, +) }
    var statuses: [String: Int] { lock.lock(); defer { lock.unlock() }; return byStatus }

    func kinds() -> [LoadReport.Kind] {
        lock.lock(); defer { lock.unlock() }
        return latencies.keys.sorted().map { k in
            let s = latencies[k]!.sorted()
            func pct(_ p: Double) -> Double { s.isEmpty ? 0 : s[min(s.count - 1, Int(Double(s.count) * p))] * 1000 }
            return .init(name: k, operations: s.count, errors: errors[k] ?? 0, p50Ms: pct(0.5), p95Ms: pct(0.95), p99Ms: pct(0.99))
        }
    }
}

extension Fixture {
    /// A request created earlier in the run, without taking it from the pool.
    func peek(_ i: Int) -> String? {
        lock.lock(); defer { lock.unlock() }
        return created.isEmpty ? nil : created[i % created.count]
    }
}
