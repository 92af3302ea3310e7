import Foundation
import Testing
@testable import LvyueCore

/// Issue #7: quarters in Asia/Shanghai, rates that are null rather than NaN, changes, Pareto shares.
@Suite struct QuarterlyStatsTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    func instant(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    func day(_ d: Date, _ zone: TimeZone) -> LocalDate {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.year, .month, .day], from: d)
        return LocalDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    @Test func parsesQuartersAndRefusesEverythingElse() {
        #expect(Quarter("2026Q3")?.description == "2026Q3")
        #expect(Quarter("2026q1")?.description == "2026Q1")
        #expect(Quarter(" 2026Q4 ")?.quarter == 4)
        for bad in ["2026Q0", "2026Q5", "2026-Q3", "26Q3", "Q32026", "2026Q", "2026Q33", "", "２０２６Q3", "0000Q1", "2026 Q3"] {
            #expect(Quarter(bad) == nil, "\(bad)")
        }
        guard case .failure(let e) = Quarter.parse("2026Q7") else { Issue.record("2026Q7 parsed"); return }
        #expect(e.reason == "quarter must be Q1, Q2, Q3 or Q4")
    }

    @Test func boundariesAreLocalMidnightsInShanghai() {
        let q3 = Quarter("2026Q3")!
        #expect(q3.firstDay.description == "2026-07-01")
        #expect(q3.lastDay.description == "2026-09-30")
        #expect(q3.endDay.description == "2026-10-01")
        // 2026-07-01 00:00 +08:00 is 2026-06-30 16:00 UTC.
        #expect(q3.start(in: shanghai) == instant("2026-06-30T16:00:00Z"))
        #expect(q3.end(in: shanghai) == instant("2026-09-30T16:00:00Z"))
        let lateQ3 = instant("2026-09-30T23:30:00+08:00"), earlyQ4 = instant("2026-10-01T00:10:00+08:00")
        #expect(lateQ3 >= q3.start(in: shanghai) && lateQ3 < q3.end(in: shanghai))
        #expect(earlyQ4 >= q3.end(in: shanghai) && earlyQ4 < Quarter("2026Q4")!.end(in: shanghai))
        #expect(Quarter(containing: day(lateQ3, shanghai)).description == "2026Q3")
        #expect(Quarter(containing: day(earlyQ4, shanghai)).description == "2026Q4")
        // The same instant in UTC would still be Q3: the zone decides.
        #expect(Quarter(containing: day(earlyQ4, TimeZone(identifier: "UTC")!)).description == "2026Q3")
    }

    @Test func previousAndNextCrossYears() {
        #expect(Quarter("2026Q1")!.previous.description == "2025Q4")
        #expect(Quarter("2025Q4")!.adding(1).description == "2026Q1")
        #expect(Quarter("2026Q3")!.adding(-3).description == "2025Q4")
        #expect(Quarter("2026Q3")!.adding(-8).description == "2024Q3")
        #expect(Quarter("2025Q4")! < Quarter("2026Q1")!)
    }

    @Test func ratesAreNullWithoutADenominatorNeverNaN() {
        #expect(ReportMath.percent(0, of: 0) == nil)
        #expect(ReportMath.percent(2, of: 3) == 66.7)
        #expect(ReportMath.percent(1, of: 3) == 33.3)
        #expect(ReportMath.percent(8, of: 11) == 72.7)
        #expect(ReportMath.percent(3, of: 3) == 100)
        #expect(ReportMath.mean(sum: 0, count: 0) == nil)
        #expect(ReportMath.mean(sum: 47, count: 12, places: 2) == 3.92)
        #expect(ReportMath.change(42.9, 50.0) == -7.1)
        #expect(ReportMath.change(nil, 50.0) == nil)
        #expect(ReportMath.change(3.92, 4.0) == -0.08)
        #expect(ReportMath.round(.nan, places: 1) == 0)
    }

    @Test func paretoRanksWithCumulativeSharesEndingAt100() {
        let p = ReportMath.pareto(["raw_material": 3, "supplier": 2, "logistics": 2, "weather": 0, "design_change": 3])
        // Ties are ranked by key; zero counts are left out.
        #expect(p.map(\.key) == ["design_change", "raw_material", "logistics", "supplier"])
        #expect(p.map(\.share) == [30.0, 30.0, 20.0, 20.0])
        #expect(p.map(\.cumulativeShare) == [30.0, 60.0, 80.0, 100.0])
        // Thirds: shares round, the cumulative share still ends at exactly 100.
        let thirds = ReportMath.pareto(["a": 1, "b": 1, "c": 1])
        #expect(thirds.map(\.share) == [33.3, 33.3, 33.3])
        #expect(thirds.map(\.cumulativeShare) == [33.3, 66.7, 100.0])
        #expect(ReportMath.pareto([:]).isEmpty)
        #expect(ReportMath.pareto(["a": 0]).isEmpty)
    }
}
