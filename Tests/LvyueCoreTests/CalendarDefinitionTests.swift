import Foundation
import Testing
@testable import LvyueCore

@Suite struct CalendarDefinitionTests {
    @Test func decodesTheStorageForm() throws {
        let json = """
        {"id": "acme", "name": "ACME", "time_zone": "Asia/Shanghai",
         "windows": {"mon": [["09:00","12:00"],["13:00","18:00"]], "tue": [["09:00","18:00"]]},
         "holidays": ["2026-03-03", {"from": "2026-03-10", "to": "2026-03-11"}],
         "working_days": [{"date": "2026-03-07"}, {"date": "2026-03-08", "windows": [["10:00","11:00"]]}],
         "date_hours": [{"date": "2026-03-09", "windows": [["14:00","15:00"]]}]}
        """
        let def = try JSONDecoder().decode(CalendarDefinition.self, from: Data(json.utf8))
        #expect(def.requiresStatutoryData == false)
        let cal = try WorkCalendar(definition: def)
        #expect(cal.holidays == [day("2026-03-03"), day("2026-03-10"), day("2026-03-11")])
        // a working day without windows gets the standard (Monday) hours
        #expect(cal.localWindows(on: day("2026-03-07")).map(\.description) == ["09:00–12:00", "13:00–18:00"])
        #expect(cal.localWindows(on: day("2026-03-08")).map(\.description) == ["10:00–11:00"])
        #expect(cal.localWindows(on: day("2026-03-09")).map(\.description) == ["14:00–15:00"])
        // 03-03 (Tue) is a holiday → Sat 03-07 make-up day
        #expect(try cal.deadline(from: t("2026-03-02T18:30:00+08:00"), workingMinutes: 30) == t("2026-03-07T09:30:00+08:00"))
        #expect(cal.statutoryYears == nil)

        let reencoded = try JSONDecoder().decode(CalendarDefinition.self, from: JSONEncoder().encode(def))
        #expect(reencoded == def)
    }

    @Test func requiresStatutoryData() throws {
        let json = #"{"id": "s", "name": "s", "time_zone": "UTC", "windows": {"mon": [["09:00","17:00"]]}, "statutory_years": [2026]}"#
        let cal = try WorkCalendar(definition: JSONDecoder().decode(CalendarDefinition.self, from: Data(json.utf8)))
        #expect(cal.statutoryYears == [2026])
        #expect(throws: CalendarError.dataMissing(calendar: "s", year: 2025)) { try cal.isWorkingDay(day("2025-06-02")) }
    }

    @Test func noWorkingTimeIsRejectedWhenDefined() {
        #expect(throws: CalendarError.noWorkingTime(calendar: "test")) { try WorkCalendar(definition: definition([:])) }
        #expect(throws: CalendarError.noWorkingTime(calendar: "test")) { try WorkCalendar(definition: definition(["mon": [], "sun": []])) }
    }

    @Test(arguments: [
        (["mon": [["09:00", "12:00"], ["11:00", "13:00"]]], "windows.mon"),
        (["mon": [["9:00", "12:00"]]], "windows.mon[0]"),
        (["mon": [["09:00", "25:00"]]], "windows.mon[0]"),
        (["mon": [["09:00", "12:60"]]], "windows.mon[0]"),
        (["mon": [["12:00", "12:00"]]], "windows.mon[0]"),
        (["mon": [["13:00", "12:00"]]], "windows.mon[0]"),
        (["mon": [["24:00", "24:00"]]], "windows.mon[0]"),
        (["mon": [["09:00"]]], "windows.mon[0]"),
        (["monday": [["09:00", "12:00"]]], "windows.monday"),
    ] as [([String: [[String]]], String)])
    func invalidWindowsAreRejected(windows: [String: [[String]]], field: String) {
        #expect {
            try WorkCalendar(definition: definition(windows))
        } throws: { error in
            guard case let CalendarError.invalid(f, _) = error else { return false }
            return f == field
        }
    }

    @Test func unknownTimeZoneIsRejected() {
        #expect(throws: CalendarError.invalid(field: "time_zone", reason: "unknown time zone \"Mars/Olympus\"")) {
            try WorkCalendar(definition: definition(["mon": officeDay], zone: "Mars/Olympus"))
        }
    }

    @Test func contradictoryDatesAreRejected() {
        var def = definition(["mon": officeDay])
        def.holidays = [.range(from: day("2026-03-10"), to: day("2026-03-01"))]
        #expect(throws: CalendarError.self) { try WorkCalendar(definition: def) }
        def.holidays = [.date(day("2026-03-07"))]
        def.workingDays = [WorkingDayEntry(date: day("2026-03-07"))]
        #expect(throws: CalendarError.invalid(field: "working_days[0]", reason: "2026-03-07 is both a holiday and a working day")) {
            try WorkCalendar(definition: def)
        }
    }

    @Test func twentyFourHundredEndsTheDay() throws {
        let night = try WorkCalendar(definition: definition([
            "mon": [["18:00", "24:00"]], "tue": [["00:00", "06:00"]],
        ]))
        // Monday 23:00 + 60 → the window's end is the next midnight
        #expect(try night.deadline(from: t("2026-03-02T23:00:00+08:00"), workingMinutes: 60) == t("2026-03-03T00:00:00+08:00"))
        #expect(try night.deadline(from: t("2026-03-02T23:30:00+08:00"), workingMinutes: 60) == t("2026-03-03T00:30:00+08:00"))
        #expect(try night.workingMinutes(from: t("2026-03-02T12:00:00+08:00"), to: t("2026-03-03T12:00:00+08:00")) == 720)
    }

    @Test func aSearchThatNeverMeetsWorkingTimeStops() throws {
        var def = definition(["mon": officeDay])
        def.holidays = [.range(from: day("2030-01-01"), to: day("2034-12-31"))]
        let cal = try WorkCalendar(definition: def)
        #expect(throws: CalendarError.searchLimitExceeded(calendar: "test", from: day("2030-01-01"))) {
            try cal.deadline(from: t("2030-01-01T10:00:00+08:00"), workingMinutes: 60)
        }
        #expect(throws: CalendarError.self) { try cal.nextWorkingMoment(t("2030-01-01T10:00:00+08:00")) }
        #expect(throws: CalendarError.self) { try cal.addWorkingDays(day("2030-01-01"), 1) }
        #expect(throws: CalendarError.self) { try cal.addWorkingDays(day("2035-01-01"), -1) }
        // a long gap within the limit is crossed
        def.holidays = [.range(from: day("2030-01-01"), to: day("2031-06-30"))]
        let gap = try WorkCalendar(definition: def)
        #expect(try gap.addWorkingDays(day("2031-07-01"), -1) == day("2029-12-31"))
        #expect(try gap.deadline(from: t("2029-12-31T17:30:00+08:00"), workingMinutes: 60) == t("2031-07-07T09:30:00+08:00"))
    }
}
