import Testing
@testable import LvyueCore

/// Issue #8: a job's progress is written every percent or 500 rows, whichever is more — never per row.
@Suite struct ProgressThrottleTests {
    func writes(total: Int, rows: Int = 500, steps: [Int]) -> [Int] {
        var t = ProgressThrottle(rows: rows)
        t.expect(total)
        var out: [Int] = []
        for n in steps where t.advance(n) { out.append(t.done) }
        return out
    }

    @Test func aLargeExportIsWrittenAHundredTimes() {
        // 100 000 rows read 500 at a time: one write per 1 000 rows (1 %)
        let w = writes(total: 100_000, steps: Array(repeating: 500, count: 200))
        #expect(w.count == 100)
        #expect(w == Array(stride(from: 1_000, through: 100_000, by: 1_000)))
    }

    @Test func aMiddleSizedOneEvery500RowsAndAtTheEnd() {
        #expect(writes(total: 1_200, steps: [500, 500, 200]) == [500, 1_000, 1_200])
    }

    @Test func rowByRowWorkIsWrittenOnlyWhenTheThresholdIsCrossed() {
        // an import of 1 203 rows ticks per row: writes at 500, 1 000 and the end
        #expect(writes(total: 1_203, steps: Array(repeating: 1, count: 1_203)) == [500, 1_000, 1_203])
        // three rows: one write, at the end
        #expect(writes(total: 3, steps: [1, 1, 1]) == [3])
    }

    @Test func aTerminalBarRedrawsEveryPercent() {
        let w = writes(total: 250, rows: 1, steps: Array(repeating: 1, count: 250))
        #expect(w.count == 125)  // 1 % of 250 rows is 2 rows
        #expect(w.first == 2 && w.last == 250)
    }

    @Test func percentIsWholeAndUnknownWithoutATotal() {
        #expect(ProgressThrottle.percent(done: 1, total: 3) == 33)
        #expect(ProgressThrottle.percent(done: 3, total: 3) == 100)
        #expect(ProgressThrottle.percent(done: 0, total: 0) == nil)
        #expect(ProgressThrottle.percent(done: 7, total: 5) == 100)
    }
}
