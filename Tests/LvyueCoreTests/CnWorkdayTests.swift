import Foundation
import Testing
@testable import LvyueCore

/// Deadlines on the built-in cn-workday calendar (Mon–Fri 09:00–12:00, 13:00–18:00, Shanghai).
/// 2026-03-02 is a Monday.
@Suite struct CnWorkdayDeadlineTests {
    @Test(arguments: [
        // start before the morning window
        ("2026-03-02T07:30:00+08:00", 60, "2026-03-02T10:00:00+08:00"),
        // inside a window, across the lunch break
        ("2026-03-02T10:30:00+08:00", 120, "2026-03-02T13:30:00+08:00"),
        // landing exactly on a window's end gives that end, not the next start
        ("2026-03-02T11:00:00+08:00", 60, "2026-03-02T12:00:00+08:00"),
        ("2026-03-02T09:00:00+08:00", 480, "2026-03-02T18:00:00+08:00"),
        // start in the lunch break
        ("2026-03-02T12:30:00+08:00", 30, "2026-03-02T13:30:00+08:00"),
        // after hours → next morning; crossing midnight
        ("2026-03-02T19:00:00+08:00", 30, "2026-03-03T09:30:00+08:00"),
        ("2026-03-02T17:30:00+08:00", 60, "2026-03-03T09:30:00+08:00"),
        // weekend start
        ("2026-03-07T10:00:00+08:00", 60, "2026-03-09T10:00:00+08:00"),
        // Friday afternoon across the weekend
        ("2026-03-06T17:00:00+08:00", 120, "2026-03-09T10:00:00+08:00"),
        // start on a holiday (National Day 10-01…10-07)
        ("2026-10-01T10:00:00+08:00", 60, "2026-10-08T10:00:00+08:00"),
        // the make-up Saturday 2026-02-14 is worked (the example of DESIGN.md)
        ("2026-02-13T16:00:00+08:00", 240, "2026-02-14T11:00:00+08:00"),
        // start on a make-up day
        ("2026-10-10T08:00:00+08:00", 90, "2026-10-10T10:30:00+08:00"),
        // Spring Festival block 02-15…02-23
        ("2026-02-14T17:00:00+08:00", 120, "2026-02-24T10:00:00+08:00"),
        ("2026-02-13T17:00:00+08:00", 480, "2026-02-14T17:00:00+08:00"),
        // National Day block: 09-30 → 10-08, then the make-up Saturday 10-10
        ("2026-09-30T17:00:00+08:00", 60 + 480 * 2 + 60, "2026-10-10T10:00:00+08:00"),
        // 2025 year end → New Year 2026 off 01-01…01-03, make-up Sunday 01-04
        ("2025-12-31T17:00:00+08:00", 120, "2026-01-04T10:00:00+08:00"),
        // 5 working days
        ("2026-03-02T09:00:00+08:00", 2400, "2026-03-06T18:00:00+08:00"),
    ])
    func deadline(start: String, minutes: Int, expected: String) throws {
        let due = try cn.deadline(from: t(start), workingMinutes: minutes)
        #expect(due == t(expected))
        #expect(try cn.workingMinutes(from: t(start), to: due) == minutes)
    }

    @Test func zeroMinutesIsTheNextWorkingMoment() throws {
        #expect(try cn.deadline(from: t("2026-03-02T10:00:00+08:00"), workingMinutes: 0) == t("2026-03-02T10:00:00+08:00"))
        #expect(try cn.deadline(from: t("2026-03-02T12:00:00+08:00"), workingMinutes: 0) == t("2026-03-02T13:00:00+08:00"))
        #expect(try cn.deadline(from: t("2026-02-14T20:00:00+08:00"), workingMinutes: 0) == t("2026-02-24T09:00:00+08:00"))
        #expect(try cn.nextWorkingMoment(t("2026-03-07T10:00:00+08:00")) == t("2026-03-09T09:00:00+08:00"))
    }

    @Test func negativeMinutesAreRejected() {
        #expect(throws: CalendarError.invalid(field: "working_minutes", reason: "must not be negative (got -1)")) {
            try cn.deadline(from: t("2026-03-02T10:00:00+08:00"), workingMinutes: -1)
        }
    }

    @Test func subMinutePrecisionIsKept() throws {
        let start = t("2026-03-02T11:59:30+08:00")
        #expect(try cn.deadline(from: start, workingMinutes: 1) == t("2026-03-02T13:00:30+08:00"))
        #expect(try cn.workingSeconds(from: start, to: t("2026-03-02T13:00:10+08:00")) == 40)
        #expect(try cn.workingMinutes(from: start, to: t("2026-03-02T13:00:10+08:00")) == 0)
        #expect(try cn.deadline(from: start, workingSeconds: 45) == t("2026-03-02T13:00:15+08:00"))
    }

    @Test func workingMinutesAcrossBlocks() throws {
        // 02-13 (Fri) and 02-14 (make-up Sat) full days, 02-15…02-23 off, 02-24 full day
        #expect(try cn.workingMinutes(from: t("2026-02-13T09:00:00+08:00"), to: t("2026-02-25T09:00:00+08:00")) == 3 * 480)
        #expect(try cn.workingMinutes(from: t("2026-02-25T09:00:00+08:00"), to: t("2026-02-13T09:00:00+08:00")) == 0)
        // a whole year: 2026 has 248 working days
        #expect(try cn.workingMinutes(from: t("2026-01-01T00:00:00+08:00"), to: t("2027-01-01T00:00:00+08:00")) == 248 * 480)
        // and across the year boundary 2025 → 2026
        #expect(try cn.workingMinutes(from: t("2025-12-31T17:00:00+08:00"), to: t("2026-01-04T10:00:00+08:00")) == 120)
    }

    @Test func workingDays() throws {
        #expect(try cn.isWorkingDay(day("2026-02-14")))
        #expect(try !cn.isWorkingDay(day("2026-02-16")))
        #expect(try !cn.isWorkingDay(day("2026-03-07")))
        #expect(try cn.isWorkingDay(day("2025-09-28")))
        #expect(try !cn.isWorkingDay(day("2025-10-08")))
        #expect(try cn.addWorkingDays(day("2026-02-13"), 1) == day("2026-02-14"))
        #expect(try cn.addWorkingDays(day("2026-02-13"), 2) == day("2026-02-24"))
        #expect(try cn.addWorkingDays(day("2026-02-24"), -2) == day("2026-02-13"))
        #expect(try cn.addWorkingDays(day("2026-09-30"), 1) == day("2026-10-08"))
        #expect(try cn.addWorkingDays(day("2026-09-30"), 3) == day("2026-10-10"))
        #expect(try cn.addWorkingDays(day("2026-10-05"), 1) == day("2026-10-08"))
        #expect(try cn.addWorkingDays(day("2026-03-07"), 0) == day("2026-03-07"))
        #expect(try cn.addWorkingDays(day("2025-12-31"), 1) == day("2026-01-04"))
        #expect(try cn.addWorkingDays(day("2026-01-04"), -1) == day("2025-12-31"))
    }

    @Test func windowsForTheYearView() throws {
        let w = try cn.windows(on: day("2026-02-14"))
        #expect(w.map(\.start) == [t("2026-02-14T09:00:00+08:00"), t("2026-02-14T13:00:00+08:00")])
        #expect(w.map(\.end) == [t("2026-02-14T12:00:00+08:00"), t("2026-02-14T18:00:00+08:00")])
        #expect(try cn.windows(on: day("2026-10-01")).isEmpty)
    }

    @Test func yearsWithoutStatutoryDataAreRefused() {
        let missing = CalendarError.dataMissing(calendar: "cn-workday", year: 2027)
        #expect(throws: missing) { try cn.deadline(from: t("2027-01-05T10:00:00+08:00"), workingMinutes: 60) }
        #expect(throws: missing) { try cn.isWorkingDay(day("2027-01-05")) }
        #expect(throws: missing) { try cn.addWorkingDays(day("2026-12-31"), 1) }
        // a span that runs into 2027 is refused too, never guessed
        #expect(throws: missing) { try cn.deadline(from: t("2026-12-31T17:00:00+08:00"), workingMinutes: 120) }
        #expect(throws: CalendarError.dataMissing(calendar: "cn-workday", year: 2024)) {
            try cn.workingMinutes(from: t("2024-12-31T10:00:00+08:00"), to: t("2025-01-02T10:00:00+08:00"))
        }
        #expect(missing.description == "calendar cn-workday has no statutory holiday data for 2027; import it first")
    }

    @Test func sevenByTwentyFourNeverRefusesAYear() throws {
        #expect(try x24.deadline(from: t("2027-01-05T10:00:00+08:00"), workingMinutes: 90) == t("2027-01-05T11:30:00+08:00"))
        #expect(try x24.deadline(from: t("2035-12-31T23:30:00+08:00"), workingMinutes: 60) == t("2036-01-01T00:30:00+08:00"))
        #expect(try x24.workingMinutes(from: t("2030-01-01T00:00:00Z"), to: t("2030-01-02T00:00:00Z")) == 1440)
        #expect(try x24.addWorkingDays(day("2031-02-27"), 2) == day("2031-03-01"))
        #expect(try x24.windows(on: day("2029-06-01")).count == 1)
        #expect(BuiltinCalendars.all.map(\.id) == ["7x24", "cn-workday"])
        #expect(cn.statutoryYears == [2025, 2026])
        #expect(x24.statutoryYears == nil)
    }
}
