import Foundation
import Testing
@testable import LvyueCore

/// Issue #10: load and capacity on the cn-workday calendar, by hand. February 2026: Spring Festival 02-15…02-23,
/// make-up Saturdays 02-14 and 02-28.
///   week of 02-09: Mon–Fri + Sat 02-14 (make-up) = 6 working days
///   week of 02-16: all holiday = 0
///   week of 02-23: Mon 02-23 holiday, Tue–Fri + Sat 02-28 (make-up) = 5
///   week of 03-02: Mon–Fri = 5
@Suite struct ResourceLoadTests {
    let working: (LocalDate) throws -> Bool = { try cn.isWorkingDay($0) }

    @Test func weekStartsOnMonday() {
        #expect(ResourceLoad.weekStart(day("2026-02-14")) == day("2026-02-09"))
        #expect(ResourceLoad.weekStart(day("2026-02-15")) == day("2026-02-09"))
        #expect(ResourceLoad.weekStart(day("2026-02-16")) == day("2026-02-16"))
        #expect(ResourceLoad.weeks(from: day("2026-02-11"), count: 3) == [day("2026-02-09"), day("2026-02-16"), day("2026-02-23")])
    }

    @Test func workingDaysFollowHolidaysAndMakeUpDays() throws {
        #expect(try ResourceLoad.workingDays(from: day("2026-02-09"), to: day("2026-02-15"), isWorkingDay: working).count == 6)
        #expect(try ResourceLoad.workingDays(from: day("2026-02-16"), to: day("2026-02-22"), isWorkingDay: working).isEmpty)
        #expect(try ResourceLoad.workingDays(from: day("2026-02-23"), to: day("2026-03-01"), isWorkingDay: working).map(\.description)
                == ["2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27", "2026-02-28"])
    }

    @Test func spreadOverWorkingDays() throws {
        // 30 person-days over 02-09…02-27: 6 + 0 + 4 = 10 working days, 3 a day.
        let a = try ResourceLoad.spread(personDays: 30, from: day("2026-02-09"), to: day("2026-02-27"), isWorkingDay: working)
        #expect(a == [day("2026-02-09"): 18, day("2026-02-23"): 12])
        // 10 person-days over 02-26…03-04: 26, 27, 28 (make-up Saturday), 03-02, 03, 04 = 6 days; 5 + 5.
        let b = try ResourceLoad.spread(personDays: 10, from: day("2026-02-26"), to: day("2026-03-04"), isWorkingDay: working)
        #expect(b.count == 2)
        #expect(abs(b[day("2026-02-23")]! - 5) < 1e-9 && abs(b[day("2026-03-02")]! - 5) < 1e-9)
        // All holiday: the whole amount on the week of `from`.
        #expect(try ResourceLoad.spread(personDays: 4, from: day("2026-02-17"), to: day("2026-02-19"), isWorkingDay: working)
                == [day("2026-02-16"): 4])
    }

    @Test func capacityMinusAbsences() throws {
        // 4 people; one away Thu 02-12 … Sat 02-14 (3 working days, the Saturday is a make-up day).
        let away = [ResourceLoad.Absence(from: day("2026-02-12"), to: day("2026-02-14"))]
        let w1 = try ResourceLoad.capacity(week: day("2026-02-09"), headcount: 4, absences: away, isWorkingDay: working)
        #expect(w1.workingDays == 6 && w1.capacity == 21)
        let w2 = try ResourceLoad.capacity(week: day("2026-02-16"), headcount: 4, absences: away, isWorkingDay: working)
        #expect(w2.workingDays == 0 && w2.capacity == 0)
        let w3 = try ResourceLoad.capacity(week: day("2026-02-23"), headcount: 4, absences: [.init(from: day("2026-02-20"), to: day("2026-02-24"), people: 2)],
                                           isWorkingDay: working)
        #expect(w3.workingDays == 5 && w3.capacity == 18)  // 20 − 2 people × 1 working day (02-24)
    }

    @Test func overAllocationThreshold() {
        #expect(!ResourceLoad.isOver(planned: 21, capacity: 21))
        #expect(ResourceLoad.isOver(planned: 26, capacity: 21))
        #expect(ResourceLoad.isOver(planned: 26, capacity: 21, threshold: 20))   // 123.8 %
        #expect(!ResourceLoad.isOver(planned: 26, capacity: 21, threshold: 25))
        #expect(ResourceLoad.isOver(planned: 1, capacity: 0, threshold: 50))
        #expect(ResourceLoad.percent(planned: 26, capacity: 21).map(ResourceLoad.round2) == 123.81)
        #expect(ResourceLoad.percent(planned: 1, capacity: 0) == nil)
    }
}

@Suite struct ResourceTriggerTests {
    let m1 = UUID(), mat = UUID(), fund = UUID(), dept = UUID()

    @Test func materialLate() {
        var f = ContractFacts(today: day("2026-03-10"))
        f.materials = [.init(id: mat, milestoneId: m1, item: "伺服电机", needBy: day("2026-03-15"), expected: day("2026-03-18"), arrived: nil)]
        let o = RiskTriggers.evaluate(RiskTrigger(kind: .materialLate), facts: f)
        #expect(o.fired && o.measure == 3 && o.subjectId == m1)
        #expect(o.reason == "material 伺服电机 needed by 2026-03-15 is 3 day(s) late (expected 2026-03-18)")
        #expect(!RiskTriggers.evaluate(RiskTrigger(kind: .materialLate, days: 5), facts: f).fired)
        #expect(!RiskTriggers.evaluate(RiskTrigger(kind: .materialLate, milestoneId: UUID()), facts: f).fired)
        // Need-by passed without arrival and without an expected date.
        f.materials[0].expected = nil
        f.today = day("2026-03-17")
        #expect(RiskTriggers.evaluate(RiskTrigger(kind: .materialLate), facts: f).measure == 2)
        // Arrived: clear.
        f.materials[0].arrived = day("2026-03-17")
        #expect(!RiskTriggers.evaluate(RiskTrigger(kind: .materialLate), facts: f).fired)
    }

    @Test func departmentOverload() {
        var f = ContractFacts(today: day("2026-03-10"))
        f.departmentWeeks = [
            .init(departmentId: dept, departmentName: "生产部", week: day("2026-03-02"), planned: 40, capacity: 20),  // past week: ignored
            .init(departmentId: dept, departmentName: "生产部", week: day("2026-03-09"), planned: 24, capacity: 20),  // 120 %
        ]
        let o = RiskTriggers.evaluate(RiskTrigger(kind: .departmentOverload, percent: 20), facts: f)
        #expect(o.fired && o.measure == 120)
        #expect(!RiskTriggers.evaluate(RiskTrigger(kind: .departmentOverload, percent: 21), facts: f).fired)
        #expect(RiskTrigger(kind: .departmentOverload).problems() == ["trigger.percent": "is required for department_overload"])
    }

    @Test func fundsUnapproved() {
        var f = ContractFacts(today: day("2026-03-10"))
        f.funds = [.init(id: fund, milestoneId: m1, label: "设备款", needBy: day("2026-03-17"), approved: false)]
        #expect(!RiskTriggers.evaluate(RiskTrigger(kind: .fundsUnapproved, days: 6), facts: f).fired)
        let o = RiskTriggers.evaluate(RiskTrigger(kind: .fundsUnapproved, days: 7), facts: f)
        #expect(o.fired && o.measure == 7 && o.subjectId == m1)
        f.funds[0].approved = true
        #expect(!RiskTriggers.evaluate(RiskTrigger(kind: .fundsUnapproved, days: 7), facts: f).fired)
        #expect(RiskTrigger(kind: .fundsUnapproved).problems() == ["trigger.days": "is required for funds_unapproved"])
    }
}

@Suite struct ICalendarTests {
    @Test func escapingAndFolding() {
        #expect(ICalendar.escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf")
        let long = "SUMMARY:" + String(repeating: "节点", count: 20)  // 8 + 120 octets
        let folded = ICalendar.fold(long)
        let parts = folded.components(separatedBy: "\r\n")
        #expect(parts.count == 2)
        #expect(parts[0].utf8.count == 74)  // 8 + 22 × 3; a 23rd character would make 77
        #expect(parts[1].utf8.count == 55)  // space + 18 × 3
        #expect(parts.joined().replacingOccurrences(of: " 节", with: "节") == long)
        #expect(ICalendar.fold("SHORT:x") == "SHORT:x")
    }

    @Test func wholeCalendar() {
        let stamp = t("2026-03-10T10:00:00+08:00")
        let text = ICalendar.calendar(name: "张三", events: [
            .init(uid: "milestone-1@lvyue", start: .date(day("2026-03-15")), summary: "【已延迟】HT-1 生产, 总装", categories: ["milestone"]),
            .init(uid: "escalation-2@lvyue", start: .instant(t("2026-03-11T18:00:00+08:00"), minutes: 30), summary: "处理期限"),
        ], stamp: stamp)
        #expect(text == [
            "BEGIN:VCALENDAR", "PRODID:-//lvyue//lvyue feeds//ZH", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:张三", "X-WR-TIMEZONE:Asia/Shanghai",
            "BEGIN:VEVENT", "UID:milestone-1@lvyue", "DTSTAMP:20260310T020000Z", "DTSTART;VALUE=DATE:20260315", "DTEND;VALUE=DATE:20260316",
            "TRANSP:TRANSPARENT", "SUMMARY:【已延迟】HT-1 生产\\, 总装", "CATEGORIES:milestone", "END:VEVENT",
            "BEGIN:VEVENT", "UID:escalation-2@lvyue", "DTSTAMP:20260310T020000Z", "DTSTART:20260311T100000Z", "DTEND:20260311T103000Z",
            "SUMMARY:处理期限", "END:VEVENT", "END:VCALENDAR", "",
        ].joined(separator: "\r\n"))
    }
}
