import Foundation

/// A calendar quarter, written `2026Q3` (issue #7). Its boundaries are local midnights in the company's zone:
/// a record at 2026-09-30 23:30 +08:00 belongs to 2026Q3, one at 2026-10-01 00:10 +08:00 to 2026Q4.
public struct Quarter: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    /// 1…4.
    public let quarter: Int

    public init?(year: Int, quarter: Int) {
        guard (1...4).contains(quarter), (1900...9999).contains(year) else { return nil }
        self.year = year
        self.quarter = quarter
    }

    /// The quarter a day falls in.
    public init(containing day: LocalDate) {
        year = day.year
        quarter = (day.month - 1) / 3 + 1
    }

    /// Parses `2026Q3` (a lower-case `q` is accepted); the reason when it is not a quarter.
    public static func parse(_ text: String) -> Result<Quarter, QuarterError> {
        let s = text.trimmingCharacters(in: .whitespaces)
        let parts = s.uppercased().split(separator: "Q", omittingEmptySubsequences: false)
        guard s.count == 6, parts.count == 2, parts[0].count == 4, parts[1].count == 1,
              parts[0].allSatisfy(\.isASCII), let y = Int(parts[0]), let q = Int(parts[1]) else {
            return .failure(QuarterError(reason: "must be a quarter like 2026Q3"))
        }
        guard let quarter = Quarter(year: y, quarter: q) else {
            return .failure(QuarterError(reason: (1...4).contains(q) ? "year must be between 1900 and 9999" : "quarter must be Q1, Q2, Q3 or Q4"))
        }
        return .success(quarter)
    }

    public init?(_ text: String) {
        guard case .success(let q) = Quarter.parse(text) else { return nil }
        self = q
    }

    public var description: String { "\(year)Q\(quarter)" }

    public var firstDay: LocalDate { LocalDate(year: year, month: (quarter - 1) * 3 + 1, day: 1)! }
    /// The first day of the next quarter (the exclusive end).
    public var endDay: LocalDate { adding(1).firstDay }
    public var lastDay: LocalDate { endDay.adding(days: -1) }

    public func adding(_ quarters: Int) -> Quarter {
        let index = year * 4 + (quarter - 1) + quarters
        return Quarter(uncheckedYear: index / 4, quarter: index % 4 + 1)
    }

    public var previous: Quarter { adding(-1) }

    private init(uncheckedYear: Int, quarter: Int) {
        year = uncheckedYear
        self.quarter = quarter
    }

    /// The first instant of the quarter in `zone`.
    public func start(in zone: TimeZone) -> Date { Quarter.midnight(firstDay, zone) }
    /// The first instant after the quarter in `zone` (exclusive).
    public func end(in zone: TimeZone) -> Date { Quarter.midnight(endDay, zone) }

    static func midnight(_ d: LocalDate, _ zone: TimeZone) -> Date {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        return cal.date(from: DateComponents(year: d.year, month: d.month, day: d.day)) ?? Date(timeIntervalSince1970: 0)
    }

    public static func < (a: Quarter, b: Quarter) -> Bool { (a.year, a.quarter) < (b.year, b.quarter) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let q = Quarter(s) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "must be a quarter like 2026Q3") }
        self = q
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

public struct QuarterError: Error, Sendable, Equatable {
    public let reason: String
}

/// The arithmetic of the quarterly report: rates that are null (shown "—") when nothing was counted, never NaN;
/// changes against the previous quarter; a Pareto ranking with cumulative shares.
public enum ReportMath {
    /// `numerator / denominator` as a percentage rounded to 0.1; nil when the denominator is 0.
    public static func percent(_ numerator: Int, of denominator: Int) -> Double? {
        guard denominator > 0 else { return nil }
        return round1(Double(numerator) / Double(denominator) * 100)
    }

    /// A mean rounded to `places`; nil when nothing was counted.
    public static func mean(sum: Double, count: Int, places: Int = 1) -> Double? {
        guard count > 0 else { return nil }
        return round(sum / Double(count), places: places)
    }

    /// The change from the previous quarter (percentage points for rates); nil when either side is missing.
    public static func change(_ current: Double?, _ previous: Double?) -> Double? {
        guard let current, let previous else { return nil }
        return round(current - previous, places: 2)
    }

    public static func round1(_ x: Double) -> Double { round(x, places: 1) }

    public static func round(_ x: Double, places: Int) -> Double {
        guard x.isFinite else { return 0 }
        let p = pow(10.0, Double(places))
        return (x * p).rounded() / p
    }

    public struct ParetoItem: Sendable, Hashable, Codable {
        public var key: String
        public var count: Int
        /// Percent of the total, 0.1 precision.
        public var share: Double
        /// Percent of the total covered by this item and every item ranked above it, 0.1 precision.
        public var cumulativeShare: Double
    }

    /// Ranks counts descending (ties by key), with each item's share and the running cumulative share. The
    /// cumulative share is computed from the running count, so the last item is exactly 100.
    public static func pareto(_ counts: [String: Int]) -> [ParetoItem] {
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return [] }
        var running = 0
        return counts.filter { $0.value > 0 }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { key, count in
            running += count
            return ParetoItem(key: key, count: count, share: round1(Double(count) / Double(total) * 100),
                              cumulativeShare: round1(Double(running) / Double(total) * 100))
        }
    }
}
