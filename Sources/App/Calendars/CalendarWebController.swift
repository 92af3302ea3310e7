import Fluent
import Foundation
import LvyueCore
import Vapor

/// Paths of the calendar pages (calendar ids are text, not UUIDs).
enum CalendarWebPaths {
    static let list = SiteRoute(template: "/calendars")
    static func show(_ id: String, year: Int? = nil) -> String {
        var c = URLComponents()
        c.path = "/calendars/" + id
        if let year { c.queryItems = [URLQueryItem(name: "year", value: String(year))] }
        return c.string ?? c.path
    }
}

/// `/calendars`: the working calendars with their zones and statutory years.
struct CalendarListPage: Encodable, Sendable {
    struct Row: Encodable, Sendable { var url, id, name, zone, years: String; var builtin: Bool }
    var rows: [Row]
    var list: ListView

    static func spec(_ t: Strings) -> ListSpec {
        ListSpec(
            path: CalendarWebPaths.list.path,
            columns: [.sortable(t["calendar_id"], "id", .field("id")), .sortable(t["calendar_name"], "name", .field("name")),
                      .plain(t["calendar_zone"]), .plain(t["calendar_statutory_years"])],
            defaultSort: "id",
            filters: [ListFilterSpec(name: "builtin", label: t["calendar_builtin"],
                                     options: [("", t["list_any"]), ("yes", t["list_calendars_builtin"]), ("no", t["list_calendars_own"])])],
            searchPlaceholder: t["list_calendars_search"],
            emptyText: t["list_empty_calendars"])
    }

    static func query(_ req: Request) async throws -> CalendarListPage {
        let db = req.db
        let (found, list) = try await ListQuery.run(req, spec(req.strings), base: { StoredCalendar.query(on: db) }, search: ["id", "name"]) { q, s in
            switch s.value("builtin") {
            case "yes": q.filter(\.$builtin == true)
            case "no": q.filter(\.$builtin == false)
            default: break
            }
        }
        let rows = try found.map { stored -> Row in
            let d = try stored.definition()
            return Row(url: CalendarWebPaths.show(stored.id ?? ""), id: stored.id ?? "", name: stored.name, zone: d.timeZone,
                       years: d.statutoryYears.map { $0.map(String.init).joined(separator: ", ") } ?? "—", builtin: stored.builtin)
        }
        return CalendarListPage(rows: rows, list: list)
    }
}

/// `/calendars/:id?year=2026[&from=…&minutes=…]`: a year of working days, holidays and make-up days, the
/// weekly hours, and a "when is it due?" answer computed by the same engine as every clock.
struct CalendarYearPage: Encodable, Sendable {
    struct Day: Encodable, Sendable { var label: String; var kind: String; var title: String }
    struct Week: Encodable, Sendable { var days: [Day] }
    struct Month: Encodable, Sendable { var name: String; var weeks: [Week] }
    struct Hours: Encodable, Sendable { var weekday: String; var windows: String }

    var id: String
    var name: String
    var zone: String
    var year: Int
    var prevURL: String
    var nextURL: String
    var formAction: String
    var months: [Month]
    var weekdays: [String]
    var hours: [Hours]
    var missingYear: Bool
    var workingDays: Int
    var holidays: Int
    var makeUpDays: Int
    var dueFrom: String
    var dueMinutes: String
    var dueResult: String?
    var dueError: String?

    static func query(on db: any Database, registry: CalendarRegistry, id: String, year requested: Int?, today: LocalDate,
                      from: String?, minutes: String?, t: Strings) async throws -> CalendarYearPage {
        guard let stored = try await StoredCalendar.find(id, on: db) else { throw AppError.notFound(entity: "calendar", id: id) }
        let calendar = try registry.calendar(for: stored)
        let year = min(2200, max(1900, requested ?? today.year))
        let weekdayKeys = Weekday.allCases.map { t["weekday_short.\($0.rawValue)"] }

        var months: [Month] = []
        var working = 0, holidays = 0, makeUps = 0
        var missing = false
        for month in 1...12 {
            let first = LocalDate(year: year, month: month, day: 1)!
            var cells: [Day] = Array(repeating: Day(label: "", kind: "cal-blank", title: ""), count: first.weekday.index)
            var day = first
            while day.month == month && day.year == year {
                let kind: String
                let weekend = calendar.weeklyWindows[day.weekday]?.isEmpty ?? true
                do {
                    let isWorking = try calendar.isWorkingDay(day)
                    if isWorking && weekend { kind = "cal-makeup"; makeUps += 1; working += 1 }
                    else if isWorking { kind = "cal-work"; working += 1 }
                    else if calendar.holidays.contains(day) { kind = "cal-holiday"; holidays += 1 }
                    else { kind = "cal-weekend" }
                } catch {
                    kind = "cal-nodata"
                    missing = true
                }
                cells.append(Day(label: String(day.day), kind: kind + (day == today ? " cal-today" : ""), title: day.description))
                day = day.adding(days: 1)
            }
            while cells.count % 7 != 0 { cells.append(Day(label: "", kind: "cal-blank", title: "")) }
            let weeks = stride(from: 0, to: cells.count, by: 7).map { Week(days: Array(cells[$0..<$0 + 7])) }
            months.append(Month(name: t["month.\(month)"], weeks: weeks))
        }

        let hours = Weekday.allCases.map { wd -> Hours in
            let windows = calendar.weeklyWindows[wd] ?? []
            return Hours(weekday: t["weekday_short.\(wd.rawValue)"],
                         windows: windows.isEmpty ? t["calendar_closed"] : windows.map(\.description).joined(separator: ", "))
        }

        var result: String?
        var error: String?
        if let from, !from.isEmpty {
            // `datetime-local` has no zone: it is read in the calendar's own zone.
            if let start = Self.localInstant(from, in: calendar.timeZone), let m = Int(minutes ?? ""), m >= 0, m <= 1_000_000 {
                do {
                    let due = try calendar.deadline(from: start, workingMinutes: m)
                    result = JSONCoding.formatInstant(due, in: calendar.timeZone)
                } catch let e as CalendarError {
                    error = e.description
                }
            } else {
                error = t["calendar_due_invalid"]
            }
        }
        return CalendarYearPage(
            id: id, name: stored.name, zone: calendar.timeZone.identifier, year: year,
            prevURL: CalendarWebPaths.show(id, year: year - 1), nextURL: CalendarWebPaths.show(id, year: year + 1),
            formAction: CalendarWebPaths.show(id, year: year), months: months, weekdays: weekdayKeys, hours: hours,
            missingYear: missing, workingDays: working, holidays: holidays, makeUpDays: makeUps,
            dueFrom: from ?? "", dueMinutes: minutes ?? "240", dueResult: result, dueError: error)
    }

    /// "2026-02-13T16:00" in a zone → the instant.
    static func localInstant(_ text: String, in zone: TimeZone) -> Date? {
        let parts = text.split(separator: "T")
        guard parts.count == 2, let date = LocalDate(iso: String(parts[0])) else { return nil }
        let hm = parts[1].split(separator: ":")
        guard hm.count >= 2, let h = Int(hm[0]), let m = Int(hm[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        return cal.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: h, minute: m))
    }
}

struct CalendarWebController {
    func register(on routes: any RoutesBuilder) {
        routes.get(CalendarWebPaths.list, use: list)
        routes.get("calendars", ":id", use: show)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .calendar)
        let page = try await CalendarListPage.query(req)
        return try await WebView.render(req, "calendars/list", title: req.strings["calendars_title"], page)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .calendar)
        guard let id = req.parameters.get("id") else { throw AppError.notFound(entity: "calendar", id: "") }
        let year = req.query[String.self, at: "year"].flatMap(Int.init)
        let page = try await CalendarYearPage.query(
            on: req.db, registry: req.application.calendars, id: id, year: year,
            today: LocalDate(date: req.now, in: JSONCoding.displayTimeZone),
            from: req.query[String.self, at: "from"], minutes: req.query[String.self, at: "minutes"], t: req.strings)
        return try await WebView.render(req, "calendars/show", title: page.name, page)
    }
}
