import Foundation

/// A working window inside one local day, in minutes since local midnight. `end` may be 1440
/// ("24:00"), which is the next day's midnight; windows never cross midnight themselves — a night
/// shift is written as two windows on consecutive days.
public struct WorkWindow: Hashable, Sendable, CustomStringConvertible {
    public let startMinute: Int
    public let endMinute: Int

    /// Validates 0 ≤ start < end ≤ 1440.
    public init(startMinute: Int, endMinute: Int) throws {
        guard (0...1440).contains(startMinute), (0...1440).contains(endMinute) else {
            throw CalendarError.invalid(field: "window", reason: "minutes must be within 0...1440")
        }
        guard endMinute > startMinute else {
            throw CalendarError.invalid(
                field: "window",
                reason: "end \(WorkWindow.format(endMinute)) is not after start \(WorkWindow.format(startMinute))")
        }
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    public var minutes: Int { endMinute - startMinute }

    public var description: String { "\(WorkWindow.format(startMinute))–\(WorkWindow.format(endMinute))" }

    /// "HH:MM" → minute of day; accepts "24:00" only as an end.
    static func parseTime(_ s: String, field: String, isEnd: Bool) throws -> Int {
        let u = Array(s.utf8)
        func digit(_ i: Int) -> Int? { (48...57).contains(u[i]) ? Int(u[i] - 48) : nil }
        guard u.count == 5, u[2] == UInt8(ascii: ":"),
              let h1 = digit(0), let h2 = digit(1), let m1 = digit(3), let m2 = digit(4) else {
            throw CalendarError.invalid(field: field, reason: "\"\(s)\" is not a time of the form HH:MM")
        }
        let h = h1 * 10 + h2, m = m1 * 10 + m2
        if h == 24 && m == 0 {
            guard isEnd else { throw CalendarError.invalid(field: field, reason: "24:00 can only end a window") }
            return 1440
        }
        guard h < 24, m < 60 else {
            throw CalendarError.invalid(field: field, reason: "\"\(s)\" is not a valid time of day")
        }
        return h * 60 + m
    }

    /// Parses a day's windows (`[["09:00","12:00"], …]`), sorted, rejecting overlaps.
    static func parseDay(_ raw: [[String]], field: String) throws -> [WorkWindow] {
        var result: [WorkWindow] = []
        for (i, pair) in raw.enumerated() {
            let f = "\(field)[\(i)]"
            guard pair.count == 2 else {
                throw CalendarError.invalid(field: f, reason: "a window is [\"HH:MM\", \"HH:MM\"]")
            }
            let start = try parseTime(pair[0], field: f, isEnd: false)
            let end = try parseTime(pair[1], field: f, isEnd: true)
            do {
                result.append(try WorkWindow(startMinute: start, endMinute: end))
            } catch CalendarError.invalid(_, let reason) {
                throw CalendarError.invalid(field: f, reason: reason)
            }
        }
        result.sort { $0.startMinute < $1.startMinute }
        for (a, b) in zip(result, result.dropFirst()) where b.startMinute < a.endMinute {
            throw CalendarError.invalid(field: field, reason: "windows \(a) and \(b) overlap")
        }
        return result
    }

    static func format(_ minute: Int) -> String {
        let h = minute / 60, m = minute % 60
        return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }

    var raw: [String] { [WorkWindow.format(startMinute), WorkWindow.format(endMinute)] }
}
