import Foundation

/// The machine-evaluable trigger conditions of the Risk Pre-assessment Table (风险预判表), issue #4.
/// Pure: given the facts of one contract and "today", a trigger either fired (with a reason) or did not.
/// The app reads the facts from the database and keeps alerts; nothing here knows about either.
public enum RiskTriggerKind: String, Codable, CaseIterable, Sendable {
    /// A named milestone (or any milestone) is late by at least `days`.
    case milestoneLate = "milestone_late"
    /// The forecast finish of the contract lies past its planned finish.
    case forecastLate = "forecast_late"
    /// A payment node is overdue by at least `days`.
    case paymentOverdue = "payment_overdue"
    /// The latest quality result of a milestone (or of any) is a failure.
    case qualityFailed = "quality_failed"
    /// No progress update for at least `days` (default: the contract's cadence).
    case updateStale = "update_stale"
    /// The SLA breach rate of the contract's service requests is above `percent`.
    case slaBreachRate = "sla_breach_rate"
    /// Fired by a person (the risk's status set to triggered).
    case manual
    /// Issue #10: a material of the contract (or of `milestoneId`) is expected after its need-by date, or its need-by
    /// date passed without arrival, by at least `days` (default 1).
    case materialLate = "material_late"
    /// Issue #10: a department the contract's resource plan draws on is over-allocated by at least `percent` in a week
    /// that one of its milestones depends on (today's week or later).
    case departmentOverload = "department_overload"
    /// Issue #10: funds of the contract not approved `days` days (or fewer) before their need-by date.
    case fundsUnapproved = "funds_unapproved"
}

public struct RiskTrigger: Codable, Hashable, Sendable {
    public var kind: RiskTriggerKind
    /// Threshold in days for milestone_late, payment_overdue, update_stale.
    public var days: Int?
    /// milestone_late / quality_failed: one milestone; nil = any.
    public var milestoneId: UUID?
    /// sla_breach_rate: threshold in percent.
    public var percent: Double?

    public init(kind: RiskTriggerKind, days: Int? = nil, milestoneId: UUID? = nil, percent: Double? = nil) {
        self.kind = kind
        self.days = days
        self.milestoneId = milestoneId
        self.percent = percent
    }

    /// Problems with the trigger's parameters, by field (empty when valid).
    public func problems() -> [String: String] {
        var p: [String: String] = [:]
        switch kind {
        case .milestoneLate, .paymentOverdue, .fundsUnapproved:
            if let d = days { if !(0...3650).contains(d) { p["trigger.days"] = "must be between 0 and 3650" } } else { p["trigger.days"] = "is required for \(kind.rawValue)" }
        case .updateStale:
            if let d = days, !(1...3650).contains(d) { p["trigger.days"] = "must be between 1 and 3650" }
        case .slaBreachRate:
            if let x = percent { if !(0...100).contains(x) || x.isNaN { p["trigger.percent"] = "must be between 0 and 100" } } else { p["trigger.percent"] = "is required for sla_breach_rate" }
        case .materialLate:
            if let d = days, !(0...3650).contains(d) { p["trigger.days"] = "must be between 0 and 3650" }
        case .departmentOverload:
            if let x = percent { if !(0...1000).contains(x) || x.isNaN { p["trigger.percent"] = "must be between 0 and 1000" } } else { p["trigger.percent"] = "is required for department_overload" }
        case .forecastLate, .qualityFailed, .manual:
            break
        }
        if milestoneId != nil && ![.milestoneLate, .qualityFailed, .materialLate].contains(kind) {
            p["trigger.milestone_id"] = "only milestone_late, quality_failed and material_late name a milestone"
        }
        return p
    }
}

/// What the rules read about one contract.
public struct ContractFacts: Sendable {
    public struct MilestoneFact: Sendable {
        public var id: UUID
        public var name: String
        public var planned: LocalDate
        public var actual: LocalDate?
        public init(id: UUID, name: String, planned: LocalDate, actual: LocalDate?) {
            self.id = id; self.name = name; self.planned = planned; self.actual = actual
        }
    }
    public struct PaymentFact: Sendable {
        public var id: UUID
        public var name: String
        public var due: LocalDate
        public var settled: Bool
        public init(id: UUID, name: String, due: LocalDate, settled: Bool) {
            self.id = id; self.name = name; self.due = due; self.settled = settled
        }
    }
    /// The latest quality result of one milestone.
    public struct QualityFact: Sendable {
        public var milestoneId: UUID
        public var milestoneName: String
        public var passed: Bool
        public var at: Date
        public init(milestoneId: UUID, milestoneName: String, passed: Bool, at: Date) {
            self.milestoneId = milestoneId; self.milestoneName = milestoneName; self.passed = passed; self.at = at
        }
    }

    /// Issue #10: a material line of the resource plan.
    public struct MaterialFact: Sendable {
        public var id: UUID
        public var milestoneId: UUID
        public var item: String
        public var needBy: LocalDate
        public var expected: LocalDate?
        public var arrived: LocalDate?
        public init(id: UUID, milestoneId: UUID, item: String, needBy: LocalDate, expected: LocalDate?, arrived: LocalDate?) {
            self.id = id; self.milestoneId = milestoneId; self.item = item; self.needBy = needBy; self.expected = expected; self.arrived = arrived
        }
    }
    /// Issue #10: a funds line of the resource plan.
    public struct FundFact: Sendable {
        public var id: UUID
        public var milestoneId: UUID
        public var label: String
        public var needBy: LocalDate
        public var approved: Bool
        public init(id: UUID, milestoneId: UUID, label: String, needBy: LocalDate, approved: Bool) {
            self.id = id; self.milestoneId = milestoneId; self.label = label; self.needBy = needBy; self.approved = approved
        }
    }
    /// Issue #10: the load of a department in a week the contract's people plan covers.
    public struct DepartmentWeekFact: Sendable {
        public var departmentId: UUID
        public var departmentName: String
        public var week: LocalDate
        public var planned: Double
        public var capacity: Double
        public init(departmentId: UUID, departmentName: String, week: LocalDate, planned: Double, capacity: Double) {
            self.departmentId = departmentId; self.departmentName = departmentName; self.week = week; self.planned = planned; self.capacity = capacity
        }
    }

    public var today: LocalDate
    public var plannedFinish: LocalDate?
    public var milestones: [MilestoneFact]
    public var payments: [PaymentFact]
    public var latestQuality: [QualityFact]
    /// The day of the last progress update (or the contract's start when there was none).
    public var lastUpdate: LocalDate?
    public var cadenceDays: Int
    /// Service requests and how many breached an SLA; nil while the contract has no service requests.
    public var serviceRequests: (total: Int, breached: Int)?
    public var materials: [MaterialFact] = []
    public var funds: [FundFact] = []
    public var departmentWeeks: [DepartmentWeekFact] = []

    public init(today: LocalDate, plannedFinish: LocalDate? = nil, milestones: [MilestoneFact] = [], payments: [PaymentFact] = [],
                latestQuality: [QualityFact] = [], lastUpdate: LocalDate? = nil, cadenceDays: Int = 7,
                serviceRequests: (total: Int, breached: Int)? = nil) {
        self.today = today
        self.plannedFinish = plannedFinish
        self.milestones = milestones
        self.payments = payments
        self.latestQuality = latestQuality
        self.lastUpdate = lastUpdate
        self.cadenceDays = cadenceDays
        self.serviceRequests = serviceRequests
    }
}

public struct TriggerOutcome: Hashable, Sendable {
    public var fired: Bool
    /// Why it fired (or the measured state when it did not), in plain English for logs and alerts.
    public var reason: String
    /// The measured quantity (days late, days overdue, percent) when there is one.
    public var measure: Double?
    /// The entity the firing is about (milestone, payment), for links.
    public var subjectId: UUID?
    /// The reason of a firing as a locale key and parameters (`trigger.<kind>`), for people reading it in their language.
    public var message: Message? = nil

    public static func quiet(_ reason: String) -> TriggerOutcome { TriggerOutcome(fired: false, reason: reason, measure: nil, subjectId: nil) }
}

public enum RiskTriggers {
    /// Forecast finish: the planned finish pushed by the largest current slip of an open milestone
    /// (a milestone open past its date delays everything after it by at least as much), or the latest
    /// actual finish when that is later still. Nil without a planned finish or milestones.
    public static func forecastFinish(_ facts: ContractFacts) -> LocalDate? {
        let plannedLast = facts.milestones.map(\.planned).max()
        guard let planned = facts.plannedFinish ?? plannedLast else { return nil }
        let base = max(planned, plannedLast ?? planned)
        let slip = facts.milestones.filter { $0.actual == nil }.map { max(0, $0.planned.days(to: facts.today)) }.max() ?? 0
        let latestActual = facts.milestones.compactMap(\.actual).max()
        var forecast = base.adding(days: slip)
        if let latestActual, latestActual > forecast { forecast = latestActual }
        return forecast
    }

    /// - Parameter manuallyTriggered: the risk's status is "triggered" (only the manual kind reads it).
    public static func evaluate(_ trigger: RiskTrigger, facts: ContractFacts, manuallyTriggered: Bool = false) -> TriggerOutcome {
        switch trigger.kind {
        case .milestoneLate:
            let threshold = max(0, trigger.days ?? 1)
            let candidates = facts.milestones.filter { trigger.milestoneId == nil || $0.id == trigger.milestoneId }
            guard !candidates.isEmpty else { return .quiet(trigger.milestoneId == nil ? "no milestones" : "milestone not found") }
            // An open milestone is late by today − planned; a finished one by actual − planned (it stays fired:
            // the delay happened). The worst one is reported.
            let worst = candidates.map { m -> (ContractFacts.MilestoneFact, Int) in
                (m, Fulfilment.delayDays(planned: m.planned, actual: m.actual, today: facts.today))
            }.max { $0.1 < $1.1 }!
            if worst.1 >= max(1, threshold) {
                return TriggerOutcome(fired: true, reason: "milestone \(worst.0.name) late by \(worst.1) day(s) (threshold \(threshold))",
                                      measure: Double(worst.1), subjectId: worst.0.id,
                                      message: Message("trigger.milestone_late", ["milestone": worst.0.name, "days": "\(worst.1)", "threshold": "\(threshold)"]))
            }
            return .quiet("worst delay \(worst.1) day(s), threshold \(threshold)")

        case .forecastLate:
            guard let forecast = forecastFinish(facts) else { return .quiet("no planned finish") }
            let planned = facts.plannedFinish ?? facts.milestones.map(\.planned).max()!
            let days = planned.days(to: forecast)
            if days > 0 {
                return TriggerOutcome(fired: true, reason: "forecast finish \(forecast) is \(days) day(s) past the planned \(planned)",
                                      measure: Double(days), subjectId: nil,
                                      message: Message("trigger.forecast_late", ["forecast": forecast.description, "days": "\(days)", "planned": planned.description]))
            }
            return .quiet("forecast finish \(forecast) within plan \(planned)")

        case .paymentOverdue:
            let threshold = max(0, trigger.days ?? 0)
            let overdue = facts.payments.filter { !$0.settled }.map { ($0, $0.due.days(to: facts.today)) }.filter { $0.1 > 0 }
            guard let worst = overdue.max(by: { $0.1 < $1.1 }) else { return .quiet("no overdue payment") }
            if worst.1 >= max(1, threshold) {
                return TriggerOutcome(fired: true, reason: "payment \(worst.0.name) overdue by \(worst.1) day(s) (threshold \(threshold))",
                                      measure: Double(worst.1), subjectId: worst.0.id,
                                      message: Message("trigger.payment_overdue", ["payment": worst.0.name, "days": "\(worst.1)", "threshold": "\(threshold)"]))
            }
            return .quiet("worst overdue \(worst.1) day(s), threshold \(threshold)")

        case .qualityFailed:
            let failed = facts.latestQuality.filter { !$0.passed && (trigger.milestoneId == nil || $0.milestoneId == trigger.milestoneId) }
            guard let first = failed.max(by: { $0.at < $1.at }) else { return .quiet("no failed quality result outstanding") }
            return TriggerOutcome(fired: true, reason: "quality result failed on milestone \(first.milestoneName)",
                                  measure: Double(failed.count), subjectId: first.milestoneId,
                                  message: Message("trigger.quality_failed", ["milestone": first.milestoneName]))

        case .updateStale:
            let threshold = trigger.days ?? facts.cadenceDays
            guard let last = facts.lastUpdate else { return .quiet("no progress baseline") }
            let age = last.days(to: facts.today)
            if age >= threshold {
                return TriggerOutcome(fired: true, reason: "no progress update for \(age) day(s) (cadence \(threshold))",
                                      measure: Double(age), subjectId: nil,
                                      message: Message("trigger.update_stale", ["days": "\(age)", "threshold": "\(threshold)"]))
            }
            return .quiet("last update \(age) day(s) ago, threshold \(threshold)")

        case .slaBreachRate:
            // Until the service capability records requests, the rate is undefined: never fired.
            guard let sr = facts.serviceRequests, sr.total > 0 else { return .quiet("no service requests") }
            let rate = Double(sr.breached) * 100 / Double(sr.total)
            let threshold = trigger.percent ?? 0
            if rate > threshold {
                return TriggerOutcome(fired: true, reason: "SLA breach rate \(Int(rate.rounded()))% above \(threshold)%",
                                      measure: rate, subjectId: nil,
                                      message: Message("trigger.sla_breach_rate", ["rate": "\(Int(rate.rounded()))", "threshold": "\(threshold)"]))
            }
            return .quiet("SLA breach rate \(Int(rate.rounded()))%")

        case .materialLate:
            let threshold = max(1, trigger.days ?? 1)
            let candidates = facts.materials.filter { trigger.milestoneId == nil || $0.milestoneId == trigger.milestoneId }
            let slips = candidates.compactMap { m -> (ContractFacts.MaterialFact, Int)? in
                ResourceShortfalls.materialSlip(needBy: m.needBy, expected: m.expected, arrived: m.arrived, today: facts.today).map { (m, $0) }
            }
            guard let worst = slips.max(by: { $0.1 < $1.1 }) else { return .quiet("no material late") }
            if worst.1 >= threshold {
                return TriggerOutcome(fired: true, reason: "material \(worst.0.item) needed by \(worst.0.needBy) is \(worst.1) day(s) late"
                                      + (worst.0.expected.map { " (expected \($0))" } ?? " (no arrival)"),
                                      measure: Double(worst.1), subjectId: worst.0.milestoneId,
                                      message: Message(worst.0.expected == nil ? "trigger.material_late_no_arrival" : "trigger.material_late",
                                                       ["item": worst.0.item, "need_by": worst.0.needBy.description, "days": "\(worst.1)",
                                                        "expected": worst.0.expected?.description ?? ""]))
            }
            return .quiet("worst material slip \(worst.1) day(s), threshold \(threshold)")

        case .departmentOverload:
            let threshold = trigger.percent ?? 0
            let over = facts.departmentWeeks.filter { ResourceLoad.weekStart(facts.today) <= $0.week }
                .filter { ResourceLoad.isOver(planned: $0.planned, capacity: $0.capacity, threshold: threshold) }
            guard let worst = over.max(by: { ($0.planned - $0.capacity) < ($1.planned - $1.capacity) }) else {
                return .quiet("no department week over \(threshold)%")
            }
            let pct = ResourceLoad.percent(planned: worst.planned, capacity: worst.capacity)
            return TriggerOutcome(fired: true, reason: "department \(worst.departmentName) week of \(worst.week) planned \(ResourceLoad.round2(worst.planned)) "
                                  + "person-day(s) against capacity \(ResourceLoad.round2(worst.capacity)) (threshold \(threshold)%)",
                                  measure: pct.map(ResourceLoad.round2), subjectId: nil,
                                  message: Message("trigger.department_overload", ["department": worst.departmentName, "week": worst.week.description,
                                                   "planned": "\(ResourceLoad.round2(worst.planned))", "capacity": "\(ResourceLoad.round2(worst.capacity))",
                                                   "threshold": "\(threshold)"]))

        case .fundsUnapproved:
            let threshold = max(0, trigger.days ?? 0)
            let pending = facts.funds.filter { !$0.approved }.map { ($0, facts.today.days(to: $0.needBy)) }.filter { $0.1 <= threshold }
            guard let first = pending.min(by: { $0.1 < $1.1 }) else { return .quiet("no unapproved funds within \(threshold) day(s)") }
            return TriggerOutcome(fired: true, reason: "funds \(first.0.label) needed by \(first.0.needBy) not approved (\(first.1) day(s) left, threshold \(threshold))",
                                  measure: Double(first.1), subjectId: first.0.milestoneId,
                                  message: Message("trigger.funds_unapproved", ["funds": first.0.label, "need_by": first.0.needBy.description,
                                                   "days": "\(first.1)", "threshold": "\(threshold)"]))

        case .manual:
            return manuallyTriggered ? TriggerOutcome(fired: true, reason: "triggered manually", measure: nil, subjectId: nil, message: Message("trigger.manual"))
                : .quiet("manual trigger not set")
        }
    }

    /// Risk score of the 5×5 matrix and its band: 1–4 low, 5–9 medium, 10–14 high, 15–25 critical.
    public static func score(likelihood: Int, impact: Int) -> Int { likelihood * impact }

    public static func band(score: Int) -> String {
        switch score {
        case ..<5: "low"
        case 5..<10: "medium"
        case 10..<15: "high"
        default: "critical"
        }
    }
}
