import Foundation

/// RFC 5545 text for the calendar feeds (issue #10). Pure: events in, `text/calendar` body out, with CRLF line
/// ends, content lines folded at 75 octets (never inside a UTF-8 sequence) and TEXT values escaped.
public enum ICalendar {
    public enum Start: Sendable, Hashable {
        /// An all-day event on a date (`DTSTART;VALUE=DATE`, DTEND the next day).
        case date(LocalDate)
        /// A moment, written in UTC (`…Z`), lasting `minutes`.
        case instant(Date, minutes: Int)
    }

    public struct Event: Sendable, Hashable {
        public var uid: String
        public var start: Start
        public var summary: String
        public var description: String?
        public var url: String?
        public var categories: [String]
        public var status: String?
        public init(uid: String, start: Start, summary: String, description: String? = nil, url: String? = nil,
                    categories: [String] = [], status: String? = nil) {
            self.uid = uid; self.start = start; self.summary = summary; self.description = description; self.url = url
            self.categories = categories; self.status = status
        }
    }

    public static let productID = "-//lvyue//lvyue feeds//ZH"

    /// The whole VCALENDAR. `stamp` is DTSTAMP of every event (the time the feed was generated).
    public static func calendar(name: String, events: [Event], stamp: Date) -> String {
        var lines = ["BEGIN:VCALENDAR", "PRODID:\(productID)", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + escape(name), "X-WR-TIMEZONE:Asia/Shanghai"]
        for e in events {
            lines.append("BEGIN:VEVENT")
            lines.append("UID:" + escape(e.uid))
            lines.append("DTSTAMP:" + utc(stamp))
            switch e.start {
            case .date(let d):
                lines.append("DTSTART;VALUE=DATE:" + basic(d))
                lines.append("DTEND;VALUE=DATE:" + basic(d.adding(days: 1)))
                lines.append("TRANSP:TRANSPARENT")
            case .instant(let t, let minutes):
                lines.append("DTSTART:" + utc(t))
                lines.append("DTEND:" + utc(t.addingTimeInterval(Double(max(0, minutes)) * 60)))
            }
            lines.append("SUMMARY:" + escape(e.summary))
            if let d = e.description { lines.append("DESCRIPTION:" + escape(d)) }
            if let u = e.url { lines.append("URL:" + u.filter { !$0.isNewline }) }
            if !e.categories.isEmpty { lines.append("CATEGORIES:" + e.categories.map(escape).joined(separator: ",")) }
            if let s = e.status { lines.append("STATUS:" + s) }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, and newlines as `\n`.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var lastWasCR = false
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r": out += "\\n"
            case "\n": if !lastWasCR { out += "\\n" }
            default:
                // Other control characters are not allowed in TEXT.
                if ch.value < 0x20 || ch.value == 0x7F { out += " " } else { out.unicodeScalars.append(ch) }
            }
            lastWasCR = ch == "\r"
        }
        return out
    }

    /// Folds a content line to at most 75 octets per physical line (continuations start with one space, which counts),
    /// splitting only between Unicode scalars.
    public static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var out = ""
        var current = 0
        var limit = 75
        for scalar in line.unicodeScalars {
            let n = String(scalar).utf8.count
            if current + n > limit {
                out += "\r\n "
                current = 1
                limit = 75
            }
            out.unicodeScalars.append(scalar)
            current += n
        }
        return out
    }

    /// `YYYYMMDD`.
    public static func basic(_ d: LocalDate) -> String { d.description.replacingOccurrences(of: "-", with: "") }

    /// `YYYYMMDDTHHMMSSZ`.
    public static func utc(_ t: Date) -> String {
        let s = Int((t.timeIntervalSince1970).rounded(.down))
        let day = LocalDate(daysSinceEpoch: Int((Double(s) / 86400).rounded(.down)))
        let sec = s - day.daysSinceEpoch * 86400
        func pad(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
        return basic(day) + "T" + pad(sec / 3600) + pad(sec / 60 % 60) + pad(sec % 60) + "Z"
    }
}
