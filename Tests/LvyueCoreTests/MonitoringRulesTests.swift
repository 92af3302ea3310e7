import Foundation
import Testing
@testable import LvyueCore

@Suite struct ProgressSummaryTests {
    @Test func standardsExampleInChinese() {
        let s = ProgressSummary.sentence(progress: 75, delays: [.init(milestone: "生产", days: 3, reason: "原材料供应滞后")], language: .zhCN)
        #expect(s == "整体进度75%，其中生产环节延迟3天，原因为原材料供应滞后")
    }

    @Test func englishVariant() {
        let s = ProgressSummary.sentence(progress: 75, delays: [.init(milestone: "Production", days: 3, cause: "raw_material")], language: .en)
        #expect(s == "Overall progress 75%; Production is 3 days late because raw material supply lagged")
        #expect(ProgressSummary.sentence(progress: 40.4, delays: [], language: .en) == "Overall progress 40%; all milestones on schedule")
    }

    @Test func categoryWhenNoReasonAndWorstFirst() {
        let s = ProgressSummary.sentence(progress: 62.6, delays: [
            .init(milestone: "出厂检验", days: 1, cause: "quality"),
            .init(milestone: "生产环节", days: 5, cause: "raw_material"),
            .init(milestone: "发运", days: 2),
            .init(milestone: "安装", days: 0),
        ], language: .zhCN)
        #expect(s == "整体进度63%，其中生产环节延迟5天，原因为原材料供应滞后；发运环节延迟2天；另有1个节点延迟")
        #expect(ProgressSummary.sentence(progress: 100, delays: [], language: .zhCN) == "整体进度100%，各节点按计划推进")
    }
}

@Suite struct RiskTriggerTests {
    let m1 = UUID(), m2 = UUID(), p1 = UUID()

    func facts(today: String, m1Actual: String? = nil, paid: Bool = false, quality: [ContractFacts.QualityFact] = [],
               lastUpdate: String? = "2026-03-01", service: (Int, Int)? = nil) -> ContractFacts {
        ContractFacts(
            today: day(today), plannedFinish: day("2026-04-30"),
            milestones: [
                .init(id: m1, name: "生产", planned: day("2026-03-10"), actual: m1Actual.map(day)),
                .init(id: m2, name: "验收", planned: day("2026-04-30"), actual: nil),
            ],
            payments: [.init(id: p1, name: "预付款", due: day("2026-03-05"), settled: paid)],
            latestQuality: quality, lastUpdate: lastUpdate.map(day), cadenceDays: 7,
            serviceRequests: service.map { (total: $0.0, breached: $0.1) })
    }

    @Test func milestoneLateFiresAtThresholdAndNamesTheMilestone() {
        let t = RiskTrigger(kind: .milestoneLate, days: 3)
        #expect(!RiskTriggers.evaluate(t, facts: facts(today: "2026-03-12")).fired)
        let o = RiskTriggers.evaluate(t, facts: facts(today: "2026-03-13"))
        #expect(o.fired && o.subjectId == m1 && o.measure == 3)
        // A named milestone that is on time does not fire although another is late.
        #expect(!RiskTriggers.evaluate(RiskTrigger(kind: .milestoneLate, days: 1, milestoneId: m2), facts: facts(today: "2026-03-20")).fired)
        // Finished on time: clears.
        #expect(!RiskTriggers.evaluate(t, facts: facts(today: "2026-03-20", m1Actual: "2026-03-09")).fired)
    }

    @Test func forecastPastPlan() {
        let t = RiskTrigger(kind: .forecastLate)
        #expect(!RiskTriggers.evaluate(t, facts: facts(today: "2026-03-10")).fired)
        let o = RiskTriggers.evaluate(t, facts: facts(today: "2026-03-14"))
        #expect(o.fired && o.measure == 4)
        #expect(RiskTriggers.forecastFinish(facts(today: "2026-03-14")) == day("2026-05-04"))
    }

    @Test func paymentOverdue() {
        let t = RiskTrigger(kind: .paymentOverdue, days: 10)
        #expect(!RiskTriggers.evaluate(t, facts: facts(today: "2026-03-14")).fired)
        #expect(RiskTriggers.evaluate(t, facts: facts(today: "2026-03-15")).fired)
        #expect(!RiskTriggers.evaluate(t, facts: facts(today: "2026-03-15", paid: true)).fired)
    }

    @Test func qualityFailedUntilALaterPass() {
        let t = RiskTrigger(kind: .qualityFailed)
        let failed = ContractFacts.QualityFact(milestoneId: m1, milestoneName: "生产", passed: false, at: Date(timeIntervalSince1970: 0))
        #expect(RiskTriggers.evaluate(t, facts: facts(today: "2026-03-01", quality: [failed])).fired)
        var passed = failed
        passed.passed = true
        #expect(!RiskTriggers.evaluate(t, facts: facts(today: "2026-03-01", quality: [passed])).fired)
        #expect(!RiskTriggers.evaluate(RiskTrigger(kind: .qualityFailed, milestoneId: m2), facts: facts(today: "2026-03-01", quality: [failed])).fired)
    }

    @Test func staleUpdatesUseTheCadenceByDefault() {
        let t = RiskTrigger(kind: .updateStale)
        #expect(!RiskTriggers.evaluate(t, facts: facts(today: "2026-03-07")).fired)
        #expect(RiskTriggers.evaluate(t, facts: facts(today: "2026-03-08")).fired)
        #expect(!RiskTriggers.evaluate(RiskTrigger(kind: .updateStale, days: 14), facts: facts(today: "2026-03-08")).fired)
    }

    @Test func slaRateIsQuietWithoutServiceRequests() {
        let t = RiskTrigger(kind: .slaBreachRate, percent: 10)
        #expect(!RiskTriggers.evaluate(t, facts: facts(today: "2026-03-07")).fired)
        #expect(!RiskTriggers.evaluate(t, facts: facts(today: "2026-03-07", service: (10, 1))).fired)
        #expect(RiskTriggers.evaluate(t, facts: facts(today: "2026-03-07", service: (10, 2))).fired)
    }

    @Test func manualAndValidation() {
        #expect(RiskTriggers.evaluate(RiskTrigger(kind: .manual), facts: facts(today: "2026-03-07"), manuallyTriggered: true).fired)
        #expect(!RiskTriggers.evaluate(RiskTrigger(kind: .manual), facts: facts(today: "2026-03-07")).fired)
        #expect(RiskTrigger(kind: .milestoneLate).problems()["trigger.days"] != nil)
        #expect(RiskTrigger(kind: .slaBreachRate, percent: 120).problems()["trigger.percent"] != nil)
        #expect(RiskTrigger(kind: .paymentOverdue, days: 3, milestoneId: UUID()).problems()["trigger.milestone_id"] != nil)
        #expect(RiskTrigger(kind: .forecastLate).problems().isEmpty)
        #expect(RiskTriggers.band(score: RiskTriggers.score(likelihood: 4, impact: 4)) == "critical")
    }
}
