import Foundation
@testable import LvyueCore

/// Parses an ISO-8601 instant with offset, e.g. "2026-02-13T16:00:00+08:00". Tests only.
func t(_ s: String) -> Date {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    guard let d = f.date(from: s) else { fatalError("bad test timestamp \(s)") }
    return d
}

func day(_ s: String) -> LocalDate {
    guard let d = LocalDate(iso: s) else { fatalError("bad test date \(s)") }
    return d
}

let cn = BuiltinCalendars.cnWorkday
let x24 = BuiltinCalendars.sevenByTwentyFour

let officeDay = [["09:00", "18:00"]]

/// Europe/Berlin, Mon–Fri 09:00–18:00.
let berlinOffice = try! WorkCalendar(definition: CalendarDefinition(
    id: "berlin-office", name: "Berlin office", timeZone: "Europe/Berlin",
    windows: ["mon": officeDay, "tue": officeDay, "wed": officeDay, "thu": officeDay, "fri": officeDay]))

/// Europe/Berlin, every day 00:00–24:00 except one holiday, so arithmetic goes through the
/// per-year tables rather than the continuous fast path.
let berlinAllDay = try! WorkCalendar(definition: CalendarDefinition(
    id: "berlin-24h", name: "Berlin 24h", timeZone: "Europe/Berlin",
    windows: Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0.rawValue, [["00:00", "24:00"]]) }),
    holidays: [.date(day("2026-12-25"))]))

func definition(_ windows: [String: [[String]]], zone: String = "Asia/Shanghai", id: String = "test") -> CalendarDefinition {
    CalendarDefinition(id: id, name: id, timeZone: zone, windows: windows)
}
