import Foundation
import LvyueCore
import NIOConcurrencyHelpers
import Vapor

/// How far a long piece of work is (issue #8). The work itself — an export's paged reads, an import's rows — reports
/// through `ProgressReporter.current` (a task-local, so the export and import code is shared by the synchronous
/// endpoints, the CLI and the jobs, and reports nothing when nobody listens). The reporter throttles (`ProgressThrottle`)
/// and hands the numbers to its sink: the job's row, or the terminal's bar.
final class ProgressReporter: Sendable {
    @TaskLocal static var current: ProgressReporter?

    private let state: NIOLockedValueBox<ProgressThrottle>
    private let sink: @Sendable (_ done: Int, _ total: Int) async throws -> Void

    init(rows: Int = 500, sink: @escaping @Sendable (_ done: Int, _ total: Int) async throws -> Void) {
        state = NIOLockedValueBox(ProgressThrottle(rows: rows))
        self.sink = sink
    }

    var done: Int { state.withLockedValue { $0.done } }
    var total: Int { state.withLockedValue { $0.total } }

    /// `n` more items of work became known.
    func expect(_ n: Int) { state.withLockedValue { $0.expect(n) } }

    /// `n` more items done; the sink hears of it every percent or `rows` items. A sink may throw to stop the work
    /// (a cancelled job).
    func advance(_ n: Int) async throws {
        let (write, done, total) = state.withLockedValue { t -> (Bool, Int, Int) in
            let w = t.advance(n)
            return (w, t.done, t.total)
        }
        if write { try await sink(done, total) }
    }

    /// The final numbers, whatever the throttle said.
    func flush() async throws {
        let (done, total) = state.withLockedValue { ($0.done, $0.total) }
        try await sink(done, total)
    }
}

extension ProgressReporter {
    /// A bar on standard error for a command, or nil off a terminal (the command then prints exactly what it did before).
    static func terminal(_ phase: String) -> (ProgressReporter, TerminalProgress)? {
        guard TerminalProgress.onTerminal else { return nil }
        let bar = TerminalProgress(total: 0, quietOffTerminal: true)
        let lock = NIOLock()
        let reporter = ProgressReporter(rows: 1) { done, total in lock.withLock { bar.set(done: done, total: total, phase) } }
        return (reporter, bar)
    }

    /// Runs `body` with a terminal bar when standard error is a terminal.
    static func withTerminalBar<T>(_ phase: String, _ body: () async throws -> T) async throws -> T {
        guard let (reporter, bar) = terminal(phase) else { return try await body() }
        defer { bar.finish() }
        return try await $current.withValue(reporter) {
            let value = try await body()
            try await reporter.flush()
            return value
        }
    }
}

/// Progress of running jobs kept in memory as well as in their rows: a contract import holds SQLite's one write
/// transaction while it runs, so its progress cannot be written to the database until it ends; the status of a job
/// running in this process is read from here first.
/// A cancel asked for in this process is noted here too: such an import cannot read its row until it ends, so it
/// learns of the cancel from here, stops and rolls back — and the cancel's own write then gets its turn.
final class JobLiveProgress: Sendable {
    private let values = NIOLockedValueBox<[UUID: (done: Int, total: Int)]>([:])
    private let cancels = NIOLockedValueBox<Set<UUID>>([])

    func set(_ id: UUID, done: Int, total: Int) { values.withLockedValue { $0[id] = (done, total) } }
    func get(_ id: UUID) -> (done: Int, total: Int)? { values.withLockedValue { $0[id] } }
    func remove(_ id: UUID) {
        values.withLockedValue { $0[id] = nil }
        cancels.withLockedValue { _ = $0.remove(id) }
    }
    func requestCancel(_ id: UUID) { cancels.withLockedValue { _ = $0.insert(id) } }
    func cancelRequested(_ id: UUID) -> Bool { cancels.withLockedValue { $0.contains(id) } }
}

extension Application {
    private struct JobLiveProgressKey: StorageKey { typealias Value = JobLiveProgress }

    var jobProgress: JobLiveProgress {
        if let p = storage[JobLiveProgressKey.self] { return p }
        let p = JobLiveProgress()
        storage[JobLiveProgressKey.self] = p
        return p
    }
}
