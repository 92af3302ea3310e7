import Foundation

/// One year of published statutory data: days off and make-up working days (调休).
public struct StatutoryYear: Codable, Hashable, Sendable {
    public var year: Int
    /// Every day off, one date each, ascending.
    public var off: [LocalDate]
    /// Every worked make-up day, ascending.
    public var worked: [LocalDate]

    public init(year: Int, off: [LocalDate], worked: [LocalDate]) {
        self.year = year
        self.off = Array(Set(off)).sorted()
        self.worked = Array(Set(worked)).sorted()
    }

    /// The definition with this year's data added: its days off become holidays, its make-up days
    /// working days with the standard hours, and the year is marked as available. Merging is
    /// additive (a company's own holidays survive) except that a date this data says is worked
    /// stops being a holiday and vice versa, so re-importing a corrected year fixes it.
    public func merged(into definition: CalendarDefinition) -> CalendarDefinition {
        var d = definition
        var holidays = Set(d.holidays.flatMap(\.dates))
        holidays.subtract(worked)
        holidays.formUnion(off)
        d.holidays = HolidayImport.collapse(holidays)
        let offSet = Set(off)
        var working = d.workingDays.filter { !offSet.contains($0.date) }
        let existing = Set(working.map(\.date))
        working += worked.filter { !existing.contains($0) }.map { WorkingDayEntry(date: $0) }
        d.workingDays = working.sorted { $0.date < $1.date }
        d.statutoryYears = Array(Set(d.statutoryYears ?? []).union([year])).sorted()
        d.requiresStatutoryData = true
        return d
    }
}

/// Problems with an imported holiday file; `line` is 1-based in the (unfolded) input when known.
public enum HolidayImportError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(reason: String, line: Int?)
    case empty
    case conflict(date: LocalDate)
    case ambiguousYear(years: [Int])

    public var description: String {
        switch self {
        case let .malformed(reason, line):
            return line.map { "line \($0): \(reason)" } ?? reason
        case .empty:
            return "the file contains no holidays or working days"
        case let .conflict(date):
            return "\(date) is listed both as a day off and as a working day"
        case let .ambiguousYear(years):
            return "the file covers several years (\(years.map(String.init).joined(separator: ", "))); say which year to import"
        }
    }
}

/// Parses statutory holiday data from JSON or iCalendar into a `StatutoryYear` that the app
/// merges into a stored `CalendarDefinition` (`StatutoryYear.merged(into:)`).
public enum HolidayImport {
    /// Accepts `{"year": 2027, "off": [...], "worked": [...]}` (year optional when all dates share
    /// one, or when `year` is given) or a plain list of days off. Entries are dates or
    /// `{"from": …, "to": …}` ranges.
    public static func parseJSON(_ data: Data, year: Int? = nil) throws -> StatutoryYear {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw HolidayImportError.malformed(reason: "not valid JSON", line: nil)
        }
        if let list = value as? [Any] {
            return try make(year: year, off: try entries(list, field: "$"), worked: [])
        }
        guard let object = value as? [String: Any] else {
            throw HolidayImportError.malformed(reason: "expected an object with \"off\" and \"worked\", or a list of dates", line: nil)
        }
        var declared = year
        if let y = object["year"] {
            guard let y = y as? Int else { throw HolidayImportError.malformed(reason: "\"year\" must be a number", line: nil) }
            if let year, year != y {
                throw HolidayImportError.malformed(reason: "the file is for \(y), not \(year)", line: nil)
            }
            declared = y
        }
        let off = try (object["off"]).map { try entries($0, field: "off") } ?? []
        let worked = try (object["worked"]).map { try entries($0, field: "worked") } ?? []
        return try make(year: declared, off: off, worked: worked)
    }

    /// The bundled data file: `{"years": {"2025": {"off": […], "worked": […]}, …}}`.
    static func parseDataFile(_ data: Data) throws -> [StatutoryYear] {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let years = object["years"] as? [String: Any] else {
            throw HolidayImportError.malformed(reason: "expected {\"years\": {…}}", line: nil)
        }
        return try years.map { key, value in
            guard let y = Int(key) else { throw HolidayImportError.malformed(reason: "year key \"\(key)\"", line: nil) }
            return try parseJSON(try JSONSerialization.data(withJSONObject: value), year: y)
        }
    }

    /// Parses VEVENTs of an iCalendar file. All-day events (`DTSTART;VALUE=DATE:20270101`, with an
    /// exclusive `DTEND`) cover their days; a SUMMARY mentioning 班 (补班, 上班), "working day" or
    /// "make-up" marks worked days, anything else days off; `X-LVYUE-KIND:worked|off` overrides.
    public static func parseICS(_ text: String, year: Int? = nil) throws -> StatutoryYear {
        let lines = unfold(text)
        guard lines.contains(where: { $0.text.uppercased() == "BEGIN:VCALENDAR" }) else {
            throw HolidayImportError.malformed(reason: "not an iCalendar file (no BEGIN:VCALENDAR)", line: nil)
        }
        var off: [LocalDate] = [], worked: [LocalDate] = []
        var event: ICSEvent?
        var nested = 0 // depth of components inside the VEVENT (VALARM …), whose properties we skip
        for entry in lines where !entry.text.isEmpty {
            let number = entry.line, text = entry.text
            guard let colon = valueColon(text) else {
                throw HolidayImportError.malformed(reason: "expected NAME:VALUE", line: number)
            }
            let head = text[..<colon]
            let value = String(text[text.index(after: colon)...])
            let parts = head.split(separator: ";", omittingEmptySubsequences: false)
            let name = parts[0].uppercased()
            let params = parts.dropFirst().map { $0.uppercased() }
            switch (name, value.uppercased()) {
            case ("BEGIN", "VEVENT"):
                guard event == nil else { throw HolidayImportError.malformed(reason: "VEVENT inside VEVENT", line: number) }
                event = ICSEvent(line: number)
            case ("END", "VEVENT"):
                guard let e = event, nested == 0 else { throw HolidayImportError.malformed(reason: "END:VEVENT without BEGIN", line: number) }
                let days = try e.days()
                if try e.isWorked() { worked += days } else { off += days }
                event = nil
            case ("BEGIN", _) where event != nil:
                nested += 1
            case ("END", _) where event != nil:
                nested -= 1
                if nested < 0 { throw HolidayImportError.malformed(reason: "END:\(value) without BEGIN", line: number) }
            default:
                guard event != nil, nested == 0 else { continue }
                switch name {
                case "DTSTART": event!.start = try icsDate(value, params: params, line: number)
                case "DTEND": event!.end = try icsDate(value, params: params, line: number)
                case "DURATION": event!.duration = try icsDuration(value, line: number)
                case "SUMMARY": event!.summary = unescape(value)
                case "X-LVYUE-KIND": event!.kind = value.trimmingCharacters(in: .whitespaces).lowercased()
                default: break
                }
            }
        }
        if let e = event { throw HolidayImportError.malformed(reason: "VEVENT is not closed", line: e.line) }
        return try make(year: year, off: off, worked: worked)
    }

    // MARK: - Helpers

    static func make(year: Int?, off: [LocalDate], worked: [LocalDate]) throws -> StatutoryYear {
        guard !off.isEmpty || !worked.isEmpty else { throw HolidayImportError.empty }
        if let clash = Set(off).intersection(worked).min() { throw HolidayImportError.conflict(date: clash) }
        if let year { return StatutoryYear(year: year, off: off, worked: worked) }
        let years = Set((off + worked).map(\.year)).sorted()
        guard years.count == 1 else { throw HolidayImportError.ambiguousYear(years: years) }
        return StatutoryYear(year: years[0], off: off, worked: worked)
    }

    private static func entries(_ value: Any, field: String) throws -> [LocalDate] {
        guard let list = value as? [Any] else {
            throw HolidayImportError.malformed(reason: "\"\(field)\" must be a list", line: nil)
        }
        var dates: [LocalDate] = []
        for (i, item) in list.enumerated() {
            func date(_ v: Any?) throws -> LocalDate {
                guard let s = v as? String, let d = LocalDate(iso: s) else {
                    throw HolidayImportError.malformed(reason: "\(field)[\(i)]: expected a date YYYY-MM-DD", line: nil)
                }
                return d
            }
            if let range = item as? [String: Any] {
                let from = try date(range["from"]), to = try date(range["to"])
                guard from <= to else {
                    throw HolidayImportError.malformed(reason: "\(field)[\(i)]: range ends before it starts", line: nil)
                }
                dates += HolidayEntry.range(from: from, to: to).dates
            } else {
                dates.append(try date(item))
            }
        }
        return dates
    }

    /// Dates → a compact holiday list: single dates, consecutive runs as ranges.
    static func collapse(_ dates: Set<LocalDate>) -> [HolidayEntry] {
        var result: [HolidayEntry] = []
        var runStart: LocalDate?, previous: LocalDate?
        func flush() {
            guard let s = runStart, let p = previous else { return }
            result.append(s == p ? .date(s) : .range(from: s, to: p))
        }
        for d in dates.sorted() {
            if let p = previous, p.adding(days: 1) == d {
                previous = d
            } else {
                flush()
                runStart = d
                previous = d
            }
        }
        flush()
        return result
    }

    /// RFC 5545 §3.1: a line starting with a space or tab continues the previous one.
    private static func unfold(_ text: String) -> [(line: Int, text: String)] {
        var result: [(line: Int, text: String)] = []
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        for (i, raw) in normalized.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let first = raw.first, first == " " || first == "\t", !result.isEmpty {
                result[result.count - 1].text += raw.dropFirst()
            } else {
                result.append((i + 1, String(raw)))
            }
        }
        return result
    }

    /// The colon that separates name/parameters from the value (parameter values may be quoted).
    private static func valueColon(_ s: String) -> String.Index? {
        var quoted = false
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == "\"" { quoted.toggle() } else if c == ":" && !quoted { return i }
            i = s.index(after: i)
        }
        return nil
    }

    private static func icsDate(_ value: String, params: [String], line: Int) throws -> ICSDate {
        let v = value.trimmingCharacters(in: .whitespaces)
        let u = Array(v.utf8)
        guard u.count >= 8, u[..<8].allSatisfy({ (48...57).contains($0) }),
              let y = Int(v.prefix(4)), let m = Int(v.dropFirst(4).prefix(2)), let d = Int(v.dropFirst(6).prefix(2)),
              let date = LocalDate(year: y, month: m, day: d) else {
            throw HolidayImportError.malformed(reason: "bad date \"\(v)\", expected YYYYMMDD", line: line)
        }
        if u.count == 8 { return ICSDate(date: date, isMidnight: true, isDateOnly: true) }
        guard u[8] == UInt8(ascii: "T"), u.count >= 15 else {
            throw HolidayImportError.malformed(reason: "bad date-time \"\(v)\"", line: line)
        }
        return ICSDate(date: date, isMidnight: v.dropFirst(9).prefix(6) == "000000", isDateOnly: false)
    }

    private static func icsDuration(_ value: String, line: Int) throws -> Int {
        let v = value.trimmingCharacters(in: .whitespaces).uppercased()
        if v.hasPrefix("P"), v.hasSuffix("D"), let n = Int(v.dropFirst().dropLast()), n > 0 { return n }
        if v.hasPrefix("P"), v.hasSuffix("W"), let n = Int(v.dropFirst().dropLast()), n > 0 { return n * 7 }
        throw HolidayImportError.malformed(reason: "unsupported DURATION \"\(value)\" (use whole days, e.g. P3D)", line: line)
    }

    private static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\n", with: " ").replacingOccurrences(of: "\\N", with: " ")
            .replacingOccurrences(of: "\\,", with: ",").replacingOccurrences(of: "\\;", with: ";")
            .replacingOccurrences(of: "\\\\", with: "\\")
    }
}

struct ICSDate {
    let date: LocalDate
    let isMidnight: Bool
    let isDateOnly: Bool
}

private struct ICSEvent {
    let line: Int
    var start: ICSDate?
    var end: ICSDate?
    var duration: Int?
    var summary = ""
    var kind: String?

    func days() throws -> [LocalDate] {
        guard let start else { throw HolidayImportError.malformed(reason: "VEVENT has no DTSTART", line: line) }
        let last: LocalDate
        if let end {
            // DTEND is exclusive: an all-day event 0101–0104 covers 01, 02, 03. A timed end
            // after midnight still touches its own date.
            last = end.isMidnight ? end.date.adding(days: -1) : end.date
        } else if let duration {
            last = start.date.adding(days: duration - 1)
        } else {
            last = start.date
        }
        guard last >= start.date else {
            throw HolidayImportError.malformed(reason: "DTEND is not after DTSTART", line: line)
        }
        guard start.date.days(to: last) < 366 else {
            throw HolidayImportError.malformed(reason: "event spans more than a year", line: line)
        }
        return HolidayEntry.range(from: start.date, to: last).dates
    }

    func isWorked() throws -> Bool {
        switch kind {
        case "worked"?: return true
        case "off"?: return false
        case let other?:
            throw HolidayImportError.malformed(reason: "X-LVYUE-KIND must be worked or off, not \"\(other)\"", line: line)
        case nil:
            let s = summary.lowercased()
            return s.contains("班") || s.contains("working day") || s.contains("make-up")
                || s.contains("make up") || s.contains("makeup")
        }
    }
}
