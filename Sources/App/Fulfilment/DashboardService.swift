import Fluent
import Foundation
import LvyueCore
import SQLKit

/// The portfolio dashboard (履约进度仪表盘, issue #4). Every count is an aggregate in SQL (filtered sums, GROUP BY);
/// lists are bounded; nothing loads all rows into Swift and no query runs per contract. At scale L (DESIGN §7) every
/// statement reads an index or a maintained total: per-contract milestone totals kept by triggers (`AddMilestoneTotals`),
/// milestones by (contract, actual, planned, progress), open milestones by planned date,
/// unpaid payment nodes by due date (`AddDashboardIndexes`); `CROSS JOIN` fixes the join order SQLite would otherwise
/// guess without statistics (PostgreSQL plans it as an inner join).
enum DashboardService {
    /// Rows in each of the dashboard's lists unless the request asks for another number (`limit`, 1–100): the first
    /// of each, worst or soonest first; every list's full length is a count of `counts` and its own paged list
    /// (`/dashboard/late-milestones`…, `DashboardList`).
    static let defaultLimit = 20
    static let maxLimit = 100
    static let monitored = RiskEngine.monitoredStatuses.map(\.rawValue)
    /// Contracts `c` in a monitored status: the ones whose milestones, payments and risks the dashboard counts.
    static var mon: SQLQueryString { "c.status IN (\(binds: monitored))" }

    /// SQLite is told to read the open milestones through their partial index (it cannot know the index covers them).
    static func openIndex(_ db: any Database) -> SQLQueryString { db.isSQLite ? " INDEXED BY milestones_open" : "" }

    static func query(_ filter: DashboardFilter, limit: Int = defaultLimit, on db: any Database, now: Date,
                      calendar: WorkCalendar) async throws -> DashboardResponse {
        let today = LocalDate(date: now, in: JSONCoding.displayTimeZone)
        let t = today.description
        let f = where_(filter)
        let open = openIndex(db)

        // No statement below needs another's answer (only the listed contracts' details wait for the list): they all
        // start at once, each on a connection of the pool, so on two cores they overlap one another and the building of
        // the answer instead of running one after another (≈ 31 ms in all at scale L).
        // Contracts by status, which reads only the status index when no filter is given.
        async let statusRows = db.sql.raw("""
            SELECT c.status, COUNT(*) AS n FROM contracts c WHERE \(f) GROUP BY c.status
            """).all()
        // Milestones, by derived status: the date-independent totals per contract are kept by triggers
        // (`AddMilestoneTotals`; PostgreSQL sums its bigints as numeric, hence the casts); the open ones already late
        // are counted over the open-milestone index's range before today, and the started ones among them are taken
        // from the started-and-open total to give "in progress".
        async let milestoneCounts = db.sql.raw("""
            SELECT CAST(SUM(k.total) AS BIGINT) AS total, CAST(SUM(k.done) AS BIGINT) AS done,
              CAST(SUM(k.done_late) AS BIGINT) AS done_late, CAST(SUM(k.open_started) AS BIGINT) AS open_started
            FROM contracts c CROSS JOIN \(ident: AddMilestoneTotals.table) k WHERE k.contract_id = c.id AND \(f) AND \(mon)
            """).first()
        async let lateCounts = DashboardList.lateMilestones.counts(where: f, today: today, on: db)
        async let upcomingCount = DashboardList.upcomingMilestones.counts(where: f, today: today, on: db)
        async let paymentCount = DashboardList.overduePayments.counts(where: f, today: today, on: db)
        async let riskCount = DashboardList.firedRisks.counts(where: f, today: today, on: db)
        // Open alerts: the status is written into the statement (a literal, not a bound value) so SQLite sees at
        // prepare time that the partial index `alerts_unresolved` holds every row asked for.
        async let alertCounts = db.sql.raw("""
            SELECT COUNT(*) AS n, SUM(CASE WHEN a.level = \(bind: AlertLevel.breach.rawValue) THEN 1 ELSE 0 END) AS breach
            FROM alerts a JOIN contracts c ON c.id = a.contract_id WHERE \(f) AND a.status <> \(literal: AlertStatus.resolved.rawValue)
            """).first()
        let active = [EscalationStatus.open.rawValue, EscalationStatus.inProgress.rawValue]
        async let escalationCounts = db.sql.raw("""
            SELECT COUNT(*) AS n,
              SUM(CASE WHEN e.raised_at > \(bind: now.addingTimeInterval(-86400)) THEN 1 ELSE 0 END) AS d1,
              SUM(CASE WHEN e.raised_at <= \(bind: now.addingTimeInterval(-86400)) AND e.raised_at > \(bind: now.addingTimeInterval(-3 * 86400)) THEN 1 ELSE 0 END) AS d3,
              SUM(CASE WHEN e.raised_at <= \(bind: now.addingTimeInterval(-3 * 86400)) AND e.raised_at > \(bind: now.addingTimeInterval(-7 * 86400)) THEN 1 ELSE 0 END) AS d7
            FROM escalations e JOIN contracts c ON c.id = e.contract_id WHERE \(f) AND e.status IN (\(binds: active))
            """).first()
        async let contracts = contractSummaries(where: f, open: open, today: today, limit: limit, now: now, calendar: calendar, on: db)
        let first = DashboardWindow(limit: limit)
        async let late = lateMilestones(where: f, today: today, first, on: db)
        async let upcoming = upcomingMilestones(where: f, today: today, first, on: db)
        async let payments = overduePayments(where: f, today: today, first, on: db)
        async let risks = firedRisks(where: f, first, on: db)
        async let alerts = openAlerts(where: f, limit: limit, now: now, on: db)
        async let escalationRows = db.sql.raw("""
            SELECT e.id, e.number, e.contract_id, c.number AS contract_number, e.level, e.status, e.raised_at, e.resolve_by
            FROM escalations e JOIN contracts c ON c.id = e.contract_id
            WHERE \(f) AND e.status IN (\(binds: active)) ORDER BY e.raised_at, e.id LIMIT \(bind: limit)
            """).all()

        var contractsTotal = 0, contractsMonitored = 0
        for row in try await statusRows {
            let n = try row.decode(column: "n", as: Int.self)
            contractsTotal += n
            if monitored.contains(try row.decode(column: "status", as: String.self)) { contractsMonitored += n }
        }
        let escalations = try await escalationRows.map { row -> DashboardResponse.OpenEscalation in
            let raised = try row.decode(column: "raised_at", as: Date.self)
            let resolveBy = try row.decode(column: "resolve_by", as: Date.self)
            return .init(id: try row.decode(column: "id", as: UUID.self), number: try row.decode(column: "number", as: String.self),
                         contractId: try row.decode(column: "contract_id", as: UUID.self),
                         contractNumber: try row.decode(column: "contract_number", as: String.self), level: try row.decode(column: "level", as: Int.self),
                         status: try row.decode(column: "status", as: String.self), raisedAt: raised, resolveBy: resolveBy,
                         ageHours: max(0, Int(now.timeIntervalSince(raised) / 3600)), overdue: now > resolveBy)
        }

        func int(_ row: (any SQLRow)?, _ column: String) throws -> Int { try row?.decode(column: column, as: Int?.self) ?? 0 }
        let mRow = try await milestoneCounts, lateRow = try await lateCounts, eRow = try await escalationCounts
        let done = try int(mRow, "done"), doneLate = try int(mRow, "done_late"), total = try int(mRow, "total")
        let delayed = lateRow.total, due = done + delayed
        let inProgress = try int(mRow, "open_started") - lateRow.started
        let escalationsOpen = try int(eRow, "n"), d1 = try int(eRow, "d1"), d3 = try int(eRow, "d3"), d7 = try int(eRow, "d7")
        let aRow = try await alertCounts
        let (summaries, stale) = try await contracts
        func pct(_ a: Int, _ b: Int) -> Double? { b == 0 ? nil : (Double(a) * 1000 / Double(b)).rounded() / 10 }
        let counts = DashboardResponse.Counts(
            contracts: contractsTotal, contractsMonitored: contractsMonitored, milestones: total, milestonesDone: done,
            milestonesDoneLate: doneLate, milestonesDelayed: delayed, milestonesInProgress: inProgress,
            milestonesNotStarted: max(0, total - done - delayed - inProgress), milestonesDue: due,
            milestonesUpcoming: try await upcomingCount.total,
            onTimeRate: pct(done - doneLate, done), delayRate: pct(delayed + doneLate, due),
            paymentsOverdue: try await paymentCount.total, risksFired: try await riskCount.total, alertsOpen: try int(aRow, "n"),
            alertsBreach: try int(aRow, "breach"), escalationsOpen: escalationsOpen, staleContracts: stale)
        return DashboardResponse(
            today: t, generatedAt: now, counts: counts, contracts: summaries, lateMilestones: try await late,
            upcomingMilestones: try await upcoming, overduePayments: try await payments, firedRisks: try await risks, openAlerts: try await alerts, openEscalations: escalations,
            escalationsByAge: .init(under1d: d1, from1to3d: d3, from3to7d: d7, over7d: max(0, escalationsOpen - d1 - d3 - d7)))
    }

    /// Per-contract progress (weight-weighted completion), worst first: the order needs only each contract's count of
    /// late milestones, counted once over the open milestones already late (the partial index's range before today,
    /// ≈ 1 800 at scale L) rather than probed per monitored contract; the weighted completion, the delays and the last
    /// update are then read for the listed ones only, and `stale` counts those whose progress update is overdue.
    private static func contractSummaries(
        where f: SQLQueryString, open: SQLQueryString, today: LocalDate, limit: Int, now: Date, calendar: WorkCalendar,
        on db: any Database
    ) async throws -> (summaries: [DashboardResponse.ContractSummary], stale: Int) {
        let t = today.description
        let columns: SQLQueryString = "c.id, c.number, c.title, c.update_cadence_days, c.starts_on"
        var listedRows = try await db.sql.raw("""
            SELECT \(columns), l.late FROM (
              SELECT m.contract_id, COUNT(*) AS late FROM milestones m\(open)
              WHERE m.actual_on IS NULL AND m.planned_on < \(bind: t) GROUP BY m.contract_id
            ) l CROSS JOIN contracts c
            WHERE c.id = l.contract_id AND \(f) AND \(mon)
            ORDER BY l.late DESC, c.number
            LIMIT \(bind: limit)
            """).all()
        if listedRows.count < limit {
            // Fewer contracts are late than the list holds: the others follow in number order.
            listedRows += try await db.sql.raw("""
                SELECT \(columns), 0 AS late FROM contracts c WHERE \(f) AND \(mon) AND NOT EXISTS (
                  SELECT 1 FROM milestones m WHERE m.contract_id = c.id AND m.actual_on IS NULL AND m.planned_on < \(bind: t))
                ORDER BY c.number LIMIT \(bind: limit - listedRows.count)
                """).all()
        }
        let listed = try listedRows.map { try $0.decode(column: "id", as: UUID.self) }
        if listed.isEmpty { return ([], 0) }
        async let achievedRows = db.sql.raw("""
            SELECT m.contract_id, SUM(m.weight * (CASE WHEN m.actual_on IS NOT NULL THEN 100 ELSE m.progress END)) AS achieved,
              SUM(m.weight) AS weight
            FROM milestones m WHERE m.contract_id IN (\(binds: listed)) GROUP BY m.contract_id
            """).all()
        // Delays of the listed contracts (open and late, or finished late) for the summary sentences.
        async let delayRows = db.sql.raw("""
            SELECT m.contract_id, m.name, m.planned_on, m.actual_on, m.delay_cause, m.delay_reason FROM milestones m
            WHERE m.contract_id IN (\(binds: listed))
              AND ((m.actual_on IS NULL AND m.planned_on < \(bind: t)) OR (m.actual_on IS NOT NULL AND m.actual_on > m.planned_on))
            """).all()
        async let updateRows = db.sql.raw("""
            SELECT m.contract_id, MAX(u.recorded_at) AS last FROM milestone_updates u JOIN milestones m ON m.id = u.milestone_id
            WHERE m.contract_id IN (\(binds: listed)) GROUP BY m.contract_id
            """).all()

        var achievedByContract: [UUID: (achieved: Double?, weight: Double?)] = [:]
        for row in try await achievedRows {
            achievedByContract[try row.decode(column: "contract_id", as: UUID.self)] =
                (try row.decode(column: "achieved", as: Double?.self), try row.decode(column: "weight", as: Double?.self))
        }
        var delays: [UUID: [ProgressSummary.Delay]] = [:]
        for row in try await delayRows {
            guard let planned = LocalDate(iso: try row.decode(column: "planned_on", as: String.self)) else { continue }
            let actual = try row.decode(column: "actual_on", as: String?.self).flatMap(LocalDate.init(iso:))
            let days = Fulfilment.delayDays(planned: planned, actual: actual, today: today)
            delays[try row.decode(column: "contract_id", as: UUID.self), default: []].append(
                .init(milestone: try row.decode(column: "name", as: String.self), days: days,
                      reason: try row.decode(column: "delay_reason", as: String?.self), cause: try row.decode(column: "delay_cause", as: String?.self)))
        }
        var lastUpdate: [UUID: Date] = [:]
        for row in try await updateRows {
            if let last = try row.decode(column: "last", as: Date?.self) { lastUpdate[try row.decode(column: "contract_id", as: UUID.self)] = last }
        }
        var stale = 0
        var summaries: [DashboardResponse.ContractSummary] = []
        for row in listedRows {
            let id = try row.decode(column: "id", as: UUID.self)
            let weight = achievedByContract[id]?.weight ?? 0
            let achieved = achievedByContract[id]?.achieved ?? 0
            let progress = weight > 0 ? (achieved / weight * 10).rounded() / 10 : 0
            let cadence = try row.decode(column: "update_cadence_days", as: Int.self)
            // The progress.update clock: runs from the last update (or the contract's start) for the cadence in calendar days.
            let startDay = try row.decode(column: "starts_on", as: String?.self).flatMap(LocalDate.init(iso:))
            let baseline: Date? = lastUpdate[id] ?? startDay.map { $0.startOfDay(in: JSONCoding.displayTimeZone) }
            var updateStale = false
            var dueOn: String?
            if let baseline {
                var def = StandardClocks.progressUpdate
                def.target = .calendarDays(cadence)
                def.calendarId = calendar.id
                if let clock = try? ClockEngine.evaluate(definition: def, calendar: calendar, events: [ClockInput(.start, at: baseline)], now: now) {
                    updateStale = clock.state == .breached
                    dueOn = clock.dueAt.map { LocalDate(date: $0, in: JSONCoding.displayTimeZone).description }
                }
            }
            if updateStale { stale += 1 }
            let d = delays[id] ?? []
            summaries.append(.init(
                id: id, number: try row.decode(column: "number", as: String.self), title: try row.decode(column: "title", as: String.self),
                progress: progress, lateMilestones: try row.decode(column: "late", as: Int?.self) ?? 0,
                lastUpdateOn: lastUpdate[id].map { LocalDate(date: $0, in: JSONCoding.displayTimeZone).description },
                updateCadenceDays: cadence, updateDueOn: dueOn, updateStale: updateStale,
                summaryZh: ProgressSummary.sentence(progress: progress, delays: d, language: .zhCN),
                summaryEn: ProgressSummary.sentence(progress: progress, delays: d, language: .en)))
        }
        return (summaries, stale)
    }

    /// The latest open alerts, as the alert list shows them.
    private static func openAlerts(where f: SQLQueryString, limit: Int, now: Date, on db: any Database) async throws -> [AlertResponse] {
        let ids = try await db.sql.raw("""
            SELECT a.id FROM alerts a JOIN contracts c ON c.id = a.contract_id
            WHERE \(f) AND a.status <> \(literal: AlertStatus.resolved.rawValue) ORDER BY a.fired_at DESC, a.id DESC LIMIT \(bind: limit)
            """).all().map { try $0.decode(column: "id", as: UUID.self) }
        if ids.isEmpty { return [] }
        let ctx = ResponseContext(now: now)
        return try await Alert.query(on: db).filter(\.$id ~~ ids).sort(\.$firedAt, .descending).all().map { $0.response(ctx) }
    }

    /// The filter as a WHERE fragment over contracts `c`, with bound parameters.
    static func where_(_ f: DashboardFilter) -> SQLQueryString {
        var parts: [SQLQueryString] = ["1 = 1"]
        if let v = f.customerID { parts.append("c.customer_id = \(bind: v)") }
        if let v = f.departmentID { parts.append("c.department_id = \(bind: v)") }
        if let v = f.category { parts.append("c.category = \(bind: v.rawValue)") }
        if let v = f.ownerID { parts.append("c.owner_id = \(bind: v)") }
        return parts.joined(separator: " AND ")
    }
}

extension LocalDate {
    /// Midnight of this date in a zone.
    func startOfDay(in zone: TimeZone) -> Date {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        return cal.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
    }
}
