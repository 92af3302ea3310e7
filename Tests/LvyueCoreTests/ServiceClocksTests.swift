import Foundation
import Testing
@testable import LvyueCore

/// Issue #6: which clocks a service request carries, read from its history.
@Suite("Service clocks from a request's history")
struct ServiceClocksTests {
    let t0 = t("2026-03-10T10:00:00+08:00")
    func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }
    func names(_ plans: [ServiceClocks.Plan]) -> [String] { plans.map(\.name) }
    func ev(_ kind: String, _ minutes: Double) -> ServiceClocks.HistoryEvent { .init(kind, at: at(minutes)) }

    @Test func clocksByUrgency() {
        #expect(names(ServiceClocks.clocks(urgency: "urgent", remoteSolvable: false, history: [ev("received", 0)]))
                == ["service.confirm", "urgent.respond", "urgent.onsite"])
        #expect(names(ServiceClocks.clocks(urgency: "urgent", remoteSolvable: true, history: [ev("received", 0)]))
                == ["service.confirm", "urgent.respond", "urgent.remote"])
        #expect(names(ServiceClocks.clocks(urgency: "normal", remoteSolvable: false, history: [ev("received", 0)]))
                == ["service.confirm", "normal.respond", "normal.solve"])
        #expect(names(ServiceClocks.clocks(urgency: "periodic", remoteSolvable: false, history: [ev("received", 0)])) == ["service.confirm"])
        #expect(ServiceClocks.clocks(urgency: "normal", remoteSolvable: false, history: []).isEmpty)
    }

    @Test func rejectionKeepsOnlyTheConfirmClock() {
        let plans = ServiceClocks.clocks(urgency: "urgent", remoteSolvable: false, history: [ev("received", 0), ev("reject", 20)])
        #expect(names(plans) == ["service.confirm"])
        #expect(plans[0].inputs.contains(ClockInput(.stop, at: at(20))))
    }

    @Test func remoteFallbackAddsTheOnsiteClock() {
        let plans = ServiceClocks.clocks(urgency: "urgent", remoteSolvable: true,
                                         history: [ev("received", 0), ev("confirm", 5), ev("remote_start", 20), ev("dispatch", 50)])
        #expect(names(plans) == ["service.confirm", "urgent.respond", "urgent.remote", "urgent.onsite"])
        #expect(plans[1].inputs.contains(ClockInput(.stop, at: at(20))))
    }

    @Test func pausesApplyAndReopenRestartsSolve() {
        let history = [ev("received", 0), ev("confirm", 5), ev("respond", 10), ev("pause", 60), ev("resume", 120), ev("resolve", 200),
                       ev("sign_off", 210), ev("reopen", 300)]
        let plans = ServiceClocks.clocks(urgency: "normal", remoteSolvable: false, history: history)
        let solve = plans.first { $0.name == "normal.solve" }!
        #expect(solve.inputs.first == ClockInput(.start, at: at(300)))
        #expect(!solve.inputs.contains { $0.kind == .stop })
        #expect(solve.inputs.contains(ClockInput(.pause, at: at(60))))
        // completed before the reopening: no follow-up clock for the new cycle yet
        #expect(!names(plans).contains("service.follow_up"))
        let done = ServiceClocks.clocks(urgency: "normal", remoteSolvable: false, history: history + [ev("resolve", 400), ev("close", 420)])
        let followUp = done.first { $0.name == "service.follow_up" }!
        #expect(followUp.inputs == [ClockInput(.start, at: at(420))])
    }

    @Test func resolvingWithoutAVisitStopsTheOnsiteAndRemoteClocks() {
        // not remote-solvable, yet fixed over the phone and signed off: no visit is owed any more
        let onsite = ServiceClocks.clocks(urgency: "urgent", remoteSolvable: false,
                                          history: [ev("received", 0), ev("confirm", 5), ev("respond", 10), ev("resolve", 90), ev("sign_off", 100)])
        #expect(onsite.first { $0.name == "urgent.onsite" }!.inputs.contains(ClockInput(.stop, at: at(90))))
        // remote-solvable, resolved without remote support being recorded
        let remote = ServiceClocks.clocks(urgency: "urgent", remoteSolvable: true,
                                          history: [ev("received", 0), ev("confirm", 5), ev("resolve", 25)])
        #expect(remote.first { $0.name == "urgent.remote" }!.inputs.contains(ClockInput(.stop, at: at(25))))
        // the engineer went on site directly: remote support stops at the dispatch, the visit clock runs on
        let direct = ServiceClocks.clocks(urgency: "urgent", remoteSolvable: true,
                                          history: [ev("received", 0), ev("confirm", 5), ev("dispatch", 15)])
        #expect(direct.first { $0.name == "urgent.remote" }!.inputs.contains(ClockInput(.stop, at: at(15))))
        #expect(!direct.first { $0.name == "urgent.onsite" }!.inputs.contains { $0.kind == .stop })
    }
}
