/// When a long task's progress is worth writing down (issue #8): not per row, but each time the done count has moved by
/// at least `rows` rows and at least 1 % of the total since the last write — and always when the work is all done.
/// A job's progress row is then written at most about a hundred times however large the work, and a small job's only
/// at its end.
public struct ProgressThrottle: Sendable, Equatable {
    public let rows: Int
    public private(set) var done = 0
    public private(set) var total = 0
    public private(set) var written = 0

    public init(rows: Int = 500) { self.rows = max(1, rows) }

    /// More work became known (a sheet's row count).
    public mutating func expect(_ n: Int) { total += max(0, n) }

    /// `n` more items done; true when this is the moment to write `done`/`total`.
    public mutating func advance(_ n: Int) -> Bool {
        done += max(0, n)
        let step = max(rows, total / 100)
        if done - written >= step || (total > 0 && done >= total && written < done) {
            written = done
            return true
        }
        return false
    }

    /// Whole percent done, or nil while nothing is known about the total.
    public static func percent(done: Int, total: Int) -> Int? {
        guard total > 0 else { return nil }
        return min(100, max(0, done * 100 / total))
    }
}
