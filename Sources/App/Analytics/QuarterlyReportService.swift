import Fluent
import Foundation
import LvyueCore
import SQLKit

/// Builds the quarterly report (issue #7) from `ReportQueries`, or returns the frozen snapshot of the quarter.
enum QuarterlyReportService {
    /// The request clocks whose compliance is reported one by one (service.follow_up has its own figure).
    static let requestClocks = ["service.confirm", "urgent.respond", "urgent.remote", "urgent.onsite", "normal.respond", "normal.solve"]

    /// The report a reader gets: the snapshot when the quarter (with these filters) was frozen, else computed now.
    static func report(_ quarter: Quarter, filters: QuarterlyReport.Filters, on db: any Database, now: Date) async throws -> QuarterlyReport {
        if let snap = try await ReportSnapshots.find(quarter, filters, on: db) { return try ReportSnapshots.decode(snap) }
        return try await compute(quarter, filters: filters, on: db, now: now)
    }

    static func compute(_ quarter: Quarter, filters: QuarterlyReport.Filters, on db: any Database, now: Date,
                        zone: TimeZone = JSONCoding.displayTimeZone) async throws -> QuarterlyReport {
        let today = LocalDate(date: now, in: zone)
        let quarters = (0..<ReportQueries.buckets).map { quarter.adding($0 - ReportQueries.buckets + 1) }
        let q = ReportQueries(db: db.sql, quarters: quarters, zone: zone, now: now, today: today, filters: filters)
        let cur = ReportQueries.buckets - 1, prev = cur - 1
        let strings = Localization.shared
        let zh = strings.strings(.zhCN), en = strings.strings(.en)

        var figures: [QuarterlyReport.Figure] = []
        func add(_ key: String, _ section: String, _ unit: String, _ value: (Int) -> Double?, ratio: ((Int) -> (Int, Int))? = nil) {
            let v = value(cur), p = value(prev)
            let r = ratio?(cur)
            let labelKey = key.hasPrefix("service.clock.") ? "svc_clock." + key.dropFirst("service.clock.".count) : "rpt_fig." + key
            let defKey = key.hasPrefix("service.clock.") ? "rpt_def.service.clock" : "rpt_def." + key
            figures.append(.init(key: key, section: section, unit: unit, value: v, previous: p, change: ReportMath.change(v, p),
                                 numerator: r?.0, denominator: r?.1, labelZh: zh[labelKey], labelEn: en[labelKey],
                                 definitionZh: zh[defKey], definitionEn: en[defKey]))
        }
        func rate(_ key: String, _ section: String, _ f: @escaping (Int) -> (Int, Int)) {
            add(key, section, "percent", { b in let (n, d) = f(b); return ReportMath.percent(n, of: d) }, ratio: f)
        }

        // Milestones
        let m = try await q.milestones()
        add("milestones.due", "milestones", "count") { Double(m[$0].due) }
        rate("milestones.on_time_rate", "milestones") { (m[$0].onTime, m[$0].due) }
        rate("milestones.delay_rate", "milestones") { (m[$0].late, m[$0].due) }
        add("milestones.avg_delay_days", "milestones", "days") { ReportMath.mean(sum: Double(m[$0].delaySum), count: m[$0].late) }
        add("milestones.max_delay_days", "milestones", "days") { m[$0].delayMax.map(Double.init) }
        let causes = try await q.delayCauses()
        let delayCauses = ReportMath.pareto(causes[cur]).map {
            QuarterlyReport.ParetoRow(key: $0.key, labelZh: zh["delay_cause." + $0.key], labelEn: en["delay_cause." + $0.key], count: $0.count,
                                      share: $0.share, cumulativeShare: $0.cumulativeShare, previousCount: causes[prev][$0.key] ?? 0)
        }

        // Escalations
        let e = try await q.escalations()
        add("escalations.count", "escalations", "count") { Double(e[$0].count) }
        rate("escalations.raised_on_time_rate", "escalations") { (e[$0].raisedOnTime, e[$0].count) }
        rate("escalations.resolution_rate", "escalations") { (e[$0].resolved, e[$0].count) }
        rate("escalations.resolved_on_time_rate", "escalations") { (e[$0].resolvedOnTime, e[$0].count) }
        add("escalations.avg_resolve_hours", "escalations", "hours") { ReportMath.mean(sum: e[$0].resolveSeconds / 3600, count: e[$0].resolved) }
        add("escalations.overdue", "escalations", "count") { Double(e[$0].overdue) }

        // Payments
        let p = try await q.payments()
        add("payments.overdue_count", "payments", "count") { Double(p[$0].overdue) }
        add("payments.overdue_amount", "payments", "amount") { Double(p[$0].overdueMinor) / 100 }

        // Service
        let groups = try await q.requests()
        func sum(_ b: Int, _ f: (ReportQueries.RequestGroup) -> Int) -> Int { groups.filter { $0.bucket == b }.map(f).reduce(0, +) }
        add("service.requests", "service", "count") { b in Double(sum(b) { $0.count }) }
        rate("service.first_time_fix_rate", "service") { b in (sum(b) { $0.firstTime }, sum(b) { $0.resolved }) }
        rate("service.reopen_rate", "service") { b in (sum(b) { $0.reopened }, sum(b) { $0.resolved }) }
        let clocks = try await q.clocks()
        func clockTotals(_ b: Int, _ names: [String]) -> (Int, Int) {
            let rows = names.compactMap { clocks[b][$0] }
            let met = rows.map(\.met).reduce(0, +)
            return (met, met + rows.map(\.breached).reduce(0, +))
        }
        rate("service.clock_compliance", "service") { clockTotals($0, requestClocks) }
        for name in requestClocks { rate("service.clock." + name, "service") { clockTotals($0, [name]) } }
        rate("service.follow_up_compliance", "service") { clockTotals($0, ["service.follow_up"]) }
        let o = try await q.objections()
        rate("service.objection_compliance", "service") { (o[$0].met, o[$0].met + o[$0].breached) }
        var breakdown: [QuarterlyReport.Breakdown] = []
        for (dimension, prefix, all, keyPath) in [("type", "svc_type", RequestType.allCases.map(\.rawValue), \ReportQueries.RequestGroup.type),
                                                  ("urgency", "svc_urgency", Urgency.allCases.map(\.rawValue), \.urgency),
                                                  ("channel", "svc_channel", ServiceChannel.allCases.map(\.rawValue), \.channel)] {
            for key in all {
                let now = groups.filter { $0.bucket == cur && $0[keyPath: keyPath] == key }.map(\.count).reduce(0, +)
                let before = groups.filter { $0.bucket == prev && $0[keyPath: keyPath] == key }.map(\.count).reduce(0, +)
                breakdown.append(.init(dimension: dimension, key: key, labelZh: zh["\(prefix).\(key)"], labelEn: en["\(prefix).\(key)"],
                                       count: now, previous: before, change: now - before))
            }
        }

        // Satisfaction
        let ratings = try await q.ratings()
        add("satisfaction.ratings", "satisfaction", "count") { Double(ratings[$0].count) }
        for d in ReportQueries.dimensions {
            add("satisfaction.\(d)", "satisfaction", "score") { ReportMath.mean(sum: Double(ratings[$0].sums[d] ?? 0), count: ratings[$0].count, places: 2) }
        }
        add("satisfaction.overall", "satisfaction", "score") { b in
            ReportMath.mean(sum: Double(ReportQueries.dimensions.map { ratings[b].sums[$0] ?? 0 }.reduce(0, +)), count: ratings[b].count * 4, places: 2)
        }
        for d in ReportQueries.dimensions {
            rate("satisfaction.\(d)_satisfied_rate", "satisfaction") { b in
                let dist = ratings[b].distribution[d] ?? [0, 0, 0, 0, 0]
                return (dist[3] + dist[4], ratings[b].count)
            }
        }
        let distribution = ReportQueries.dimensions.map {
            QuarterlyReport.Distribution(dimension: $0, counts: ratings[cur].distribution[$0] ?? [0, 0, 0, 0, 0])
        }

        // Recurring problems: this quarter's repeats, with the same key's count last quarter.
        var recurring: [QuarterlyReport.Recurring] = []
        for (kind, prefix) in [("request_type", "svc_type"), ("delay_cause", "delay_cause")] {
            let rows = try await q.recurring(kind: kind, bucket: cur)
            guard !rows.isEmpty else { continue }
            let ids = Array(Set(rows.map(\.contractID)))
            let before = try await q.recurring(kind: kind, bucket: prev, only: ids, minimum: 1)
            let contracts = try await Contract.query(on: db).filter(\.$id ~~ ids).all()
            for r in rows {
                guard let c = contracts.first(where: { $0.id == r.contractID }) else { continue }
                recurring.append(.init(kind: kind, key: r.key, labelZh: zh["\(prefix).\(r.key)"], labelEn: en["\(prefix).\(r.key)"],
                                       contractId: r.contractID, contractNumber: c.number, contractTitle: c.title, count: r.count,
                                       previous: before.first { $0.contractID == r.contractID && $0.key == r.key }?.count ?? 0))
            }
        }

        // Trend over the last four quarters.
        let trend = quarters.enumerated().map { b, quarter in
            QuarterlyReport.TrendPoint(
                quarter: quarter.description, milestoneOnTimeRate: ReportMath.percent(m[b].onTime, of: m[b].due),
                escalationResolutionRate: ReportMath.percent(e[b].resolved, of: e[b].count),
                clockCompliance: { let (n, d) = clockTotals(b, requestClocks); return ReportMath.percent(n, of: d) }(),
                satisfactionOverall: ReportMath.mean(sum: Double(ReportQueries.dimensions.map { ratings[b].sums[$0] ?? 0 }.reduce(0, +)),
                                                     count: ratings[b].count * 4, places: 2),
                serviceRequests: sum(b) { $0.count })
        }

        let actions = try await ImprovementActionService.reportRows(quarter: quarter, filters: filters, figures: figures, today: today, on: db)
        var notes: [QuarterlyReport.Note] = []
        for key in ["delay_causes", "request_breakdown", "satisfaction_distribution", "recurring_problems", "trend", "actions", "scope"] {
            notes.append(.init(key: key, zh: zh["rpt_note." + key], en: en["rpt_note." + key]))
        }
        return QuarterlyReport(
            quarter: quarter.description, previousQuarter: quarter.previous.description, periodStart: quarter.firstDay.description,
            periodEnd: quarter.lastDay.description, timezone: zone.identifier, asOf: today.description, generatedAt: now, filters: filters,
            frozen: false, snapshot: nil, figures: figures, delayCauses: delayCauses, requestBreakdown: breakdown,
            satisfactionDistribution: distribution, recurringProblems: recurring, trend: trend, actions: actions, notes: notes)
    }
}
