import Foundation
import LvyueCore

// Leaf contexts of the monitoring pages (issue #4): one struct per page, built from the same queries as the API.

struct DashboardPage: Encodable, Sendable {
    /// `url`: the list filtered to exactly what the counter counts (issue #8, `DashboardLinks`).
    struct Counter: Encodable, Sendable { var label: String; var value: String; var alarm: Bool; var url: String? = nil }
    struct ContractRow: Encodable, Sendable {
        var number: String; var title: String; var url: String; var monitorURL: String
        var progressClass: String; var progressText: String; var summary: String; var late: Bool; var stale: Bool; var lastUpdate: String
    }
    struct LateRow: Encodable, Sendable {
        var contract: String; var url: String; var name: String; var planned: String; var days: String; var cause: String

        /// As a row of the whole list: the plan, the delay and its cause in one cell.
        func simple(_ t: Strings) -> SimpleRow {
            SimpleRow(contract: contract, url: url, name: name, detail: "\(t["mon_planned"]) \(planned) · \(days) · \(t["mon_cause"]) \(cause)")
        }
    }
    struct SimpleRow: Encodable, Sendable { var contract: String; var url: String; var name: String; var detail: String }
    struct Bucket: Encodable, Sendable { var label: String; var count: Int }
    struct SeeAll: Encodable, Sendable { var url: String; var label: String }

    var counters: [Counter]
    var contracts: [ContractRow]
    var late: [LateRow]
    var upcoming: [SimpleRow]
    var payments: [SimpleRow]
    var risks: [SimpleRow]
    var alerts: [AlertRow]
    var escalations: [EscalationRow]
    var buckets: [Bucket]
    var alertsURL: String
    var escalationsURL: String
    var resources: [ResourceStatusRow] = []  // issue #10: 资源配置状态
    var lateAll: SeeAll?
    var upcomingAll: SeeAll?
    var paymentsAll: SeeAll?
    var risksAll: SeeAll?

    static func lateRow(_ m: DashboardResponse.LateMilestone, _ t: Strings) -> LateRow {
        LateRow(contract: m.contractNumber, url: MonitorPaths.contractMonitor.path(m.contractId), name: m.name, planned: m.plannedOn,
                days: t.format("mon_days_late", ["n": "\(m.delayDays)"]),
                cause: m.delayReason ?? m.delayCause.map { t["delay_cause.\($0)"] } ?? "—")
    }

    static func upcomingRow(_ m: DashboardResponse.UpcomingMilestone, _ t: Strings) -> SimpleRow {
        SimpleRow(contract: m.contractNumber, url: SitePath.contract.path(m.contractId), name: m.name,
                  detail: t.day(m.plannedOn) + " · " + t.format("mon_days_left", ["n": "\(m.daysLeft)"]))
    }

    static func paymentRow(_ p: DashboardResponse.OverduePayment, _ t: Strings) -> SimpleRow {
        SimpleRow(contract: p.contractNumber, url: SitePath.contract.path(p.contractId), name: p.name,
                  detail: t.fmt.amount(p.outstanding) + " · " + t.format("mon_days_overdue", ["n": "\(p.overdueDays)"]))
    }

    static func riskRow(_ r: DashboardResponse.FiredRisk, _ t: Strings) -> SimpleRow {
        SimpleRow(contract: r.contractNumber, url: MonitorPaths.contractMonitor.path(r.contractId), name: r.description,
                  detail: "\(t["mon_score"]) \(r.score)" + (r.reason.map { " · " + t.text(key: r.messageKey, params: r.messageParams, stored: $0) } ?? ""))
    }

    init(_ d: DashboardResponse, _ t: Strings, filter: DashboardFilter) {
        let c = d.counts
        func rate(_ v: Double?) -> String { v.map { "\(Int($0.rounded()))%" } ?? "—" }
        counters = [
            Counter(label: t["mon_c_contracts"], value: "\(c.contractsMonitored)", alarm: false, url: DashboardLinks.monitoredContracts),
            Counter(label: t["mon_c_delayed"], value: "\(c.milestonesDelayed)", alarm: c.milestonesDelayed > 0, url: DashboardLinks.lateMilestones),
            Counter(label: t["mon_c_on_time_rate"], value: rate(c.onTimeRate), alarm: false),
            Counter(label: t["mon_c_delay_rate"], value: rate(c.delayRate), alarm: (c.delayRate ?? 0) > 0),
            Counter(label: t["mon_c_payments_overdue"], value: "\(c.paymentsOverdue)", alarm: c.paymentsOverdue > 0, url: DashboardLinks.overduePayments),
            Counter(label: t["mon_c_risks_fired"], value: "\(c.risksFired)", alarm: c.risksFired > 0, url: DashboardLinks.firedRisks),
            Counter(label: t["mon_c_alerts_open"], value: "\(c.alertsOpen)", alarm: c.alertsBreach > 0, url: DashboardLinks.openAlerts),
            Counter(label: t["list_c_alerts_red"], value: "\(c.alertsBreach)", alarm: c.alertsBreach > 0, url: DashboardLinks.redAlerts),
            Counter(label: t["mon_c_escalations_open"], value: "\(c.escalationsOpen)", alarm: false, url: DashboardLinks.openEscalations),
            Counter(label: t["mon_c_stale"], value: "\(c.staleContracts)", alarm: c.staleContracts > 0, url: DashboardLinks.progressSection),
        ]
        let zh = t.lang == .zhCN
        contracts = d.contracts.map {
            ContractRow(number: $0.number, title: $0.title, url: SitePath.contract.path($0.id), monitorURL: MonitorPaths.contractMonitor.path($0.id),
                        progressClass: Display.widthClass($0.progress), progressText: t.percent($0.progress),
                        summary: zh ? $0.summaryZh : $0.summaryEn, late: $0.lateMilestones > 0, stale: $0.updateStale,
                        lastUpdate: $0.lastUpdateOn ?? "—")
        }
        late = d.lateMilestones.map { Self.lateRow($0, t) }
        upcoming = d.upcomingMilestones.map { Self.upcomingRow($0, t) }
        payments = d.overduePayments.map { Self.paymentRow($0, t) }
        risks = d.firedRisks.map { Self.riskRow($0, t) }
        // Each list that holds fewer rows than its count leads to the whole list, under the same filters.
        func more(_ list: DashboardList, _ shown: Int, _ total: Int) -> SeeAll? {
            guard total > shown else { return nil }
            return SeeAll(url: filter.link(MonitorPaths.dashboardList(list).path), label: t.format("mon_see_all", ["n": "\(total)"]))
        }
        lateAll = more(.lateMilestones, late.count, c.milestonesDelayed)
        upcomingAll = more(.upcomingMilestones, upcoming.count, c.milestonesUpcoming)
        paymentsAll = more(.overduePayments, payments.count, c.paymentsOverdue)
        risksAll = more(.firedRisks, risks.count, c.risksFired)
        alerts = d.openAlerts.map { AlertRow(response: $0, t) }
        escalations = d.openEscalations.map {
            EscalationRow(number: $0.number, url: MonitorPaths.escalation.path($0.id), contract: $0.contractNumber, level: $0.level,
                          levelText: t.format("esc_level_n", ["n": "\($0.level)"]),
                          status: t["mon_escalation_status.\($0.status)"], statusClass: $0.status, raisedAt: t.time($0.raisedAt),
                          onTime: true, raiseText: "", resolveBy: t.time($0.resolveBy), overdue: $0.overdue,
                          age: t.format("mon_age_hours", ["n": "\($0.ageHours)"]))
        }
        buckets = [Bucket(label: t["mon_age_under1d"], count: d.escalationsByAge.under1d),
                   Bucket(label: t["mon_age_1to3d"], count: d.escalationsByAge.from1to3d),
                   Bucket(label: t["mon_age_3to7d"], count: d.escalationsByAge.from3to7d),
                   Bucket(label: t["mon_age_over7d"], count: d.escalationsByAge.over7d)]
        alertsURL = MonitorPaths.alerts.path
        escalationsURL = MonitorPaths.escalations.path
    }
}

/// One of the dashboard's lists in full (`/dashboard/late-milestones`…).
struct DashboardListPage: Encodable, Sendable {
    struct Labels: Encodable, Sendable { var contract: String; var name: String; var detail: String }
    var title: String
    var labels: Labels
    var dashboardURL: String
    /// Rows are overdue (late milestones, overdue payments) and shown as such.
    var late: Bool
    var list: ListView
    var rows: [DashboardPage.SimpleRow]

    static func titleKey(_ list: DashboardList) -> String {
        switch list {
        case .lateMilestones: "mon_late_milestones"
        case .upcomingMilestones: "mon_upcoming"
        case .overduePayments: "mon_overdue_payments"
        case .firedRisks: "mon_fired_risks"
        }
    }

    static func labels(_ list: DashboardList, _ t: Strings) -> Labels {
        let name = switch list {
        case .lateMilestones, .upcomingMilestones: "mon_milestone"
        case .overduePayments: "mon_payment"
        case .firedRisks: "mon_risk"
        }
        return Labels(contract: t["mon_contract"], name: t[name], detail: t["mon_detail"])
    }
}

struct AlertRow: Encodable, Sendable {
    var title: String
    var reason: String
    var level: String
    var levelClass: String
    var status: String
    var firedAt: String
    var url: String
    var ackURL: String
    var escalateURL: String
    var canAck: Bool
    var canEscalate: Bool

    init(_ a: Alert, _ t: Strings, canAck: Bool, canEscalate: Bool) {
        self.init(response: a.response(ResponseContext(now: a.firedAt)), t)
        self.canAck = canAck && a.status == .open
        self.canEscalate = canEscalate && a.contractID != nil && a.status != .resolved && a.source != .escalation
    }

    init(response a: AlertResponse, _ t: Strings) {
        let message = a.messageKey.map { Message($0, a.messageParams ?? [:]) }
        title = t.text(message, "title", stored: a.title)
        reason = t.text(message, "reason", stored: a.reason)
        level = t["mon_alert_level.\(a.level.rawValue)"]
        levelClass = a.level.rawValue
        status = t["mon_alert_status.\(a.status.rawValue)"]
        firedAt = t.time(a.firedAt)
        url = a.contractId.map { MonitorPaths.contractMonitor.path($0) } ?? MonitorPaths.alerts.path
        ackURL = MonitorPaths.alertAck.path(a.id)
        escalateURL = MonitorPaths.alertEscalate.path(a.id)
        canAck = false
        canEscalate = false
    }
}

struct AlertsPage: Encodable, Sendable {
    var list: ListView
    var rows: [AlertRow]
}

struct EscalationRow: Encodable, Sendable {
    var number: String
    var url: String
    var contract: String
    var level: Int
    var levelText: String
    var status: String
    var statusClass: String
    var raisedAt: String
    var onTime: Bool
    var raiseText: String
    var resolveBy: String
    var overdue: Bool
    var age: String

    init(number: String, url: String, contract: String, level: Int, levelText: String, status: String, statusClass: String, raisedAt: String, onTime: Bool,
         raiseText: String, resolveBy: String, overdue: Bool, age: String) {
        self.number = number; self.url = url; self.contract = contract; self.level = level; self.status = status
        self.levelText = levelText
        self.statusClass = statusClass; self.raisedAt = raisedAt; self.onTime = onTime; self.raiseText = raiseText
        self.resolveBy = resolveBy; self.overdue = overdue; self.age = age
    }

    init(_ e: EscalationResponse, contractNumber: String, _ t: Strings) {
        self.init(number: e.number, url: MonitorPaths.escalation.path(e.id), contract: contractNumber, level: e.level,
                  levelText: t.format("esc_level_n", ["n": "\(e.level)"]),
                  status: t["mon_escalation_status.\(e.status.rawValue)"], statusClass: e.status.rawValue, raisedAt: t.time(e.raisedAt),
                  onTime: e.raisedOnTime, raiseText: e.raisedOnTime ? t["mon_raised_on_time"] : t["mon_raised_late"],
                  resolveBy: t.time(e.resolveBy), overdue: e.resolveState == "breached",
                  age: t.format("mon_age_hours", ["n": "\(e.ageHours)"]))
    }
}

struct EscalationsPage: Encodable, Sendable {
    var list: ListView
    var rows: [EscalationRow]
}

struct MeetingRow: Encodable, Sendable { var heldAt: String; var attendees: String; var decisions: String; var resolveBy: String; var recordedBy: String }
struct EventRow: Encodable, Sendable {
    var at: String; var kind: String; var from: String; var to: String; var note: String; var actor: String

    /// A history value as a person reads it (issue #8): statuses and the 24-hour verdict in words, deadlines in local time,
    /// levels as L1…; the stored values stay machine-readable.
    static func shown(_ kind: String, _ raw: String?, _ t: Strings) -> String {
        guard let raw, !raw.isEmpty else { return "" }
        switch kind {
        case "status": return t.table["mon_escalation_status.\(raw)"] ?? raw
        case "raised": return raw == "on_time" ? t["mon_raised_on_time"] : raw == "late" ? t["mon_raised_late"] : raw
        case "meeting": return JSONCoding.parseInstant(raw).map { t.time($0) } ?? raw
        case "level", "overdue": return Int(raw).map { "L\($0)" } ?? raw
        default: return raw
        }
    }
}

struct EscalationPage: Encodable, Sendable {
    var row: EscalationRow
    var contractURL: String
    var description: String
    var impact: String
    var initialFix: String
    var resolution: String
    var detectedAt: String
    var raiseDueAt: String
    var closedAt: String
    var meetings: [MeetingRow]
    var events: [EventRow]
    var attachmentsURL: String  // issue #5
    var canUpdate: Bool
    var canChangeStatus: Bool
    var meetingURL: String
    var statusURL: String
    var statusOptions: [OptionView]
    var errors: [String]
}

struct InboxRow: Encodable, Sendable {
    var title: String; var body: String; var link: String; var at: String; var unread: Bool; var event: String; var readURL: String
}

struct InboxPage: Encodable, Sendable {
    var list: ListView
    var unread: Int
    var rows: [InboxRow]
}

struct RiskRow: Encodable, Sendable {
    var description: String; var category: String; var score: Int; var band: String; var status: String; var statusClass: String
    var trigger: String; var fired: Bool; var reason: String; var mitigation: String

    init(_ r: Risk, _ t: Strings) {
        description = r.summary
        category = t["mon_risk_category.\(r.category.rawValue)"]
        score = r.score
        band = RiskTriggers.band(score: r.score)
        status = t["mon_risk_status.\(r.status.rawValue)"]
        statusClass = r.status.rawValue
        var trig = t["mon_trigger.\(r.triggerKind.rawValue)"]
        if let d = r.triggerDays { trig += " ≥ \(d)" }
        if let p = r.triggerPercent { trig += " > \(p)%" }
        trigger = trig
        fired = r.fired
        reason = t.text(r.reasonMessage, stored: r.lastReason ?? "")
        mitigation = r.mitigation ?? "—"
    }
}

struct HeatCellView: Encodable, Sendable { var count: Int; var band: String; var label: String }
struct HeatRow: Encodable, Sendable { var likelihood: Int; var cells: [HeatCellView] }

struct ContractMonitorPage: Encodable, Sendable {
    var number: String
    var title: String
    var contractURL: String
    var summary: String
    var progressClass: String
    var progressText: String
    var timelineSVG: String
    var risks: [RiskRow]
    var heat: [HeatRow]
    var reviews: [ReviewsPage.Row] = []  // issue #10
    var reviewsURL: String = ""
    var exports: ContractExportLinks = ContractExportLinks()  // issue #7
}
