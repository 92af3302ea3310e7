import Foundation
import LvyueCore

/// How people see dates, times, numbers, percentages and money, per language — the one place pages format values
/// (`Strings.fmt`, or `t.day(...)`, `t.time(...)`, `t.money(...)` on a page's strings). Machine formats (API JSON,
/// XLSX, CSV, iCalendar) never come through here: they stay ISO and plain decimals.
///
/// | | zh-CN | en |
/// |---|---|---|
/// | day | 2026-11-29 | 29 Nov 2026 |
/// | long day | 2026年11月29日 | 29 November 2026 |
/// | date-time | 2026-11-29 14:05 | 29 Nov 2026 14:05 |
/// | number | 1,234.5 | 1,234.5 |
/// | percent | 45% | 45% |
/// | money | ¥1,234,567.00 / -¥1,234.00 | CNY 1,234,567.00 / CNY -1,234.00 |
/// | quarter | 2026年第4季度 | Q4 2026 |
///
/// Instants are shown in the company's zone (`LVYUE_TIMEZONE`, default Asia/Shanghai); money is exact (minor units,
/// never floating point).
struct Formats: Sendable {
    let lang: Lang
    let zone: TimeZone

    init(_ lang: Lang, zone: TimeZone = JSONCoding.displayTimeZone) {
        self.lang = lang
        self.zone = zone
    }

    static let placeholder = "—"
    private static let shortMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let longMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                                     "October", "November", "December"]

    // MARK: dates

    func day(_ d: LocalDate) -> String {
        switch lang {
        case .zhCN: d.description
        case .en: "\(d.day) \(Self.shortMonths[d.month - 1]) \(d.year)"
        }
    }

    /// An ISO day as stored (`2026-11-29`); "—" for nil or empty, the text itself when it is not a day.
    func day(_ iso: String?) -> String {
        guard let iso, !iso.isEmpty else { return Self.placeholder }
        return LocalDate(iso: iso).map(day) ?? iso
    }

    func longDay(_ d: LocalDate) -> String {
        switch lang {
        case .zhCN: "\(d.year)年\(d.month)月\(d.day)日"
        case .en: "\(d.day) \(Self.longMonths[d.month - 1]) \(d.year)"
        }
    }

    /// The local day of an instant in the company's zone.
    func day(of date: Date) -> String { day(LocalDate(date: date, in: zone)) }

    func time(_ date: Date?) -> String {
        guard let date else { return Self.placeholder }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.hour, .minute], from: date)
        return day(of: date) + " " + String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    /// An instant as the API writes it (`2026-11-29T14:05:00+08:00`); the text itself when it is not one.
    func time(iso: String) -> String { JSONCoding.parseInstant(iso).map { time($0) } ?? iso }

    func quarter(_ q: Quarter) -> String {
        switch lang {
        case .zhCN: "\(q.year)年第\(q.quarter)季度"
        case .en: "Q\(q.quarter) \(q.year)"
        }
    }

    /// The quarter an instant falls in, by the local day in the company's zone.
    func quarter(of date: Date) -> String { quarter(Quarter(containing: LocalDate(date: date, in: zone))) }

    // MARK: numbers

    /// Grouped, up to `maxFraction` decimals, trailing zeros dropped: 1234.5 → "1,234.5", -2 → "-2".
    func number(_ value: Double, maxFraction: Int = 2) -> String {
        guard value.isFinite else { return Self.placeholder }
        let scale = pow(10.0, Double(maxFraction))
        let scaled = (value * scale).rounded()
        let negative = scaled < 0
        let magnitude = abs(scaled)
        guard magnitude < 9e15 else { return String(value) }
        let units = Int64(magnitude)
        let factor = Int64(scale)
        var text = Self.grouped(units / factor)
        var fraction = factor > 1 ? String(units % factor) : ""
        if factor > 1 {
            while fraction.count < maxFraction { fraction = "0" + fraction }
            while fraction.hasSuffix("0") { fraction.removeLast() }
            if !fraction.isEmpty { text += "." + fraction }
        }
        return (negative && units != 0 ? "-" : "") + text
    }

    func number(_ value: Int) -> String { (value < 0 ? "-" : "") + Self.grouped(Int64(value.magnitude)) }

    /// Rounded to a whole percent: 45.4 → "45%".
    func percent(_ value: Double) -> String {
        guard value.isFinite else { return Self.placeholder }
        return "\(Int(value.rounded()))%"
    }

    /// Exact, two decimals, grouped. CNY is "¥" in Chinese; other currencies show their code.
    func money(_ minor: Int64, _ currency: String) -> String {
        let amount = Money(minorUnits: minor).grouped  // "-1,234.50"
        let code = currency.uppercased()
        switch lang {
        case .zhCN:
            let symbol = Self.zhSymbols[code]
            let unsigned = amount.hasPrefix("-") ? String(amount.dropFirst()) : amount
            let sign = amount.hasPrefix("-") ? "-" : ""
            return symbol.map { sign + $0 + unsigned } ?? "\(code) \(amount)"
        case .en:
            return "\(code) \(amount)"
        }
    }

    func money(_ m: Money, _ currency: String) -> String { money(m.minorUnits, currency) }

    /// An amount without its currency, exact and grouped: "1234.5" → "1,234.50"; the text itself when it is not an amount.
    func amount(_ decimal: String) -> String {
        (try? Money(parsing: decimal, allowNegative: true)).map(\.grouped) ?? decimal
    }

    private static let zhSymbols = ["CNY": "¥", "RMB": "¥"]

    private static func grouped(_ n: Int64) -> String {
        var whole = String(n)
        var groups: [String] = []
        while whole.count > 3 {
            groups.insert(String(whole.suffix(3)), at: 0)
            whole.removeLast(3)
        }
        groups.insert(whole, at: 0)
        return groups.joined(separator: ",")
    }
}

extension Strings {
    var fmt: Formats { Formats(lang) }
    func day(_ iso: String?) -> String { fmt.day(iso) }
    func day(_ d: LocalDate) -> String { fmt.day(d) }
    func time(_ date: Date?) -> String { fmt.time(date) }
    func money(_ minor: Int64, _ currency: String) -> String { fmt.money(minor, currency) }
    func number(_ value: Double) -> String { fmt.number(value) }
    func percent(_ value: Double) -> String { fmt.percent(value) }
}
