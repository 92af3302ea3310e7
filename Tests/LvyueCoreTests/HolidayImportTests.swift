import Foundation
import Testing
@testable import LvyueCore

@Suite struct HolidayImportTests {
    @Test func jsonObjectForm() throws {
        let json = #"{"year": 2027, "off": ["2027-01-01", {"from": "2027-02-06", "to": "2027-02-08"}], "worked": ["2027-02-20"]}"#
        let y = try HolidayImport.parseJSON(Data(json.utf8))
        #expect(y.year == 2027)
        #expect(y.off == [day("2027-01-01"), day("2027-02-06"), day("2027-02-07"), day("2027-02-08")])
        #expect(y.worked == [day("2027-02-20")])
    }

    @Test func jsonListOfDatesInfersTheYear() throws {
        let y = try HolidayImport.parseJSON(Data(#"["2027-05-01", "2027-05-02"]"#.utf8))
        #expect(y.year == 2027 && y.off.count == 2 && y.worked.isEmpty)
        #expect(throws: HolidayImportError.ambiguousYear(years: [2026, 2027])) {
            try HolidayImport.parseJSON(Data(#"["2026-12-31", "2027-01-01"]"#.utf8))
        }
        #expect(try HolidayImport.parseJSON(Data(#"["2026-12-31", "2027-01-01"]"#.utf8), year: 2027).year == 2027)
    }

    @Test func malformedJSONIsReportedClearly() {
        #expect(throws: HolidayImportError.malformed(reason: "not valid JSON", line: nil)) {
            try HolidayImport.parseJSON(Data("{".utf8))
        }
        #expect(throws: HolidayImportError.malformed(reason: "off[0]: expected a date YYYY-MM-DD", line: nil)) {
            try HolidayImport.parseJSON(Data(#"{"year": 2027, "off": ["2027-02-30"]}"#.utf8))
        }
        #expect(throws: HolidayImportError.conflict(date: day("2027-01-01"))) {
            try HolidayImport.parseJSON(Data(#"{"off": ["2027-01-01"], "worked": ["2027-01-01"]}"#.utf8))
        }
        #expect(throws: HolidayImportError.empty) { try HolidayImport.parseJSON(Data(#"{"year": 2027}"#.utf8)) }
    }

    static let ics = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//test//holidays//CN",
        "BEGIN:VEVENT",
        "UID:1",
        "DTSTART;VALUE=DATE:20270101",
        "DTEND;VALUE=DATE:20270104",
        "SUMMARY:元旦",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:2",
        "DTSTART;VALUE=DATE:20270206",
        "DTEND;VALUE=DATE:20270213",
        // folded line (RFC 5545 §3.1): CRLF + one space continues the previous line
        "SUMMARY:春节 Spring Festival holiday, seven da",
        " ys off",
        "BEGIN:VALARM",
        "SUMMARY:上班 (inside an alarm, ignored)",
        "END:VALARM",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:3",
        "DTSTART;VALUE=DATE:20270220",
        "SUMMARY:春节补",
        "\t班",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:4",
        "DTSTART;VALUE=DATE:20270313",
        "SUMMARY:Company day",
        "X-LVYUE-KIND:worked",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:5",
        "DTSTART;VALUE=DATE:20271001",
        "DURATION:P7D",
        "SUMMARY:国庆节",
        "END:VEVENT",
        "END:VCALENDAR",
    ].joined(separator: "\r\n")

    @Test func icsWithFoldedLinesRangesAndKinds() throws {
        let y = try HolidayImport.parseICS(Self.ics)
        #expect(y.year == 2027)
        let off = Set(y.off)
        #expect(off.count == 3 + 7 + 7)
        #expect(off.contains(day("2027-01-03")) && !off.contains(day("2027-01-04")))
        #expect(off.contains(day("2027-02-12")) && !off.contains(day("2027-02-13")))
        #expect(off.contains(day("2027-10-07")) && !off.contains(day("2027-10-08")))
        #expect(y.worked == [day("2027-02-20"), day("2027-03-13")])
    }

    @Test func malformedICSNamesTheLine() {
        let noStart = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR"
        #expect(throws: HolidayImportError.malformed(reason: "VEVENT has no DTSTART", line: 2)) {
            try HolidayImport.parseICS(noStart)
        }
        let badDate = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2027-01-01\nEND:VEVENT\nEND:VCALENDAR"
        #expect(throws: HolidayImportError.malformed(reason: "bad date \"2027-01-01\", expected YYYYMMDD", line: 3)) {
            try HolidayImport.parseICS(badDate)
        }
        #expect(throws: HolidayImportError.self) { try HolidayImport.parseICS("hello") }
        #expect(throws: HolidayImportError.self) {
            try HolidayImport.parseICS("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20270105\nDTEND:20270101\nEND:VEVENT\nEND:VCALENDAR")
        }
        #expect(throws: HolidayImportError.self) {
            try HolidayImport.parseICS("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20270105\nX-LVYUE-KIND:maybe\nEND:VEVENT\nEND:VCALENDAR")
        }
    }

    @Test func importedYearUnlocksTheCalendar() throws {
        let y = try HolidayImport.parseICS(Self.ics)
        let def = y.merged(into: BuiltinCalendars.cnWorkdayDefinition)
        #expect(def.statutoryYears == [2025, 2026, 2027])
        let cal = try WorkCalendar(definition: def)
        #expect(try !cal.isWorkingDay(day("2027-01-01")))
        #expect(try cal.isWorkingDay(day("2027-02-20")))
        // Tue 2027-01-05 10:00 → no longer refused
        #expect(try cal.deadline(from: t("2027-01-05T10:00:00+08:00"), workingMinutes: 60) == t("2027-01-05T11:00:00+08:00"))
        // 2026-12-31 (Thu) 17:00 + 2 h → 2027-01-01…03 off → Monday 01-04 10:00
        #expect(try cal.deadline(from: t("2026-12-31T17:00:00+08:00"), workingMinutes: 120) == t("2027-01-04T10:00:00+08:00"))
        // merging again is idempotent
        #expect(y.merged(into: def) == def)
    }

    @Test func bundledDataMatchesThePublishedCalendar() {
        let years = BuiltinCalendars.bundledStatutoryData.sorted { $0.year < $1.year }
        #expect(years.map(\.year) == [2025, 2026])
        #expect(years[0].off.count == 1 + 8 + 3 + 5 + 3 + 8)
        #expect(years[0].worked.map(\.description) == ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"])
        #expect(years[1].off.count == 3 + 9 + 3 + 5 + 3 + 3 + 7)
        #expect(years[1].worked.map(\.description) == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])
    }
}
