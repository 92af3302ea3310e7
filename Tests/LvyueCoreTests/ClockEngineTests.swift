import Foundation
import Testing
@testable import LvyueCore

private func eval(
    _ def: ClockDefinition, on cal: WorkCalendar, _ events: [ClockInput], now: String, anchor: String? = nil
) throws -> ClockStatus {
    try ClockEngine.evaluate(definition: def, calendar: cal, events: events, now: t(now), anchor: anchor.map(t))
}

private func start(_ s: String) -> ClockInput { ClockInput(.start, at: t(s)) }
private func stop(_ s: String) -> ClockInput { ClockInput(.stop, at: t(s)) }
private func pause(_ s: String) -> ClockInput { ClockInput(.pause, at: t(s)) }
private func resume(_ s: String) -> ClockInput { ClockInput(.resume, at: t(s)) }

/// 2026-03-02 is a Monday; cn-workday hours are 09:00–12:00 and 13:00–18:00 (+08:00).
@Suite struct ClockEngineTests {
    let respond = StandardClocks.urgentRespond // 2 h, plan's calendar
    let normal = StandardClocks.normalRespond  // 4 working hours on cn-workday

    @Test func runningWithWarningAt75Percent() throws {
        let s = try eval(respond, on: x24, [start("2026-03-02T10:00:00+08:00")], now: "2026-03-02T11:00:00+08:00")
        #expect(s.state == .running)
        #expect(s.dueAt == t("2026-03-02T12:00:00+08:00"))
        #expect(s.warningAt == t("2026-03-02T11:30:00+08:00"))
        #expect(s.elapsedWorkingSeconds == 3600 && s.remainingWorkingSeconds == 3600 && s.targetWorkingSeconds == 7200)
        #expect(s.log.map(\.kind) == [.started])
        let later = try eval(respond, on: x24, [start("2026-03-02T10:00:00+08:00")], now: "2026-03-02T11:30:00+08:00")
        #expect(later.log.map(\.kind) == [.started, .warning])
        #expect(later.log.last?.at == t("2026-03-02T11:30:00+08:00") && later.log.last?.calendarId == "7x24")
    }

    @Test func metVersusBreached() throws {
        let met = try eval(respond, on: x24, [stop("2026-03-02T11:50:00+08:00"), start("2026-03-02T10:00:00+08:00")],
                           now: "2026-03-02T15:00:00+08:00")
        #expect(met.state == .met)
        #expect(met.log.map(\.kind) == [.started, .warning, .met])
        #expect(met.stoppedAt == t("2026-03-02T11:50:00+08:00"))
        #expect(met.remainingWorkingSeconds == 600)

        let onTheDot = try eval(respond, on: x24, [start("2026-03-02T10:00:00+08:00"), stop("2026-03-02T12:00:00+08:00")],
                                now: "2026-03-02T15:00:00+08:00")
        #expect(onTheDot.state == .met)

        let overdue = try eval(respond, on: x24, [start("2026-03-02T10:00:00+08:00")], now: "2026-03-02T12:30:00+08:00")
        #expect(overdue.state == .breached)
        #expect(overdue.remainingWorkingSeconds == -1800)
        #expect(overdue.log.map(\.kind) == [.started, .warning, .breached])
        #expect(overdue.log.last?.at == t("2026-03-02T12:00:00+08:00"))

        let late = try eval(respond, on: x24, [start("2026-03-02T10:00:00+08:00"), stop("2026-03-02T12:10:00+08:00")],
                            now: "2026-03-02T15:00:00+08:00")
        #expect(late.state == .breached)
        #expect(late.log.map(\.kind) == [.started, .warning, .breached, .stopped])
    }

    @Test func clockStartedOutsideWorkingTimeStartsAtTheNextWorkingMoment() throws {
        let s = try eval(normal, on: cn, [start("2026-03-06T20:00:00+08:00")], now: "2026-03-07T12:00:00+08:00")
        #expect(s.state == .running && s.elapsedWorkingSeconds == 0)
        #expect(s.dueAt == t("2026-03-09T14:00:00+08:00"))
        #expect(s.startedAt == t("2026-03-06T20:00:00+08:00"))
    }

    @Test func pauseAcrossMidnightPushesByWorkingTimeNotWallClock() throws {
        let plain = try eval(normal, on: cn, [start("2026-03-02T16:00:00+08:00")], now: "2026-03-02T16:30:00+08:00")
        #expect(plain.dueAt == t("2026-03-03T11:00:00+08:00"))
        // paused 17:00 → 10:00 next day: 2 working hours (17–18, 09–10), though 17 hours of wall clock
        let paused = try eval(normal, on: cn, [
            start("2026-03-02T16:00:00+08:00"), pause("2026-03-02T17:00:00+08:00"), resume("2026-03-03T10:00:00+08:00"),
        ], now: "2026-03-03T10:30:00+08:00")
        #expect(paused.state == .running)
        #expect(paused.dueAt == t("2026-03-03T14:00:00+08:00"))
        #expect(paused.elapsedWorkingSeconds == 90 * 60)
        #expect(paused.log.map(\.kind) == [.started, .paused, .resumed])
    }

    @Test func whilePausedTheDueTimeIsProjected() throws {
        let s = try eval(normal, on: cn, [start("2026-03-02T09:00:00+08:00"), pause("2026-03-02T10:00:00+08:00")],
                         now: "2026-03-02T15:00:00+08:00")
        #expect(s.state == .paused)
        #expect(s.elapsedWorkingSeconds == 3600)
        #expect(s.dueAt == t("2026-03-02T18:00:00+08:00")) // 3 h left, as if resumed at 15:00
    }

    @Test func severalPauseResumeCycles() throws {
        let s = try eval(normal, on: cn, [
            start("2026-03-02T09:00:00+08:00"), pause("2026-03-02T09:30:00+08:00"), resume("2026-03-02T10:00:00+08:00"),
            pause("2026-03-02T10:30:00+08:00"), resume("2026-03-02T11:00:00+08:00"),
        ], now: "2026-03-02T11:00:00+08:00")
        #expect(s.elapsedWorkingSeconds == 3600)
        #expect(s.dueAt == t("2026-03-02T15:00:00+08:00"))
        #expect(s.log.map(\.kind) == [.started, .paused, .resumed, .paused, .resumed])
    }

    @Test func itemCreatedWhilePausedInAnyInputOrder() throws {
        let s = try eval(normal, on: cn, [
            resume("2026-03-02T13:00:00+08:00"), start("2026-03-02T09:00:00+08:00"), pause("2026-03-02T08:00:00+08:00"),
        ], now: "2026-03-02T14:00:00+08:00")
        #expect(s.dueAt == t("2026-03-02T17:00:00+08:00"))
        #expect(s.log.map(\.kind) == [.started, .paused, .resumed])
        #expect(s.log.map(\.at) == [t("2026-03-02T09:00:00+08:00"), t("2026-03-02T09:00:00+08:00"), t("2026-03-02T13:00:00+08:00")])
    }

    @Test func duplicatePausesCountOnce() throws {
        let s = try eval(normal, on: cn, [
            start("2026-03-02T09:00:00+08:00"), pause("2026-03-02T10:00:00+08:00"), pause("2026-03-02T11:00:00+08:00"),
            resume("2026-03-02T13:00:00+08:00"),
        ], now: "2026-03-02T13:00:00+08:00")
        #expect(s.dueAt == t("2026-03-02T16:00:00+08:00"))
        #expect(s.log.map(\.kind) == [.started, .paused, .resumed])
    }

    @Test func aLateRecordedPauseRecomputesTheClock() throws {
        let events = [start("2026-03-02T16:00:00+08:00")]
        let before = try eval(normal, on: cn, events, now: "2026-03-03T12:00:00+08:00")
        #expect(before.state == .breached && before.dueAt == t("2026-03-03T11:00:00+08:00"))
        let after = try eval(normal, on: cn, events + [pause("2026-03-02T17:00:00+08:00"), resume("2026-03-03T10:00:00+08:00")],
                             now: "2026-03-03T12:00:00+08:00")
        #expect(after.state == .running)
        #expect(after.dueAt == t("2026-03-03T14:00:00+08:00"))
        // 75 % of 4 h = 3 h of running time is reached exactly now (16–17, 10–12)
        #expect(after.warningAt == t("2026-03-03T12:00:00+08:00"))
        #expect(after.log.map(\.kind) == [.started, .paused, .resumed, .warning])
    }

    @Test func warningLandsOnAWindowEnd() throws {
        let s = try eval(normal, on: cn, [start("2026-03-02T09:00:00+08:00")], now: "2026-03-02T09:00:00+08:00")
        #expect(s.warningAt == t("2026-03-02T12:00:00+08:00"))
        #expect(s.dueAt == t("2026-03-02T14:00:00+08:00"))
    }

    @Test func workingDayTargetIsTheSameTimeOnTheNextWorkingDay() throws {
        let solve = StandardClocks.normalSolve
        func due(_ s: String) throws -> Date? { try eval(solve, on: cn, [start(s)], now: s).dueAt }
        #expect(try due("2026-03-02T10:30:00+08:00") == t("2026-03-03T10:30:00+08:00"))
        #expect(try due("2026-02-13T15:00:00+08:00") == t("2026-02-14T15:00:00+08:00"))
        // outside hours: from the next working moment (Tue 09:00) to Wed 09:00, not Tue 18:00
        #expect(try due("2026-03-02T20:00:00+08:00") == t("2026-03-04T09:00:00+08:00"))
        #expect(try due("2026-02-13T19:00:00+08:00") == t("2026-02-24T09:00:00+08:00"))
        #expect(try due("2026-03-02T13:00:00+08:00") == t("2026-03-03T13:00:00+08:00"))
        // a pause of 2 working hours pushes it by 2 working hours
        let paused = try eval(solve, on: cn, [
            start("2026-03-02T10:30:00+08:00"), pause("2026-03-02T11:00:00+08:00"), resume("2026-03-02T14:00:00+08:00"),
        ], now: "2026-03-02T14:00:00+08:00")
        #expect(paused.dueAt == t("2026-03-03T13:30:00+08:00"))
        // stopped at 09:00 the next morning (a window start) is in time
        let met = try eval(solve, on: cn, [start("2026-03-02T20:00:00+08:00"), stop("2026-03-04T09:00:00+08:00")],
                           now: "2026-03-04T10:00:00+08:00")
        #expect(met.state == .met)
    }

    @Test func anchoredAndCalendarDayTargets() throws {
        // inspection visit Mon 2026-10-12 10:00: 3 working days before is Thu 10-08 (10-10 is a make-up Saturday)
        let inspection = try eval(StandardClocks.inspectionConfirm, on: cn, [start("2026-09-28T10:00:00+08:00")],
                                  now: "2026-09-29T10:00:00+08:00", anchor: "2026-10-12T10:00:00+08:00")
        #expect(inspection.dueAt == t("2026-10-08T10:00:00+08:00"))
        #expect(inspection.state == .running)
        #expect(throws: CalendarError.self) {
            try eval(StandardClocks.inspectionConfirm, on: cn, [start("2026-09-28T10:00:00+08:00")], now: "2026-09-29T10:00:00+08:00")
        }
        // weekly progress update across the Berlin DST change: same local time 7 days later
        let progress = try eval(StandardClocks.progressUpdate, on: berlinOffice, [start("2026-03-26T10:00:00+01:00")],
                                now: "2026-03-27T10:00:00+01:00")
        #expect(progress.dueAt == t("2026-04-02T10:00:00+02:00"))
        // a milestone planned for a date already past when the clock starts is breached at once
        let milestone = try eval(StandardClocks.milestoneDue, on: cn, [start("2026-03-05T10:00:00+08:00")],
                                 now: "2026-03-06T10:00:00+08:00", anchor: "2026-03-04T23:59:59+08:00")
        #expect(milestone.state == .breached)
        #expect(milestone.dueAt == t("2026-03-04T23:59:59+08:00"))
    }

    @Test func pendingAndMisuse() throws {
        let pending = try eval(respond, on: x24, [pause("2026-03-02T10:00:00+08:00")], now: "2026-03-02T11:00:00+08:00")
        #expect(pending.state == .pending && pending.dueAt == nil && pending.log.isEmpty)
        // events after `now` have not happened yet
        let future = try eval(respond, on: x24, [start("2026-03-02T12:00:00+08:00")], now: "2026-03-02T11:00:00+08:00")
        #expect(future.state == .pending)
        #expect(throws: CalendarError.self) {
            try eval(StandardClocks.normalRespond, on: x24, [start("2026-03-02T10:00:00+08:00")], now: "2026-03-02T11:00:00+08:00")
        }
        // a clock on a statutory calendar refuses years without data
        #expect(throws: CalendarError.dataMissing(calendar: "cn-workday", year: 2027)) {
            try eval(normal, on: cn, [start("2027-03-01T10:00:00+08:00")], now: "2027-03-01T11:00:00+08:00")
        }
    }
}

@Suite struct StandardClocksTests {
    @Test func everyClockOfTheStandardIsDefined() {
        #expect(StandardClocks.all.map(\.name) == [
            "escalation.raise", "escalation.resolve", "service.confirm", "urgent.respond", "urgent.remote",
            "urgent.onsite", "normal.respond", "normal.solve", "inspection.confirm", "service.follow_up",
            "objection.resolve", "milestone.due", "progress.update",
        ])
        #expect(StandardClocks.escalationRaise.target == .workingMinutes(1440))
        #expect(StandardClocks.urgentRemote.target == .workingMinutes(30))
        #expect(StandardClocks.normalSolve.target == .workingDays(1))
        #expect(StandardClocks.objectionResolve.target == .workingMinutes(2880))
        #expect(StandardClocks.all.allSatisfy { $0.warningRatio == 0.75 })
    }

    @Test func policyOverridesAreCodable() throws {
        let json = #"{"targets": {"escalation.resolve": {"unit": "working_minutes", "value": 4320}, "progress.update": {"unit": "calendar_days", "value": 14}}, "calendars": {"urgent.respond": "7x24"}, "warning_ratios": {"normal.solve": 0.5}}"#
        let policy = try JSONDecoder().decode(ClockPolicy.self, from: Data(json.utf8))
        #expect(StandardClocks.definition(named: "escalation.resolve", policy: policy)?.target == .workingMinutes(4320))
        #expect(StandardClocks.definition(named: "progress.update", policy: policy)?.target == .calendarDays(14))
        #expect(StandardClocks.definition(named: "urgent.respond", policy: policy)?.calendarId == "7x24")
        #expect(StandardClocks.definition(named: "normal.solve", policy: policy)?.warningRatio == 0.5)
        #expect(StandardClocks.definition(named: "nope") == nil)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ClockTarget.self, from: Data(#"{"unit": "fortnights", "value": 1}"#.utf8))
        }
        let def = StandardClocks.normalSolve
        #expect(try JSONDecoder().decode(ClockDefinition.self, from: JSONEncoder().encode(def)) == def)
    }

    @Test func statusIsCodableWithSnakeCaseKeys() throws {
        let s = try ClockEngine.evaluate(definition: StandardClocks.urgentRespond, calendar: x24,
                                         events: [ClockInput(.start, at: t("2026-03-02T10:00:00+08:00"))],
                                         now: t("2026-03-02T11:00:00+08:00"))
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let json = String(decoding: try encoder.encode(s), as: UTF8.self)
        #expect(json.contains("\"due_at\":\"2026-03-02T04:00:00Z\""))
        #expect(json.contains("\"remaining_working_seconds\":3600"))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(ClockStatus.self, from: Data(json.utf8)) == s)
    }
}
