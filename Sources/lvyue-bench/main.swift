import Foundation
import LvyueCore

// lvyue-bench: micro and (later) HTTP benchmarks. One subcommand per benchmark; each prints a
// human-readable table and one JSON line (prefix "json ") for scripts.
//
//   swift run -c release lvyue-bench deadlines [--seconds 2]   (cn-workday, 7x24, a Berlin calendar)
//   swift run -c release lvyue-bench add-days  [--seconds 2]
//   swift run -c release lvyue-bench all
//   swift run -c release lvyue-bench http --db lvyue.sqlite [--database-url postgres://…] [--connections 32]
//                                         [--seconds 8] [--port 8106] [--bare-port 8107] [--json out.json]
//                                         [--only a,b] [--no-read-cache]
//     (starts `lvyue serve` from the same build folder against the database, and a bare Vapor route, on loopback)
//   swift run -c release lvyue-bench load --db lvyue.sqlite [--database-url …] [--rate 200] [--requests 60000]
//                                         [--connections 16] [--json out.json]
//     (a bounded mixed load at a fixed rate; errors and the server's RSS over time; exit 1 on an error or growth)

struct Options {
    var seconds = 2.0

    init(_ args: ArraySlice<String>) {
        var it = args.makeIterator()
        while let a = it.next() {
            if a == "--seconds", let v = it.next(), let s = Double(v) { seconds = s }
        }
    }
}

/// A small deterministic generator, so every run measures the same inputs.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct Result: Encodable {
    let benchmark: String
    let calendar: String
    let operations: Int
    let seconds: Double
    let perSecond: Double
}

/// Runs `body` over the prepared inputs repeatedly for about `seconds`; returns ops and time.
func measure(seconds: Double, inputs: Int, _ body: (Int) throws -> Int) rethrows -> (ops: Int, seconds: Double, sink: Int) {
    var sink = 0
    for i in 0..<min(inputs, 10_000) { sink &+= try body(i) } // warm-up
    let clock = ContinuousClock()
    let start = clock.now
    var ops = 0
    var elapsed = 0.0
    repeat {
        for i in 0..<inputs { sink &+= try body(i) }
        ops += inputs
        let d = clock.now - start
        elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    } while elapsed < seconds
    return (ops, elapsed, sink)
}

// Random starts across 2025–2026 (Shanghai local), leaving room for a 5-working-day span before
// the end of the data.
let rangeStart = 1_735_660_800.0 // 2025-01-01T00:00+08:00
let rangeEnd = 1_796_054_400.0   // 2026-12-01T00:00+08:00

func deadlines(_ o: Options) throws -> [Result] {
    var rng = SplitMix64(state: 42)
    let n = 100_000
    let starts = (0..<n).map { _ in Date(timeIntervalSince1970: Double.random(in: rangeStart..<rangeEnd, using: &rng).rounded()) }
    let spans = (0..<n).map { _ in Int.random(in: 0...2400, using: &rng) }
    return try [BuiltinCalendars.cnWorkday, BuiltinCalendars.sevenByTwentyFour, try berlinOffice()].map { cal in
        let r = try measure(seconds: o.seconds, inputs: n) { i in
            Int(try cal.deadline(from: starts[i], workingMinutes: spans[i]).timeIntervalSince1970)
        }
        if r.sink == 42 { print("") } // keep the work observable
        return Result(benchmark: "deadline", calendar: cal.id, operations: r.ops, seconds: r.seconds, perSecond: Double(r.ops) / r.seconds)
    }
}

/// A user-defined calendar in a DST zone: its year tables are built lazily behind a lock (no
/// statutory years to build eagerly), so this row measures that path.
func berlinOffice() throws -> WorkCalendar {
    let day = [["09:00", "12:30"], ["13:30", "17:30"]]
    return try WorkCalendar(definition: CalendarDefinition(
        id: "berlin-office", name: "Berlin office", timeZone: "Europe/Berlin",
        windows: ["mon": day, "tue": day, "wed": day, "thu": day, "fri": day],
        holidays: [.date(LocalDate(iso: "2026-12-25")!)]))
}

func addDays(_ o: Options) throws -> [Result] {
    var rng = SplitMix64(state: 7)
    let n = 100_000
    // Mid-January to mid-December keeps ±5 working days inside the statutory data (2025–2026).
    let first = LocalDate(iso: "2025-01-15")!
    let dates = (0..<n).map { _ in first.adding(days: Int.random(in: 0..<690, using: &rng)) }
    let counts = (0..<n).map { _ in Int.random(in: -5...5, using: &rng) }
    return try [BuiltinCalendars.cnWorkday, BuiltinCalendars.sevenByTwentyFour].map { cal in
        let r = try measure(seconds: o.seconds, inputs: n) { i in
            try cal.addWorkingDays(dates[i], counts[i]).daysSinceEpoch
        }
        if r.sink == 42 { print("") }
        return Result(benchmark: "add_working_days", calendar: cal.id, operations: r.ops, seconds: r.seconds, perSecond: Double(r.ops) / r.seconds)
    }
}

func report(_ results: [Result]) throws {
    print("benchmark          calendar       operations   seconds        ops/s")
    for r in results {
        let cols = [
            r.benchmark.padding(toLength: 18, withPad: " ", startingAt: 0),
            r.calendar.padding(toLength: 14, withPad: " ", startingAt: 0),
            String(r.operations).leftPadded(10),
            String(format: "%9.3f", r.seconds),
            String(format: "%12.0f", r.perSecond),
        ]
        print(cols.joined(separator: " "))
    }
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = .sortedKeys
    print("json " + String(decoding: try encoder.encode(results), as: UTF8.self))
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}

let args = CommandLine.arguments.dropFirst()
let options = Options(args.dropFirst())
switch args.first ?? "all" {
case "deadlines": try report(deadlines(options))
case "add-days": try report(addDays(options))
case "all": try report(deadlines(options) + addDays(options))
case "http": try await HTTPBench.run(HTTPOptions(args.dropFirst()))
case "bare-server": try await BareServer.run(port: HTTPOptions(args.dropFirst()).port)
case "load": try await LoadRun.run(LoadOptions(args.dropFirst()))
default:
    FileHandle.standardError.write(Data("usage: lvyue-bench deadlines|add-days|all [--seconds N] | http --db FILE … | load --db FILE … | bare-server --port N\n".utf8))
    exit(2)
}
