import Foundation
import LvyueCore

/// A version's table: checked cell by cell against its kind's columns, and read back as the typed rules the rest of
/// lvyue uses (risk checklist items, a clock policy, a work instruction).
enum TemplateContent {
    static let maxRows = 200
    /// A milestone needing more than this many person-days is a typing error (ten people for ten working years).
    static let maxPersonDays = 25_000.0
    static let surveyDimensions = ["speed", "solving", "attitude", "professionalism"]

    /// "10", "0.75" — numbers as a person would type them.
    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e12 { return String(Int(d)) }
        return String(d)
    }

    /// Trims every cell; rows whose cells are all empty are dropped (the web editor's blank rows).
    static func normalise(_ rows: [[String]]) -> [[String]] {
        rows.map { $0.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } }.filter { $0.contains { !$0.isEmpty } }
    }

    /// Every bad cell as `rows.<i>.<column>` → reason (i from 0, in the order given).
    static func problems(_ kind: TemplateKind, _ rows: [[String]], departments: Set<String>, calendars: Set<String>) -> [String: String] {
        var p: [String: String] = [:]
        if rows.isEmpty { p["rows"] = "at least one row is required" }
        if rows.count > maxRows { p["rows"] = "at most \(maxRows) rows" }
        let columns = kind.columns
        var seenKeys = Set<String>()
        var steps = 0
        for (i, row) in rows.enumerated() {
            guard row.count == columns.count else {
                p["rows.\(i)"] = "must have \(columns.count) cells (\(columns.joined(separator: ", ")))"
                continue
            }
            var cell: [String: String] = [:]
            for (j, c) in columns.enumerated() { cell[c] = row[j] }
            func fail(_ c: String, _ reason: String) { p["rows.\(i).\(c)"] = reason }
            func text(_ c: String, max: Int, required: Bool = true) {
                let v = cell[c] ?? ""
                if required && v.isEmpty { fail(c, "is required") } else if v.count > max { fail(c, "at most \(max) characters") }
            }
            func oneOf(_ c: String, _ values: [String], optional: Bool = false) {
                let v = cell[c] ?? ""
                if optional && v.isEmpty { return }
                if !values.contains(v) { fail(c, "must be one of: \(values.joined(separator: ", "))") }
            }
            func int(_ c: String, _ range: ClosedRange<Int>, optional: Bool = false) {
                let v = cell[c] ?? ""
                if optional && v.isEmpty { return }
                guard let n = Int(v), range.contains(n) else { fail(c, "must be a whole number from \(range.lowerBound) to \(range.upperBound)"); return }
            }
            func decimal(_ c: String, _ range: ClosedRange<Double>, optional: Bool = false, open: Bool = false) {
                let v = cell[c] ?? ""
                if optional && v.isEmpty { return }
                guard let d = Double(v), d.isFinite, range.contains(d), !(open && d == range.lowerBound) else {
                    fail(c, "must be a number \(open ? "above" : "from") \(number(range.lowerBound)) \(open ? "up " : "")to \(number(range.upperBound))")
                    return
                }
            }
            func unique(_ c: String) {
                let k = cell[c] ?? ""
                if !k.isEmpty && !seenKeys.insert(k).inserted { fail(c, "\"\(k)\" appears twice") }
            }
            switch kind {
            case .responsibility:
                oneOf("clause_category", ClauseCategory.allCases.map(\.rawValue))
                text("clause_text", max: 500, required: false)
                oneOf("department", departments.sorted())
                text("duty", max: 500)
                int("due_offset_days", 0...3650, optional: true)
            case .milestonePlan:
                text("name", max: 200)
                unique("name")
                decimal("weight", 0...100)
                int("offset", 0...3650)
                oneOf("offset_unit", MilestonePlanning.OffsetUnit.allCases.map(\.rawValue))
                oneOf("department", departments.sorted(), optional: true)
                // The people the milestone needs: a department's person-days, both or neither.
                oneOf("people_department", departments.sorted(), optional: true)
                decimal("person_days", 0...maxPersonDays, optional: true, open: true)
                if (cell["people_department"] ?? "").isEmpty && !(cell["person_days"] ?? "").isEmpty {
                    fail("people_department", "is required with person_days")
                } else if !(cell["people_department"] ?? "").isEmpty && (cell["person_days"] ?? "").isEmpty {
                    fail("person_days", "is required with people_department")
                }
            case .riskChecklist:
                text("description", max: 500)
                unique("description")
                oneOf("category", RiskCategory.allCases.map(\.rawValue))
                int("likelihood", 1...5)
                int("impact", 1...5)
                text("mitigation", max: 1000, required: false)
                oneOf("trigger_kind", RiskTriggerKind.allCases.map(\.rawValue))
                int("trigger_days", 0...365, optional: true)
                decimal("trigger_percent", 0...100, optional: true)
            case .workInstruction:
                oneOf("section", ["step", "tool"])
                text("text", max: 500)
                if cell["section"] == "step" {
                    steps += 1
                    oneOf("mandatory", ["yes", "no"])
                } else if cell["section"] == "tool" {
                    oneOf("tool_category", ToolCategory.allCases.map(\.rawValue))
                    int("quantity", 1...1000, optional: true)
                }
            case .satisfactionSurvey:
                oneOf("dimension", surveyDimensions)
                unique("dimension")
                text("label_zh", max: 100)
                text("label_en", max: 100)
                text("question", max: 500, required: false)
            case .slaPolicy:
                oneOf("clock", StandardClocks.all.map(\.name))
                unique("clock")
                oneOf("target_unit", ["working_minutes", "working_days", "calendar_days", "working_days_before_anchor", "calendar_days_before_anchor"])
                int("target_value", 0...1_000_000)
                oneOf("calendar", calendars.sorted(), optional: true)
                decimal("warning_ratio", 0...1, open: true)
            }
        }
        if kind == .workInstruction && !rows.isEmpty && steps == 0 && p.isEmpty { p["rows"] = "at least one step is required" }
        if kind == .milestonePlan && p.isEmpty && rows.reduce(0.0, { $0 + (Double($1[1]) ?? 0) }) <= 0 {
            p["rows"] = "the weights must add up to more than 0"
        }
        return p
    }

    // MARK: - Typed readings (valid rows only; the version was checked when saved)

    static func riskItems(_ rows: [[String]]) -> [RiskChecklist.Item] {
        rows.compactMap { r in
            guard r.count == 8, let category = RiskCategory(rawValue: r[1]), let l = Int(r[2]), let i = Int(r[3]),
                  let kind = RiskTriggerKind(rawValue: r[5]) else { return nil }
            return RiskChecklist.Item(description: r[0], category: category, likelihood: l, impact: i, mitigation: r[4],
                                      trigger: RiskTrigger(kind: kind, days: Int(r[6]), percent: Double(r[7])))
        }
    }

    /// The SLA table as a clock policy: only the rows that differ from the standard become overrides, so the built-in
    /// policy (version 1) is exactly the behaviour lvyue had before templates.
    static func clockPolicy(_ rows: [[String]]) -> ClockPolicy {
        var policy = ClockPolicy()
        for r in rows where r.count == 5 {
            guard let standard = StandardClocks.definition(named: r[0]), let value = Int(r[2]),
                  let target = try? ClockTarget(unit: r[1], value: value) else { continue }
            if target != standard.target { policy.targets[r[0]] = target }
            let calendar = r[3].isEmpty ? nil : r[3]
            if calendar != standard.calendarId, let calendar { policy.calendars[r[0]] = calendar }
            if let ratio = Double(r[4]), ratio != standard.warningRatio { policy.warningRatios[r[0]] = ratio }
        }
        return policy
    }

    static func instruction(_ rows: [[String]]) -> (items: [InstructionItem], toolkit: [ToolkitItem]) {
        var items: [InstructionItem] = [], toolkit: [ToolkitItem] = []
        for r in rows where r.count == 5 {
            if r[0] == "step" { items.append(InstructionItem(text: r[1], mandatory: r[2] == "yes")) }
            if r[0] == "tool", let c = ToolCategory(rawValue: r[3]) { toolkit.append(ToolkitItem(name: r[1], category: c, quantity: Int(r[4]))) }
        }
        return (items, toolkit)
    }
}
