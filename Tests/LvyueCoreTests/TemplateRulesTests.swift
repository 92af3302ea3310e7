import Foundation
import Testing
@testable import LvyueCore

/// Issue #7: which template version is in force on a date, the approval state machine, the yearly revision rule,
/// the version diff and milestone plan dates.
@Suite("Template library rules")
struct TemplateRulesTests {
    func v(_ n: Int, _ s: TemplateVersionState, _ on: String?, created: String = "2026-01-05") -> TemplateVersionFacts {
        TemplateVersionFacts(number: n, state: s, effectiveOn: on.map(day), createdOn: day(created))
    }

    @Test func exactlyOneVersionInForceOnEveryDate() {
        // given: v1 from the start, v2 from 2026-04-01, v3 approved for 2026-07-01, v4 a draft dated earlier
        let versions = [v(1, .retired, nil), v(2, .effective, "2026-04-01"), v(3, .approved, "2026-07-01"), v(4, .draft, "2026-05-01")]
        // then: edge dates pick the version whose date has arrived; a draft never counts
        #expect(TemplateRules.effective(on: day("1999-01-01"), among: versions)?.number == 1)
        #expect(TemplateRules.effective(on: day("2026-03-31"), among: versions)?.number == 1)
        #expect(TemplateRules.effective(on: day("2026-04-01"), among: versions)?.number == 2)
        #expect(TemplateRules.effective(on: day("2026-05-01"), among: versions)?.number == 2)
        #expect(TemplateRules.effective(on: day("2026-06-30"), among: versions)?.number == 2)
        #expect(TemplateRules.effective(on: day("2026-07-01"), among: versions)?.number == 3)
        #expect(TemplateRules.effective(on: day("2030-01-01"), among: versions)?.number == 3)
    }

    @Test func nothingInForceBeforeAFirstDatedVersion() {
        let versions = [v(1, .approved, "2026-06-01")]
        #expect(TemplateRules.effective(on: day("2026-05-31"), among: versions) == nil)
        #expect(TemplateRules.effective(on: day("2026-06-01"), among: versions)?.number == 1)
        #expect(TemplateRules.effective(on: day("2026-06-01"), among: [v(1, .draft, "2026-06-01")]) == nil)
    }

    @Test func reconcileActivatesOnTheDateAndRetiresThePredecessor() {
        let versions = [v(1, .effective, nil), v(2, .approved, "2026-04-01"), v(3, .approved, "2026-07-01"), v(4, .draft, nil)]
        #expect(TemplateRules.reconcile(versions, today: day("2026-03-31")) == [1: .effective, 2: .approved, 3: .approved])
        #expect(TemplateRules.reconcile(versions, today: day("2026-04-01")) == [1: .retired, 2: .effective, 3: .approved])
        #expect(TemplateRules.reconcile(versions, today: day("2026-07-01")) == [1: .retired, 2: .retired, 3: .effective])
    }

    @Test func approvalRefusals() {
        let versions = [v(1, .effective, nil), v(2, .approved, "2026-04-01"), v(3, .draft, nil), v(4, .draft, nil)]
        let today = day("2026-03-10")
        #expect(throws: TemplateRuleError.notDraft(number: 2, state: .approved)) {
            try TemplateRules.checkApproval(number: 2, effectiveOn: day("2026-05-01"), today: today, versions: versions)
        }
        #expect(throws: TemplateRuleError.effectiveDateRequired) {
            try TemplateRules.checkApproval(number: 3, effectiveOn: nil, today: today, versions: versions)
        }
        #expect(throws: TemplateRuleError.effectiveDateInPast(day("2026-03-09"), today: today)) {
            try TemplateRules.checkApproval(number: 3, effectiveOn: day("2026-03-09"), today: today, versions: versions)
        }
        #expect(throws: TemplateRuleError.effectiveDateTaken(day("2026-04-01"), byVersion: 2)) {
            try TemplateRules.checkApproval(number: 3, effectiveOn: day("2026-04-01"), today: today, versions: versions)
        }
        // today itself and any free later date are fine; another draft on the same date does not block
        try? TemplateRules.checkApproval(number: 3, effectiveOn: today, today: today, versions: versions)
        #expect((try? TemplateRules.checkApproval(number: 3, effectiveOn: today, today: today, versions: versions)) != nil)
        #expect(TemplateRuleError.notDraft(number: 1, state: .effective).isConflict)
        #expect(!TemplateRuleError.effectiveDateInPast(today, today: today).isConflict)
        #expect(throws: TemplateRuleError.notDraft(number: 1, state: .effective)) { try TemplateRules.checkEditable(versions[0]) }
    }

    @Test func yearlyRevisionIsDueAfterTwelveMonths() {
        let today = day("2026-03-10")
        #expect(!TemplateRules.isDueForRevision(v(1, .effective, nil, created: "2025-03-10"), today: today))
        #expect(TemplateRules.isDueForRevision(v(1, .effective, nil, created: "2025-03-09"), today: today))
        #expect(!TemplateRules.isDueForRevision(v(2, .effective, "2025-03-10", created: "2026-01-01"), today: today))
        #expect(TemplateRules.isDueForRevision(v(2, .effective, "2025-03-09", created: "2026-01-01"), today: today))
        #expect(TemplateRules.addingMonths(12, to: day("2024-02-29")) == day("2025-02-28"))
        #expect(TemplateRules.addingMonths(1, to: day("2026-01-31")) == day("2026-02-28"))
        #expect(TemplateRules.addingMonths(12, to: day("2025-12-15")) == day("2026-12-15"))
    }

    @Test func diffPairsRowsByKeyAndKeepsOrder() {
        let columns = ["name", "weight", "offset"]
        let left = [["name": "原材料采购", "weight": "20", "offset": "30"],
                    ["name": "生产50%", "weight": "30", "offset": "60"],
                    ["name": "出厂检验", "weight": "20", "offset": "90"],
                    ["name": "现场验收", "weight": "30", "offset": "120"]]
        let right = [["name": "原材料采购", "weight": "20", "offset": "25"],
                     ["name": "出厂检验", "weight": "20", "offset": "90"],
                     ["name": "安装调试", "weight": "10", "offset": "105"],
                     ["name": "现场验收", "weight": "20", "offset": "120"]]
        let rows = TemplateDiff.diff(columns: columns, keyColumns: ["name"], left: left, right: right)
        #expect(rows.map(\.change) == [.changed, .removed, .unchanged, .added, .changed])
        #expect(rows.map { ($0.right ?? $0.left)!["name"]! } == ["原材料采购", "生产50%", "出厂检验", "安装调试", "现场验收"])
        #expect(rows[0].changedColumns == ["offset"])
        #expect(rows[4].changedColumns == ["weight"])
        #expect(rows[1].right == nil && rows[3].left == nil)
        #expect(TemplateDiff.summary(rows) == TemplateDiff.Summary(added: 1, removed: 1, changed: 2, unchanged: 1))
        // duplicate keys pair in order; a trailing removal comes last
        let dup = TemplateDiff.diff(columns: ["k", "x"], keyColumns: ["k"], left: [["k": "a", "x": "1"], ["k": "a", "x": "2"], ["k": "b", "x": "3"]],
                                    right: [["k": "a", "x": "1"], ["k": "a", "x": "9"]])
        #expect(dup.map(\.change) == [.unchanged, .changed, .removed])
    }

    @Test func milestoneDatesFromOffsets() throws {
        let start = day("2026-09-24")
        #expect(try MilestonePlanning.plannedDate(start: start, offset: 10, unit: .days, calendar: cn) == day("2026-10-04"))
        // 09-25…27 and 10-01…07 are holidays; 10-10 (a Saturday) is worked
        #expect(try MilestonePlanning.plannedDate(start: start, offset: 3, unit: .workingDays, calendar: cn) == day("2026-09-30"))
        #expect(try MilestonePlanning.plannedDate(start: start, offset: 6, unit: .workingDays, calendar: cn) == day("2026-10-10"))
        #expect(try MilestonePlanning.plannedDate(start: start, offset: 0, unit: .workingDays, calendar: cn) == start)
    }
}
