import Foundation
import Testing
@testable import LvyueCore

/// Europe/Berlin switches to summer time on 2026-03-29 (02:00 → 03:00) and back on 2026-10-25
/// (03:00 → 02:00).
@Suite struct DSTTests {
    @Test func fullDayWindowsLast23And25Hours() throws {
        for cal in [berlinAllDay, try WorkCalendar(definition: berlinAllDay.definition.with(holidays: []))] {
            let spring = try cal.windows(on: day("2026-03-29"))
            #expect(spring.count == 1)
            #expect(spring[0].start == t("2026-03-29T00:00:00+01:00"))
            #expect(spring[0].end == t("2026-03-30T00:00:00+02:00"))
            #expect(try cal.workingMinutes(from: t("2026-03-29T00:00:00+01:00"), to: t("2026-03-30T00:00:00+02:00")) == 23 * 60)
            #expect(try cal.workingMinutes(from: t("2026-10-25T00:00:00+02:00"), to: t("2026-10-26T00:00:00+01:00")) == 25 * 60)
            let autumn = try cal.windows(on: day("2026-10-25"))
            #expect(autumn[0].end.timeIntervalSince(autumn[0].start) == 25 * 3600)
            // 24 working hours from Saturday noon end at Sunday 13:00 local in spring (a lost hour)…
            #expect(try cal.deadline(from: t("2026-03-28T12:00:00+01:00"), workingMinutes: 24 * 60) == t("2026-03-29T13:00:00+02:00"))
            // …and Sunday 11:00 local in autumn (a repeated hour)
            #expect(try cal.deadline(from: t("2026-10-24T12:00:00+02:00"), workingMinutes: 24 * 60) == t("2026-10-25T11:00:00+01:00"))
        }
    }

    @Test func officeHoursAcrossTheChange() throws {
        // Friday 17:00 CET + 2 h → Monday 10:00 CEST
        #expect(try berlinOffice.deadline(from: t("2026-03-27T17:00:00+01:00"), workingMinutes: 120) == t("2026-03-30T10:00:00+02:00"))
        #expect(try berlinOffice.deadline(from: t("2026-10-23T17:00:00+02:00"), workingMinutes: 120) == t("2026-10-26T10:00:00+01:00"))
        #expect(try berlinOffice.workingMinutes(from: t("2026-03-27T09:00:00+01:00"), to: t("2026-03-31T09:00:00+02:00")) == 2 * 540)
        let monday = try berlinOffice.windows(on: day("2026-03-30"))
        #expect(monday.map(\.start) == [t("2026-03-30T09:00:00+02:00")])
        #expect(berlinOffice.localDate(of: t("2026-03-29T23:30:00+02:00")) == day("2026-03-29"))
    }

    @Test func aLocalTimeThatDoesNotExistIsSkippedForward() throws {
        var def = berlinOffice.definition
        def.dateHours = [WorkingDayEntry(date: day("2026-03-29"), windows: [["02:30", "04:00"]])]
        let cal = try WorkCalendar(definition: def)
        let w = try cal.windows(on: day("2026-03-29"))
        #expect(w.map(\.start) == [t("2026-03-29T03:00:00+02:00")])
        #expect(w.map(\.end) == [t("2026-03-29T04:00:00+02:00")])
        #expect(try cal.deadline(from: t("2026-03-29T00:00:00+01:00"), workingMinutes: 30) == t("2026-03-29T03:30:00+02:00"))
        #expect(cal.instant(day("2026-03-29"), secondOfDay: 2 * 3600 + 1800) == t("2026-03-29T03:00:00+02:00"))
        // an ambiguous autumn time takes its first occurrence
        #expect(cal.instant(day("2026-10-25"), secondOfDay: 2 * 3600 + 1800) == t("2026-10-25T02:30:00+02:00"))
    }

    @Test func anAutumnDateWithFullDayHours() throws {
        var def = berlinOffice.definition
        def.dateHours = [WorkingDayEntry(date: day("2026-10-25"), windows: [["00:00", "24:00"]])]
        let cal = try WorkCalendar(definition: def)
        #expect(try cal.workingMinutes(from: t("2026-10-24T00:00:00+02:00"), to: t("2026-10-27T00:00:00+01:00")) == 25 * 60 + 540)
    }
}

extension CalendarDefinition {
    func with(holidays: [HolidayEntry]) -> CalendarDefinition {
        var d = self
        d.holidays = holidays
        return d
    }
}
