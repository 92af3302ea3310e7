import Foundation
import PropertyBased
import Testing
@testable import LvyueCore

/// Starts are whole seconds between 2025-01-01 and 2026-11-30 (Shanghai), which keeps a
/// 5-working-day span inside cn-workday's data.
private let shanghaiStarts = Gen.int(in: 1_735_660_800...1_795_968_000)
/// Berlin starts across 2026, both DST changes included.
private let berlinStarts = Gen.int(in: 1_767_222_000...1_798_000_000)
private let spans = Gen.int(in: 0...2400)

@Suite struct CalendarProperties {
    static let calendars: [WorkCalendar] = [cn, berlinOffice, berlinAllDay, x24]

    @Test(arguments: calendars)
    func workingMinutesInvertsDeadline(cal: WorkCalendar) async {
        let starts = cal.timeZone.identifier == "Europe/Berlin" ? berlinStarts : shanghaiStarts
        await propertyCheck(count: 300, input: starts, spans) { (s, m) throws in
            let from = Date(timeIntervalSince1970: Double(s))
            let due = try cal.deadline(from: from, workingMinutes: m)
            #expect(try cal.workingMinutes(from: from, to: due) == m)
            #expect(due >= from)
        }
    }

    @Test(arguments: calendars)
    func deadlineIsMonotonicInMinutes(cal: WorkCalendar) async {
        let starts = cal.timeZone.identifier == "Europe/Berlin" ? berlinStarts : shanghaiStarts
        await propertyCheck(count: 300, input: starts, spans, Gen.int(in: 0...600)) { (s, m, extra) throws in
            let from = Date(timeIntervalSince1970: Double(s))
            let a = try cal.deadline(from: from, workingMinutes: m)
            let b = try cal.deadline(from: from, workingMinutes: m + extra)
            #expect(a <= b)
            if extra > 0 { #expect(a < b) }
        }
    }

    /// A deadline is inside a window, or exactly at a window's end.
    @Test(arguments: [cn, berlinOffice])
    func deadlineIsNeverInNonWorkingTime(cal: WorkCalendar) async {
        let starts = cal.timeZone.identifier == "Europe/Berlin" ? berlinStarts : shanghaiStarts
        await propertyCheck(count: 300, input: starts, spans) { (s, m) throws in
            let due = try cal.deadline(from: Date(timeIntervalSince1970: Double(s)), workingMinutes: m)
            let windows = try cal.windows(on: cal.localDate(of: due))
            let inside = windows.contains { $0.start <= due && due < $0.end }
            let atEnd = windows.contains { $0.end == due }
            #expect(inside || (m > 0 && atEnd))
        }
    }

    @Test func addWorkingDaysRoundTripsOnWorkingDays() async {
        let first = day("2025-01-20")
        await propertyCheck(count: 500, input: Gen.int(in: 0...680), Gen.int(in: -10...10)) { (offset, n) throws in
            let d = first.adding(days: offset)
            guard try cn.isWorkingDay(d) else { return }
            let there = try cn.addWorkingDays(d, n)
            #expect(try cn.isWorkingDay(there))
            #expect(try cn.addWorkingDays(there, -n) == d)
            #expect(n > 0 ? there > d : n < 0 ? there < d : there == d)
        }
    }

    @Test func workingTimeIsAdditive() async {
        await propertyCheck(count: 300, input: shanghaiStarts, Gen.int(in: 0...400_000), Gen.int(in: 0...400_000)) { (s, a, b) throws in
            let t0 = Date(timeIntervalSince1970: Double(s))
            let t1 = t0.addingTimeInterval(Double(a)), t2 = t1.addingTimeInterval(Double(b))
            #expect(try cn.workingSeconds(from: t0, to: t2) == cn.workingSeconds(from: t0, to: t1) + cn.workingSeconds(from: t1, to: t2))
        }
    }
}

extension WorkCalendar: CustomTestStringConvertible {
    public var testDescription: String { id }
}

@Suite struct NumberingTests {
    @Test func hexAndNumbersAsPrintfWritesThem() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_000_000_000), Gen.int(in: 1...9)) { (n, digits) throws in
            #expect(DocumentNumber.make("SR", year: 2026, n, digits: digits) == String(format: "SR-2026-%0\(digits)d", n))
            let bytes = withUnsafeBytes(of: UInt64(n).bigEndian) { Array($0) }
            #expect(Hex.lowercase(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        }
        #expect(Hex.sha256(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
