import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

// The HTTP benchmarks: an lvyue server (child process on loopback) against a generated database, and a bare Vapor
// route (this binary again, as a child) measured in the same run, both driven by the same client with many
// concurrent connections.

struct HTTPOptions {
    var lvyue: String
    var sqlitePath: String?
    var databaseURL: String?
    var port = 8106
    var barePort = 8107
    var connections = 32
    var seconds = 8.0
    var user = "admin"
    var password = ProcessInfo.processInfo.environment["LVYUE_ADMIN_PASSWORD"] ?? ""
    var jsonPath: String?
    var only: Set<String> = []
    /// Off: the server computes every read (`LVYUE_READ_CACHE_SECONDS=0`), to measure the cost of a miss.
    var readCache = true

    init(_ args: ArraySlice<String>) {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        lvyue = me.deletingLastPathComponent().appendingPathComponent("lvyue").path
        var it = args.makeIterator()
        while let a = it.next() {
            switch a {
            case "--lvyue": lvyue = it.next() ?? lvyue
            case "--db": sqlitePath = it.next()
            case "--database-url": databaseURL = it.next()
            case "--port": port = it.next().flatMap(Int.init) ?? port
            case "--bare-port": barePort = it.next().flatMap(Int.init) ?? barePort
            case "--connections": connections = it.next().flatMap(Int.init) ?? connections
            case "--seconds": seconds = it.next().flatMap(Double.init) ?? seconds
            case "--user": user = it.next() ?? user
            case "--password": password = it.next() ?? password
            case "--json": jsonPath = it.next()
            case "--only": only = Set((it.next() ?? "").split(separator: ",").map(String.init))
            case "--no-read-cache": readCache = false
            default: break
            }
        }
    }
}

/// What one benchmark row measured.
struct HTTPResult: Encodable {
    var name: String
    var method: String
    var path: String
    var operations: Int
    var errors: Int
    var seconds: Double
    var perSecond: Double
    var p50Ms: Double
    var p95Ms: Double
    var p99Ms: Double
    var ratioToBare: Double?
    /// CPU time (user + system) the answering server spent per operation while this row was measured.
    var serverCPUMsPerOp: Double?
    /// The bare route's CPU per operation over this row's: the share of the bare route's capacity this endpoint has when
    /// the server, not the load generator sharing its cores, is what runs out.
    var cpuRatioToBare: Double?
    var connections: Int?
    var note: String?
}

struct BenchReport: Encodable {
    var database: String
    var connections: Int
    var readCache: Bool
    var secondsPerEndpoint: Double
    var http: [HTTPResult]
    var missing: [String]
    var sweeperPassSeconds: [Double]
    var deadlines: [Result]
    var serverPeakRSSMB: Double
    var serverRSSSamplesMB: [Double]
    var machine: String
}

/// Shared state the endpoints draw their inputs from.
final class Fixture: @unchecked Sendable {
    var contractIDs: [String] = []
    var created: [String] = []
    let lock = NSLock()
    var counter = 0

    func next() -> Int {
        lock.lock(); defer { lock.unlock() }
        counter += 1
        return counter
    }
    func keep(_ id: String) { lock.lock(); created.append(id); lock.unlock() }
    func take() -> String? { lock.lock(); defer { lock.unlock() }; return created.popLast() }
}

/// One benchmarked operation: a name and what one operation does (usually one request). Adding an endpoint to the
/// suite is one line in `HTTPBench.endpoints`.
struct Endpoint: Sendable {
    enum Server: Sendable { case lvyue, bare }
    var name: String
    var method: String
    var path: String
    var server: Server = .lvyue
    var read: Bool
    /// At most this many connections drive the endpoint (heavy reports and exports: as many as the machine has cores,
    /// so the row shows the time of one report rather than a queue of 32).
    var maxConnections: Int? = nil
    /// Runs one operation; returns the HTTP status of its last request.
    var run: @Sendable (BenchClient, Fixture, Int) async throws -> UInt

    static func get(_ name: String, _ path: String, server: Server = .lvyue, maxConnections: Int? = nil,
                    _ make: (@Sendable (Fixture, Int) -> String)? = nil) -> Endpoint {
        Endpoint(name: name, method: "GET", path: path, server: server, read: true, maxConnections: maxConnections) { client, fixture, i in
            try await client.send(.GET, make?(fixture, i) ?? path, server: server).status
        }
    }
}

/// The benchmark's client: the server under test and the bare route, each over its own keep-alive connections
/// (`BenchConnections`), with the bearer token.
struct BenchClient: Sendable {
    let server: BenchConnections
    let bare: BenchConnections?
    var token: String

    init(port: Int, barePort: Int? = nil) {
        server = BenchConnections(host: "127.0.0.1", port: port)
        bare = barePort.map { BenchConnections(host: "127.0.0.1", port: $0) }
        token = ""
    }

    typealias Reply = BenchConnections.Reply

    func send(_ method: HTTPMethod, _ path: String, body: String? = nil, ifMatch: String? = nil, server: Endpoint.Server = .lvyue) async throws -> Reply {
        var headers: [(String, String)] = []
        if server == .lvyue { headers.append(("Authorization", "Bearer \(token)")) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        if let ifMatch { headers.append(("If-Match", ifMatch)) }
        guard let connections = server == .bare ? bare : self.server else { throw BenchError("no bare route in this run") }
        return try await connections.send(method, path, headers: headers, body: body)
    }

    func json(_ reply: Reply) -> [String: Any] {
        guard var b = reply.body, let data = b.readData(length: b.readableBytes),
              let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return o
    }

    /// The id of the request a creation answered with (its detail's `id`), found by a scan of the answer's bytes. The
    /// client shares the machine with the server; decoding each creation's whole detail took a fifth of its time.
    func createdID(_ reply: Reply) -> String? {
        reply.body?.withUnsafeReadableBytes { Self.topLevelString("id", in: $0) }
    }

    /// The string value of `key` in the outermost object of compact JSON (as the server writes it), or nil.
    static func topLevelString(_ key: String, in b: UnsafeRawBufferPointer) -> String? {
        let key = Array(key.utf8), quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var depth = 0, i = 0
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1; i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1; i += 1
            case quote:
                let start = i + 1
                var end = start
                while end < b.count, b[end] != quote { end += b[end] == backslash ? 2 : 1 }
                guard end < b.count else { return nil }
                i = end + 1
                // Only a key is followed by a colon.
                guard depth == 1, i + 1 < b.count, b[i] == UInt8(ascii: ":"), b[i + 1] == quote,
                      b[start..<end].elementsEqual(key) else { continue }
                let value = i + 2
                guard let close = b[value...].firstIndex(of: quote) else { return nil }
                return String(decoding: UnsafeRawBufferPointer(rebasing: b[value..<close]), as: UTF8.self)
            default: i += 1
            }
        }
        return nil
    }

    func close() async {
        await server.close()
        await bare?.close()
    }
}

enum HTTPBench {
    /// The suite. Reads first (each compared with the bare route), then writes. A route the server does not answer
    /// (404 to a probe) is reported as missing rather than measured.
    static let heavyConnections = ProcessInfo.processInfo.activeProcessorCount

    static let endpoints: [Endpoint] = [
        .get("bare_route", "/bare", server: .bare),
        .get("dashboard", "/api/v1/dashboard"),
        .get("list_50_requests", "/api/v1/service-requests?status=closed&urgency=normal&limit=50"),
        .get("contract_detail", "/api/v1/contracts/{id}") { f, i in "/api/v1/contracts/\(f.contractIDs[i % f.contractIDs.count])" },
        .get("quarterly_report", "/api/v1/reports/quarterly?quarter=2026Q3", maxConnections: heavyConnections),
        .get("xlsx_template4", "/api/v1/exports/service-requests?format=xlsx&quarter=2026Q3", maxConnections: heavyConnections),
        Endpoint(name: "department_load", method: "GET", path: "/api/v1/departments/{technical}/load?weeks=8", read: true) { c, _, _ in
            try await c.send(.GET, "/api/v1/departments/\(try await HTTPBench.technicalDepartment(c))/load?weeks=8").status
        },
        Endpoint(name: "create_request", method: "POST", path: "/api/v1/service-requests", read: false, run: createRequest),
        Endpoint(name: "request_lifecycle", method: "POST", path: "/api/v1/service-requests/{id}/events (confirm…close)", read: false,
                 run: lifecycle),
    ]

    /// The technical department's id (the load view's busiest department in a generated data set), looked up once.
    nonisolated(unsafe) static var technical: String?
    static let technicalLock = NSLock()
    static func technicalDepartment(_ c: BenchClient) async throws -> String {
        if let id = technicalLock.withLock({ technical }) { return id }
        let items = c.json(try await c.send(.GET, "/api/v1/departments"))["items"] as? [[String: Any]] ?? []
        let id = items.first { $0["code"] as? String == "technical" }?["id"] as? String ?? "00000000-0000-0000-0000-000000000000"
        technicalLock.withLock { technical = id }
        return id
    }

    @Sendable static func createRequest(_ c: BenchClient, _ f: Fixture, _ i: Int) async throws -> UInt {
        let contract = f.contractIDs[(i * 7919) % f.contractIDs.count]
        let body = #"{"contract_id":"\#(contract)","type":"consultation","urgency":"normal","channel":"phone","description":"压测：备件型号咨询 \#(i)"}"#
        let r = try await c.send(.POST, "/api/v1/service-requests", body: body)
        if r.status == 201, let id = c.createdID(r) { f.keep(id) }
        return r.status
    }

    /// confirm → respond → tick the mandatory checklist items → resolve → sign off → close, each with If-Match.
    @Sendable static func lifecycle(_ c: BenchClient, _ f: Fixture, _ i: Int) async throws -> UInt {
        guard let id = f.take() else {
            // Nothing left from the creation run: make one (its time counts).
            let s = try await createRequest(c, f, i)
            guard s == 201, f.created.count > 0 else { return s == 201 ? 599 : s }
            return try await lifecycle(c, f, i)
        }
        var etag = "\"1\""
        func step(_ body: String) async throws -> UInt {
            let r = try await c.send(.POST, "/api/v1/service-requests/\(id)/events", body: body, ifMatch: etag)
            if let e = r.etag { etag = e }
            return r.status
        }
        for body in [#"{"type":"confirm"}"#, #"{"type":"respond"}"#] {
            let s = try await step(body)
            if s >= 300 { return s }
        }
        let list = try await c.send(.GET, "/api/v1/service-requests/\(id)/checklist")
        let items = (c.json(list)["items"] as? [[String: Any]]) ?? []
        for item in items where (item["mandatory"] as? Bool) == true {
            guard let itemID = item["id"] as? String else { continue }
            let version = (item["version"] as? Int) ?? 1
            let r = try await c.send(.PATCH, "/api/v1/checklist-items/\(itemID)", body: #"{"done":true}"#, ifMatch: "\"\(version)\"")
            if r.status >= 300 { return r.status }
        }
        for body in [#"{"type":"resolve","solution":"已电话答复"}"#, #"{"type":"sign_off","signer_name":"客户"}"#, #"{"type":"close"}"#] {
            let s = try await step(body)
            if s >= 300 { return s }
        }
        return 200
    }

    static func run(_ o: HTTPOptions) async throws {
        Child.stopChildrenOnSignals()
        var env = ProcessInfo.processInfo.environment
        env["LOG_LEVEL"] = "warning"
        if let url = o.databaseURL { env["DATABASE_URL"] = url } else { env["DATABASE_URL"] = "" }
        if let path = o.sqlitePath { env["LVYUE_DB"] = path }
        if !o.readCache { env["LVYUE_READ_CACHE_SECONDS"] = "0" }
        // The server's own once-a-minute sweeper would land in some rows and not others; its pass is measured on its own below.
        env["LVYUE_SWEEP_SECONDS"] = "0"
        let server = try Child.start(o.lvyue, ["serve", "--hostname", "127.0.0.1", "--port", String(o.port)], env: env)
        let bare = try Child.start(CommandLine.arguments[0], ["bare-server", "--port", String(o.barePort)], env: env)
        defer { server.stop(); bare.stop() }

        var client = BenchClient(port: o.port, barePort: o.barePort)
        do {
            try await waitUntilUp(client, path: "/api/v1/openapi.json", server: .lvyue, child: server)
            try await waitUntilUp(client, path: "/bare", server: .bare, child: bare)
            let login = try await client.send(.POST, "/api/v1/auth/token",
                                              body: #"{"username":"\#(o.user)","password":"\#(o.password)"}"#)
            guard login.status < 300, let token = client.json(login)["token"] as? String else {
                throw BenchError("cannot sign in as \(o.user) (HTTP \(login.status)); pass --password or set LVYUE_ADMIN_PASSWORD")
            }
            client.token = token
            let fixture = Fixture()
            let contracts = try await client.send(.GET, "/api/v1/contracts?limit=200")
            fixture.contractIDs = ((client.json(contracts)["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
            guard !fixture.contractIDs.isEmpty else { throw BenchError("the database has no contracts; run lvyue demo --scale first") }

            var results: [HTTPResult] = []
            var missing: [String] = []
            var samples: [Double] = []
            for e in endpoints where o.only.isEmpty || o.only.contains(e.name) || e.server == .bare {
                FileHandle.standardError.write(Data("measuring \(e.name)…\n".utf8))
                // A route that does not exist yet answers 404 to a probe: listed as missing, not measured.
                if e.read, e.server == .lvyue {
                    let probe = try await e.run(client, fixture, 0)
                    if probe == 404 { missing.append(e.name); continue }
                }
                let answering = e.server == .bare ? bare : server
                var r = try await measure(e, client: client, fixture: fixture, connections: min(o.connections, e.maxConnections ?? o.connections),
                                          seconds: o.seconds, cpu: { Child.cpuSeconds(answering.pid) })
                if let bare = results.first(where: { $0.name == "bare_route" }), e.read, e.server == .lvyue {
                    r.ratioToBare = r.perSecond / bare.perSecond
                    if let mine = r.serverCPUMsPerOp, let base = bare.serverCPUMsPerOp, mine > 0 { r.cpuRatioToBare = base / mine }
                }
                results.append(r)
                samples.append(Child.rssMB(server.pid).current)
                say(row(r))
            }
            let peak = Child.rssMB(server.pid).peak
            server.stop()
            bare.stop()
            await client.close()

            // The sweeper, as the server runs it, twice over the same database: the first pass catches up on the
            // generated clocks, the second is the steady state. Measured as the whole `lvyue sweep` process.
            var sweeps: [Double] = []
            FileHandle.standardError.write(Data("sweeper passes…\n".utf8))
            for _ in 0..<2 {
                let t0 = Date()
                let sweep = try Child.start(o.lvyue, ["sweep"], env: env, output: true)
                sweep.process.waitUntilExit()
                sweeps.append(Date().timeIntervalSince(t0))
            }
            let report = BenchReport(
                database: o.databaseURL == nil ? "sqlite \(o.sqlitePath ?? "./lvyue.sqlite")" : "postgresql", connections: o.connections, readCache: o.readCache,
                secondsPerEndpoint: o.seconds, http: results, missing: missing, sweeperPassSeconds: sweeps,
                deadlines: try deadlines(Options([])), serverPeakRSSMB: peak, serverRSSSamplesMB: samples, machine: machine())
            printReport(report, results: results)
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            let data = try encoder.encode(report)
            if let path = o.jsonPath { try data.write(to: URL(fileURLWithPath: path)) }
            say("json " + String(decoding: try JSONEncoder.compact.encode(report), as: UTF8.self))
        } catch {
            await client.close()
            throw error
        }
    }

    static func waitUntilUp(_ c: BenchClient, path: String, server: Endpoint.Server, child: Child) async throws {
        for _ in 0..<600 {
            if !child.process.isRunning { throw BenchError("\(child.name) exited with status \(child.process.terminationStatus)") }
            if let r = try? await c.send(.GET, path, server: server), r.status < 500 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("\(child.name) did not answer within 60 s")
    }

    /// `connections` workers issue operations back to back for `seconds`; every operation's latency is kept.
    static func measure(_ e: Endpoint, client: BenchClient, fixture: Fixture, connections: Int, seconds: Double,
                        cpu: () -> Double? = { nil }) async throws -> HTTPResult {
        let clock = ContinuousClock()
        // Warm-up: a second of the same load, not recorded.
        _ = try await load(e, client: client, fixture: fixture, connections: connections, until: clock.now + .milliseconds(1000))
        let start = clock.now
        let cpu0 = cpu()
        let (latencies, errors, firstError) = try await load(e, client: client, fixture: fixture, connections: connections,
                                                             until: start + .seconds(seconds))
        let elapsed = (clock.now - start).seconds
        let cpu1 = cpu()
        let cpuMs = cpu0.flatMap { c0 in cpu1.map { ($0 - c0) * 1000 / Double(max(1, latencies.count)) } }
        let sorted = latencies.sorted()
        func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
        return HTTPResult(name: e.name, method: e.method, path: e.path, operations: sorted.count, errors: errors, seconds: elapsed,
                          perSecond: Double(sorted.count) / elapsed, p50Ms: pct(0.50), p95Ms: pct(0.95), p99Ms: pct(0.99),
                          serverCPUMsPerOp: cpuMs, connections: connections, note: firstError.map { "first error: HTTP \($0)" })
    }

    static func load(_ e: Endpoint, client: BenchClient, fixture: Fixture, connections: Int,
                     until deadline: ContinuousClock.Instant) async throws -> ([Double], Int, UInt?) {
        try await withThrowingTaskGroup(of: ([Double], Int, UInt?).self) { group in
            for _ in 0..<connections {
                group.addTask {
                    let clock = ContinuousClock()
                    var latencies: [Double] = [], errors = 0, first: UInt?
                    while clock.now < deadline {
                        let i = fixture.next()
                        let t0 = clock.now
                        let status = (try? await e.run(client, fixture, i)) ?? 599
                        latencies.append((clock.now - t0).seconds)
                        if status >= 300 { errors += 1; first = first ?? status }
                    }
                    return (latencies, errors, first)
                }
            }
            var all: [Double] = [], errors = 0, first: UInt?
            for try await (l, e, f) in group { all += l; errors += e; first = first ?? f }
            return (all, errors, first)
        }
    }

    static func row(_ r: HTTPResult) -> String {
        let percent: (Double?) -> String = { $0.map { String(format: "%6.1f%%", $0 * 100) } ?? "       " }
        var cells: [String] = [r.name.padding(toLength: 20, withPad: " ", startingAt: 0)]
        cells += [String(r.operations).leftPadded(8), String(r.errors).leftPadded(6)]
        cells += [String(format: "%9.0f", r.perSecond), String(format: "%8.1f", r.p50Ms), String(format: "%8.1f", r.p95Ms)]
        cells += [String(format: "%8.1f", r.p99Ms), percent(r.ratioToBare)]
        cells += [r.serverCPUMsPerOp.map { String(format: "%10.3f", $0) } ?? String(repeating: " ", count: 10), percent(r.cpuRatioToBare)]
        cells += [r.connections.map { " conns \($0)" } ?? "", r.note.map { " " + $0 } ?? ""]
        return cells.joined(separator: " ")
    }

    static func printReport(_ report: BenchReport, results: [HTTPResult]) {
        say("")
        say("database: \(report.database), \(report.connections) connections, \(report.secondsPerEndpoint) s per row, read cache "
            + (report.readCache ? "on" : "off (every read computed)"))
        say("endpoint                  ops  errors     ops/s   p50 ms   p95 ms   p99 ms  vs bare  cpu ms/op  cpu vs bare")
        for r in results { say(row(r)) }
        if !report.missing.isEmpty { say("not measured (no such route yet): \(report.missing.joined(separator: ", "))") }
        say(String(format: "sweeper pass (lvyue sweep, whole process): first %.2f s, second %.2f s",
                     report.sweeperPassSeconds.first ?? 0, report.sweeperPassSeconds.last ?? 0))
        for d in report.deadlines { say(String(format: "deadline computations/s, %@: %.0f", d.calendar, d.perSecond)) }
        say(String(format: "server peak RSS: %.0f MB (samples after each row: %@)", report.serverPeakRSSMB,
                     report.serverRSSSamplesMB.map { String(format: "%.0f", $0) }.joined(separator: " ")))
    }

    static func machine() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_048_576) MB"
    }
}

/// A child process this benchmark started; stopped by its own pid.
final class Child: @unchecked Sendable {
    let process: Process
    let name: String
    var pid: Int32 { process.processIdentifier }

    init(process: Process, name: String) { self.process = process; self.name = name }

    static func start(_ path: String, _ args: [String], env: [String: String], output: Bool = false) throws -> Child {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.environment = env
        if !output { p.standardOutput = FileHandle.nullDevice }
        if !output {
            // The servers' logs go to a file next to the database rather than to this terminal.
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("lvyue-bench-\(args.first ?? "child").log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            p.standardError = try? FileHandle(forWritingTo: log)
        }
        try p.run()
        Child.live.withLockedValue { _ = $0.insert(p.processIdentifier) }
        return Child(process: p, name: ([URL(fileURLWithPath: path).lastPathComponent] + args.prefix(1)).joined(separator: " "))
    }

    func stop() {
        Child.live.withLockedValue { _ = $0.remove(pid) }
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// Children still running; stopped by pid when this process is interrupted.
    static let live = NIOLockedValueBox(Set<Int32>())
    nonisolated(unsafe) static var signalSources: [any DispatchSourceSignal] = []

    static func stopChildrenOnSignals() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                for pid in live.withLockedValue({ $0 }) { kill(pid, SIGTERM) }
                exit(130)
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// Current and peak resident memory of a process, from /proc (Linux).
    /// CPU time (user + system) the process has used, in seconds, from `/proc/PID/stat`; nil where there is no /proc.
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After the command name: state is field 3, utime 14 and stime 15 (in clock ticks).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func rssMB(_ pid: Int32) -> (current: Double, peak: Double) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func kb(_ key: String) -> Double {
            text.split(separator: "\n").first { $0.hasPrefix(key) }.flatMap { line in
                line.split(separator: " ").compactMap { Double($0) }.first
            }.map { $0 / 1024 } ?? 0
        }
        return (kb("VmRSS:"), kb("VmHWM:"))
    }
}

/// `lvyue-bench bare-server --port N`: one Vapor route with a small JSON body, the yardstick for read throughput.
enum BareServer {
    static func run(port: Int) async throws {
        var env = Environment.production
        env.arguments = ["lvyue-bench"]
        let app = try await Application.make(env)
        app.logger.logLevel = .warning
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = port
        app.get("bare") { _ -> Response in
            let r = Response(status: .ok, body: .init(string: #"{"ok":true}"#))
            r.headers.contentType = .json
            return r
        }
        try await app.execute()
        try await app.asyncShutdown()
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension JSONEncoder {
    static var compact: JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = .sortedKeys
        return e
    }
}

/// Writes a line to standard output at once (no buffering), so a run that is stopped still shows its rows.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
