/// An amount of money as an exact count of minor units (fen, cents). Never floating point: amounts are
/// parsed from and printed to decimal strings, summed as integers.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var minorUnits: Int64
    public static let zero = Money(minorUnits: 0)
    /// Up to 10^15 major units — beyond any contract and far from overflowing a sum of many.
    public static let maxMinorUnits: Int64 = 100_000_000_000_000_000

    public init(minorUnits: Int64) { self.minorUnits = minorUnits }

    public struct ParseError: Error, Sendable, Equatable {
        public let reason: String
    }

    /// Parses "1234", "1234.5", "1234.56", "-12.00" (negatives only when `allowNegative`).
    /// At most two decimal places; no exponent, no thousands separators.
    public init(parsing text: String, allowNegative: Bool = false) throws {
        var s = Substring(text.trimmingCharactersInSpace())
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() }
        if negative && !allowNegative { throw ParseError(reason: "must not be negative") }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty,
              whole.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ParseError(reason: "must be a decimal amount such as 1250000.00")
        }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 2, fraction.allSatisfy({ $0.isASCII && $0.isNumber }), !(parts.count == 2 && fraction.isEmpty) else {
            throw ParseError(reason: "must have at most two decimal places")
        }
        while fraction.count < 2 { fraction += "0" }
        guard whole.count <= 15, let w = Int64(whole), let f = Int64(fraction) else {
            throw ParseError(reason: "is too large")
        }
        let value = w * 100 + f
        guard value <= Money.maxMinorUnits else { throw ParseError(reason: "is too large") }
        minorUnits = negative ? -value : value
    }

    /// "1234.50"
    public var description: String {
        let sign = minorUnits < 0 ? "-" : ""
        let abs = minorUnits.magnitude
        let cents = abs % 100
        return "\(sign)\(abs / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// "1,234.50" — for people, not for machines.
    public var grouped: String {
        let plain = description
        let sign = plain.hasPrefix("-") ? "-" : ""
        let body = plain.drop(while: { $0 == "-" })
        let parts = body.split(separator: ".")
        var whole = String(parts[0])
        var groups: [String] = []
        while whole.count > 3 {
            groups.insert(String(whole.suffix(3)), at: 0)
            whole.removeLast(3)
        }
        groups.insert(whole, at: 0)
        return sign + groups.joined(separator: ",") + "." + parts[1]
    }

    public static func < (a: Money, b: Money) -> Bool { a.minorUnits < b.minorUnits }
    public static func + (a: Money, b: Money) -> Money { Money(minorUnits: a.minorUnits + b.minorUnits) }
    public static func - (a: Money, b: Money) -> Money { Money(minorUnits: a.minorUnits - b.minorUnits) }
}

extension String {
    func trimmingCharactersInSpace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
