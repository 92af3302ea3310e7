import Foundation
import Testing
@testable import LvyueCore

@Suite struct LocalDateTests {
    @Test func parsesAndPrintsISODates() {
        let d = day("2026-02-28")
        #expect((d.year, d.month, d.day) == (2026, 2, 28))
        #expect(d.description == "2026-02-28")
        #expect(d.adding(days: 1).description == "2026-03-01")
        #expect(day("2024-02-28").adding(days: 1).description == "2024-02-29")
        #expect(LocalDate(iso: "2026-02-29") == nil)
        #expect(LocalDate(iso: "2026-2-28") == nil)
        #expect(LocalDate(iso: "2026-13-01") == nil)
        #expect(LocalDate(iso: "1970-01-01")?.daysSinceEpoch == 0)
        #expect(day("1969-12-31").daysSinceEpoch == -1)
    }

    @Test func weekdays() {
        #expect(day("2026-02-14").weekday == .sat)
        #expect(day("2026-10-10").weekday == .sat)
        #expect(day("2026-03-02").weekday == .mon)
        #expect(day("1969-12-29").weekday == .mon)
    }

    @Test func roundTripsEveryDayAgainstFoundation() {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        for n in stride(from: -30_000, through: 30_000, by: 37) {
            let d = LocalDate(daysSinceEpoch: n)
            let c = cal.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(n) * 86_400))
            #expect((d.year, d.month, d.day) == (c.year!, c.month!, c.day!))
            #expect(LocalDate(iso: d.description) == d)
        }
    }

    @Test func codableAsString() throws {
        let data = try JSONEncoder().encode([day("2026-10-01")])
        #expect(String(decoding: data, as: UTF8.self) == "[\"2026-10-01\"]")
        #expect(try JSONDecoder().decode([LocalDate].self, from: data) == [day("2026-10-01")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([LocalDate].self, from: Data("[\"2026-10-32\"]".utf8)) }
    }
}

@Suite struct AuditHashTests {
    @Test func chainsSHA256OfPreviousNewlinePayload() {
        #expect(AuditHash.genesis == String(repeating: "0", count: 64))
        let first = AuditHash.hash(previous: AuditHash.genesis, payload: "a")
        #expect(first == "2e04306c2c1c72c0567b0630f213452ce913cee8d0772efd39e5699ed22aa637")
        #expect(AuditHash.hash(previous: first, payload: "履约")
                == "354404f7d1f862dc411e75aeb78df0add9cd222d1c3a9a7fe0893a4b685c8c69")
    }
}
