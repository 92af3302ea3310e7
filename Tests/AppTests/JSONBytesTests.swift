@testable import App
import Foundation
import LvyueCore
import PropertyBased
import Testing

/// `JSONBytes` writes exactly the bytes of the API's Foundation encoder. (Debug builds also compare the two on every
/// answer the other tests produce.)
@Suite("JSON written directly")
struct JSONBytesTests {
    enum Mood: String, Encodable { case calm, cross }

    struct Inner: Encodable {
        var zeta = 1
        var alphaBeta: String? = "x"
        var mood = Mood.calm
    }

    struct Outer: Encodable {
        var requestID = UUID(uuidString: "018F3A4C-0000-7000-8000-000000000001")!
        var contractId: UUID?
        var receivedAt = Date(timeIntervalSince1970: 1_790_000_000)
        var closedAt: Date?
        var aURLValue = 2
        var x2Y = 3
        var ratio = 1.5
        var whole = 2.0
        var tiny = 1e-7
        var huge = 1e20
        var negativeZero = -0.0
        var single: Float = 1.1
        var small: Int8 = -8
        var big = UInt64.max
        var flag = true
        var text = "a/b\"c\\\n\t\r\u{8}\u{c}\u{1}\u{1f}\u{7f}中文 — ✓"
        var inners = [Inner(), Inner(zeta: 2, alphaBeta: nil, mood: .cross)]
        var empty: [Inner] = []
        var nested = [[1, 2], [], [3]]
        var fields = ["someKey": "kept as written", "B": "2", "a10": "3", "a9": "4", "é": "5", "_a": "6", "中": "7"]
        var counts: [Int: Int] = [3: 1, 10: 2]
        var maybe: [Int?] = [1, nil, 3]
    }

    /// A type whose encode asks for what the direct writer leaves to Foundation.
    struct Nested: Encodable {
        enum K: String, CodingKey { case outer, inner }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            var n = c.nestedContainer(keyedBy: K.self, forKey: .outer)
            try n.encode(1, forKey: .inner)
        }
    }

    /// One object whose keys are chosen at run time.
    struct Keys: Encodable {
        var entries: [(String, Int)]
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: JSONBytes.AnyKey.self)
            for (k, v) in entries { try c.encode(v, forKey: JSONBytes.AnyKey(k)) }
        }
    }

    private func same<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let direct = String(decoding: try JSONBytes.encode(value), as: UTF8.self)
        let foundation = String(decoding: try JSONCoding.encoder.encode(value), as: UTF8.self)
        #expect(direct == foundation, sourceLocation: sourceLocation)
    }

    @Test func writesWhatFoundationWrites() throws {
        try same(Outer())
        try same(Outer(contractId: UUID(), closedAt: Date(timeIntervalSince1970: -2_208_988_800)))
        try same([Inner()])
        try same(["top": [Inner()]])
        try same(Nested())
        try same(Keys(entries: [("b", 1), ("a", 2), ("b", 3), ("requestID", 4), ("requestId", 5)]))
        try same(ErrorEnvelope(error: .init(code: "invalid", message: "bad", fields: ["contract_id": "no such contract"])))
    }

    @Test func writesDirectlyWhatItCan() {
        #expect(JSONBytes.direct(Outer()) != nil)
        #expect(JSONBytes.direct(Keys(entries: [("a", 1)])) != nil)
        #expect(JSONBytes.direct(Nested()) == nil)
        #expect(JSONBytes.direct([Data()]) == nil)
    }

    @Test func refusesWhatFoundationRefuses() {
        #expect(throws: EncodingError.self) { try JSONBytes.encode([Double.nan]) }
    }

    @Test func instantsAsFoundationWritesThem() async {
        let zones = ["Asia/Shanghai", "UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns"]
            .compactMap(TimeZone.init(identifier:))
        func foundation(_ date: Date, _ zone: TimeZone) -> String {
            JSONCoding.isoStyle(zone.secondsFromGMT(for: date) % 60 == 0 ? zone : TimeZone(identifier: "UTC")!).format(date)
        }
        for zone in zones {
            for t in [0, -0.5, 1_790_000_000.999, 1_767_225_600, -2_208_988_800, -2_500_000_000, -62_135_596_800, 253_402_300_799, 253_402_300_800] {
                let date = Date(timeIntervalSince1970: t)
                #expect(JSONCoding.formatInstant(date, in: zone) == foundation(date, zone), "\(t) \(zone.identifier)")
            }
        }
        func calendarDay(_ date: Date, _ zone: TimeZone) -> LocalDate {
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = zone
            let c = cal.dateComponents([.year, .month, .day], from: date)
            return LocalDate(year: c.year!, month: c.month!, day: c.day!)!
        }
        await propertyCheck(count: 400, input: Gen.double(in: -3e9...5e9), Gen.int(in: 0...(zones.count - 1))) { (t, z) throws in
            let date = Date(timeIntervalSince1970: t)
            #expect(JSONCoding.formatInstant(date, in: zones[z]) == foundation(date, zones[z]))
            #expect(LocalDate(date: date, in: zones[z]) == calendarDay(date, zones[z]))
        }
        #expect(LocalDate(date: Date(timeIntervalSince1970: -62_135_596_800), in: zones[0]) == calendarDay(Date(timeIntervalSince1970: -62_135_596_800), zones[0]))
    }

    @Test func generatedValuesMatch() async {
        let text = Gen.unicodeScalar(in: "\u{0}"..."\u{3000}").map { Character($0) }.string(of: 0...12)
        let names = Gen.element(of: Array("abcXYZ_09")).compactMap { $0 }.string(of: 1...6)
        await propertyCheck(count: 300, input: text, text, names, Gen.double(in: -1e30...1e30), Gen.int(in: .min ... .max)) {
            (a, b, name, d, i) throws in
            try same(Keys(entries: [(name, i), (a.isEmpty ? "k" : name + "x", 0)]))
            try same(Dictionary([(a, d), (b, Double(i))]) { x, _ in x })
            try same(["v": [a, b]])
            try same(Outer(ratio: d, text: a + b, fields: Dictionary([(a, b), (b, a)]) { x, _ in x }))
        }
    }
}
