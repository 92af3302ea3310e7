import Fluent
import Foundation
import LvyueCore
import SQLKit

/// The SQL of the quarterly report (issue #7). Each query scans one table through the index on the date it is
/// counted by, over the four quarters of the trend at once, and groups rows into quarter buckets (0 = oldest,
/// 3 = the report's quarter) with a CASE on bound boundaries — so no row is loaded into Swift, and the same text
/// runs on SQLite and PostgreSQL. Filters apply to the contract (`c`) a record belongs to.
struct ReportQueries {
    let db: any SQLDatabase
    /// Oldest first; the last is the report's quarter.
    let quarters: [Quarter]
    let zone: TimeZone
    let now: Date
    let today: LocalDate
    let filters: QuarterlyReport.Filters

    static let buckets = 4
    var isSQLite: Bool { db.dialect.name == "sqlite" }

    var instants: [Date] { quarters.map { $0.start(in: zone) } + [quarters.last!.end(in: zone)] }
    var days: [String] { quarters.map(\.firstDay.description) + [quarters.last!.endDay.description] }

    /// `CASE WHEN col < b1 THEN 0 … ELSE 3 END` over instants or ISO dates.
    func bucket<T: Encodable & Sendable>(_ column: String, _ bounds: [T]) -> SQLQueryString {
        var parts: [SQLQueryString] = ["CASE"]
        for i in 1..<(bounds.count - 1) { parts.append(" WHEN \(unsafeRaw: column) < \(bind: bounds[i]) THEN \(literal: i - 1)") }
        parts.append(" ELSE \(literal: bounds.count - 2) END")
        return parts.joined(separator: "")
    }

    func inRange<T: Encodable & Sendable>(_ column: String, _ bounds: [T]) -> SQLQueryString {
        "\(unsafeRaw: column) >= \(bind: bounds.first!) AND \(unsafeRaw: column) < \(bind: bounds.last!)"
    }

    /// The filter over contracts `c` (and, for service requests, the request's own customer and department).
    func contractFilter() -> SQLQueryString {
        var parts: [SQLQueryString] = ["1 = 1"]
        if let v = filters.customerId { parts.append("c.customer_id = \(bind: v)") }
        if let v = filters.departmentId { parts.append("c.department_id = \(bind: v)") }
        if let v = filters.category { parts.append("c.category = \(bind: v.rawValue)") }
        return parts.joined(separator: " AND ")
    }

    func requestFilter() -> SQLQueryString {
        var parts: [SQLQueryString] = ["1 = 1"]
        if let v = filters.customerId { parts.append("sr.customer_id = \(bind: v)") }
        if let v = filters.departmentId { parts.append("sr.department_id = \(bind: v)") }
        if let v = filters.category { parts.append("c.category = \(bind: v.rawValue)") }
        return parts.joined(separator: " AND ")
    }

    /// The joins `requestFilter()` needs, from rows that belong to a request by `column` (nil when the rows are the
    /// requests `sr` themselves): none without filters, since every such row has its request (a foreign key) and the
    /// contract is joined for nothing else; the request for a customer or department; its contract too for a category.
    /// Joining each of four quarters' rows to both by id took nearly half of an unfiltered report's time at scale L
    /// (the ratings alone 200 ms of 780).
    func requestJoins(from column: String?) -> SQLQueryString {
        let contract = filters.category != nil
        var joins: SQLQueryString = ""
        if let column, contract || filters.customerId != nil || filters.departmentId != nil {
            joins = " JOIN service_requests sr ON sr.id = \(unsafeRaw: column)"
        }
        return contract ? joins + " LEFT JOIN contracts c ON c.id = sr.contract_id" : joins
    }

    /// Whole days from ISO date `a` to ISO date `b`.
    func daysBetween(_ a: SQLQueryString, _ b: SQLQueryString) -> SQLQueryString {
        isSQLite ? "CAST(julianday(\(b)) - julianday(\(a)) AS INTEGER)" : "(CAST(\(b) AS DATE) - CAST(\(a) AS DATE))"
    }

    /// Seconds from instant `a` to instant `b` (SQLite stores instants as seconds since 1970).
    func secondsBetween(_ a: SQLQueryString, _ b: SQLQueryString) -> SQLQueryString {
        isSQLite ? "(\(b) - \(a))" : "CAST(EXTRACT(EPOCH FROM (\(b) - \(a))) AS DOUBLE PRECISION)"
    }

    // MARK: milestones (模板2)

    struct MilestoneRow { var due = 0, onTime = 0, late = 0, delaySum = 0, delayMax: Int? }

    var lateCondition: SQLQueryString {
        "((m.actual_on IS NOT NULL AND m.actual_on > m.planned_on) OR (m.actual_on IS NULL AND m.planned_on < \(bind: today.description)))"
    }

    var contractCounted: SQLQueryString {
        "c.status NOT IN (\(binds: [ContractStatus.draft.rawValue, ContractStatus.terminated.rawValue]))"
    }

    func milestones() async throws -> [MilestoneRow] {
        let t = today.description
        let delay = daysBetween("m.planned_on", "COALESCE(m.actual_on, \(bind: t))")
        let rows = try await db.raw("""
            SELECT \(bucket("m.planned_on", days)) AS bucket_no,
              SUM(CASE WHEN m.actual_on IS NOT NULL OR m.planned_on < \(bind: t) THEN 1 ELSE 0 END) AS due,
              SUM(CASE WHEN m.actual_on IS NOT NULL AND m.actual_on <= m.planned_on THEN 1 ELSE 0 END) AS on_time,
              SUM(CASE WHEN \(lateCondition) THEN 1 ELSE 0 END) AS late,
              SUM(CASE WHEN \(lateCondition) THEN \(delay) ELSE 0 END) AS delay_sum,
              MAX(CASE WHEN \(lateCondition) THEN \(delay) ELSE NULL END) AS delay_max
            FROM milestones m JOIN contracts c ON c.id = m.contract_id
            WHERE \(inRange("m.planned_on", days)) AND \(contractCounted) AND \(contractFilter())
            GROUP BY bucket_no
            """).all()
        var out = Array(repeating: MilestoneRow(), count: Self.buckets)
        for r in rows {
            let b = try int(r, "bucket_no")
            guard out.indices.contains(b) else { continue }
            out[b] = MilestoneRow(due: try int(r, "due"), onTime: try int(r, "on_time"), late: try int(r, "late"),
                                  delaySum: try int(r, "delay_sum"), delayMax: try intN(r, "delay_max"))
        }
        return out
    }

    /// Late milestones per delay cause (`unspecified` when none was given), per bucket.
    func delayCauses() async throws -> [[String: Int]] {
        let rows = try await db.raw("""
            SELECT \(bucket("m.planned_on", days)) AS bucket_no, COALESCE(m.delay_cause, 'unspecified') AS cause, COUNT(*) AS n
            FROM milestones m JOIN contracts c ON c.id = m.contract_id
            WHERE \(inRange("m.planned_on", days)) AND \(lateCondition) AND \(contractCounted) AND \(contractFilter())
            GROUP BY bucket_no, COALESCE(m.delay_cause, 'unspecified')
            """).all()
        var out = Array(repeating: [String: Int](), count: Self.buckets)
        for r in rows {
            let b = try int(r, "bucket_no")
            if out.indices.contains(b) { out[b][try r.decode(column: "cause", as: String.self)] = try int(r, "n") }
        }
        return out
    }

    // MARK: escalations (模板3)

    struct EscalationRow { var count = 0, raisedOnTime = 0, resolved = 0, resolvedOnTime = 0, overdue = 0; var resolveSeconds = 0.0 }

    func escalations() async throws -> [EscalationRow] {
        let done = [EscalationStatus.resolved.rawValue, EscalationStatus.closed.rawValue]
        let resolved: SQLQueryString = "(e.status IN (\(binds: done)) AND e.resolved_at IS NOT NULL)"
        let rows = try await db.raw("""
            SELECT \(bucket("e.raised_at", instants)) AS bucket_no, COUNT(*) AS n,
              SUM(CASE WHEN e.raised_on_time = \(bind: true) THEN 1 ELSE 0 END) AS raised_on_time,
              SUM(CASE WHEN \(resolved) THEN 1 ELSE 0 END) AS resolved,
              SUM(CASE WHEN \(resolved) AND e.resolved_at <= e.resolve_by THEN 1 ELSE 0 END) AS resolved_on_time,
              SUM(CASE WHEN \(resolved) THEN \(secondsBetween("e.raised_at", "e.resolved_at")) ELSE 0 END) AS resolve_seconds,
              SUM(CASE WHEN (\(resolved) AND e.resolved_at > e.resolve_by) OR (NOT \(resolved) AND e.resolve_by < \(bind: now)) THEN 1 ELSE 0 END) AS overdue
            FROM escalations e JOIN contracts c ON c.id = e.contract_id
            WHERE \(inRange("e.raised_at", instants)) AND \(contractFilter())
            GROUP BY bucket_no
            """).all()
        var out = Array(repeating: EscalationRow(), count: Self.buckets)
        for r in rows {
            let b = try int(r, "bucket_no")
            guard out.indices.contains(b) else { continue }
            out[b] = EscalationRow(count: try int(r, "n"), raisedOnTime: try int(r, "raised_on_time"), resolved: try int(r, "resolved"),
                                   resolvedOnTime: try int(r, "resolved_on_time"), overdue: try int(r, "overdue"),
                                   resolveSeconds: try double(r, "resolve_seconds"))
        }
        return out
    }

    // MARK: payments

    struct PaymentRow { var due = 0, overdue = 0; var overdueMinor: Int64 = 0 }

    func payments() async throws -> [PaymentRow] {
        let t = today.description
        let overdue: SQLQueryString = "(p.received_minor < p.amount_due_minor AND p.due_on < \(bind: t))"
        let rows = try await db.raw("""
            SELECT \(bucket("p.due_on", days)) AS bucket_no,
              SUM(CASE WHEN p.due_on < \(bind: t) THEN 1 ELSE 0 END) AS due,
              SUM(CASE WHEN \(overdue) THEN 1 ELSE 0 END) AS overdue,
              CAST(SUM(CASE WHEN \(overdue) THEN p.amount_due_minor - p.received_minor ELSE 0 END) AS BIGINT) AS overdue_minor
            FROM payment_nodes p JOIN contracts c ON c.id = p.contract_id
            WHERE \(inRange("p.due_on", days)) AND \(contractCounted) AND \(contractFilter())
            GROUP BY bucket_no
            """).all()
        var out = Array(repeating: PaymentRow(), count: Self.buckets)
        for r in rows {
            let b = try int(r, "bucket_no")
            guard out.indices.contains(b) else { continue }
            out[b] = PaymentRow(due: try int(r, "due"), overdue: try int(r, "overdue"),
                                overdueMinor: try r.decode(column: "overdue_minor", as: Int64?.self) ?? 0)
        }
        return out
    }

    // MARK: service requests (模板4)

    struct RequestGroup { var bucket: Int, type: String, urgency: String, channel: String, count: Int, resolved: Int, firstTime: Int, reopened: Int }

    func requests() async throws -> [RequestGroup] {
        let rows = try await db.raw("""
            SELECT \(bucket("sr.received_at", instants)) AS bucket_no, sr.type, sr.urgency, sr.channel, COUNT(*) AS n,
              SUM(CASE WHEN sr.resolved_at IS NOT NULL THEN 1 ELSE 0 END) AS resolved,
              SUM(CASE WHEN sr.resolved_at IS NOT NULL AND sr.reopen_count = 0 THEN 1 ELSE 0 END) AS first_time,
              SUM(CASE WHEN sr.resolved_at IS NOT NULL AND sr.reopen_count > 0 THEN 1 ELSE 0 END) AS reopened
            FROM service_requests sr\(requestJoins(from: nil))
            WHERE \(inRange("sr.received_at", instants)) AND \(requestFilter())
            GROUP BY bucket_no, sr.type, sr.urgency, sr.channel
            """).all()
        return try rows.map {
            RequestGroup(bucket: try int($0, "bucket_no"), type: try $0.decode(column: "type", as: String.self),
                         urgency: try $0.decode(column: "urgency", as: String.self), channel: try $0.decode(column: "channel", as: String.self),
                         count: try int($0, "n"), resolved: try int($0, "resolved"), firstTime: try int($0, "first_time"),
                         reopened: try int($0, "reopened"))
        }
    }

    struct ClockRow { var met = 0, breached = 0 }

    /// Per bucket, per clock: met, and breached (stopped late, or still running past its due time).
    func clocks() async throws -> [[String: ClockRow]] {
        let rows = try await db.raw("""
            SELECT \(bucket("o.received_at", instants)) AS bucket_no, o.clock,
              SUM(CASE WHEN o.state = 'met' THEN 1 ELSE 0 END) AS met,
              SUM(CASE WHEN o.state = 'breached' OR (o.state = 'running' AND o.due_at < \(bind: now)) THEN 1 ELSE 0 END) AS breached
            FROM service_clock_outcomes o\(requestJoins(from: "o.request_id"))
            WHERE \(inRange("o.received_at", instants)) AND \(requestFilter())
            GROUP BY bucket_no, o.clock
            """).all()
        var out = Array(repeating: [String: ClockRow](), count: Self.buckets)
        for r in rows {
            let b = try int(r, "bucket_no")
            if out.indices.contains(b) {
                out[b][try r.decode(column: "clock", as: String.self)] = ClockRow(met: try int(r, "met"), breached: try int(r, "breached"))
            }
        }
        return out
    }

    /// Objections raised per bucket: resolved within their 48 h deadline, and late (resolved after it, or open past it).
    func objections() async throws -> [ClockRow] {
        let rows = try await db.raw("""
            SELECT \(bucket("o.raised_at", instants)) AS bucket_no,
              SUM(CASE WHEN o.resolved_at IS NOT NULL AND o.resolved_at <= o.resolve_due_at THEN 1 ELSE 0 END) AS met,
              SUM(CASE WHEN (o.resolved_at IS NOT NULL AND o.resolved_at > o.resolve_due_at)
                        OR (o.resolved_at IS NULL AND o.resolve_due_at < \(bind: now)) THEN 1 ELSE 0 END) AS breached
            FROM service_objections o\(requestJoins(from: "o.request_id"))
            WHERE \(inRange("o.raised_at", instants)) AND \(requestFilter())
            GROUP BY bucket_no
            """).all()
        var out = Array(repeating: ClockRow(), count: Self.buckets)
        for r in rows {
            let b = try int(r, "bucket_no")
            if out.indices.contains(b) { out[b] = ClockRow(met: try int(r, "met"), breached: try int(r, "breached")) }
        }
        return out
    }

    static let dimensions = ["speed", "solving", "attitude", "professionalism"]

    struct RatingRow { var count = 0; var sums: [String: Int] = [:]; var distribution: [String: [Int]] = [:] }

    /// Ratings given per bucket: count, the sum of each dimension and how many gave each score 1–5.
    func ratings() async throws -> [RatingRow] {
        var columns: [SQLQueryString] = []
        for d in Self.dimensions {
            let column = SQLColumn(d, table: "r")
            columns.append("SUM(\(column)) AS \(ident: d + "_sum")")
            for s in 1...5 { columns.append("SUM(CASE WHEN \(column) = \(literal: s) THEN 1 ELSE 0 END) AS \(ident: "\(d)_\(s)")") }
        }
        let rows = try await db.raw("""
            SELECT \(bucket("r.rated_at", instants)) AS bucket_no, COUNT(*) AS n, \(columns.joined(separator: ", "))
            FROM service_ratings r\(requestJoins(from: "r.request_id"))
            WHERE \(inRange("r.rated_at", instants)) AND \(requestFilter())
            GROUP BY bucket_no
            """).all()
        var out = Array(repeating: RatingRow(), count: Self.buckets)
        for r in rows {
            let b = try int(r, "bucket_no")
            guard out.indices.contains(b) else { continue }
            var row = RatingRow(count: try int(r, "n"))
            for d in Self.dimensions {
                row.sums[d] = try int(r, "\(d)_sum")
                row.distribution[d] = try (1...5).map { try int(r, "\(d)_\($0)") }
            }
            out[b] = row
        }
        return out
    }

    // MARK: recurring problems

    struct RecurringRow { var contractID: UUID, key: String, count: Int }

    /// Service requests of one type on one contract, twice or more in the bucket (top 10), or, for `delay_cause`,
    /// late milestones of one cause on one contract.
    func recurring(kind: String, bucket b: Int, only contracts: [UUID]? = nil, minimum: Int = 2) async throws -> [RecurringRow] {
        let q = quarters[b]
        let sql: SQLQueryString
        let only: SQLQueryString = contracts.map { "AND c.id IN (\(binds: $0))" } ?? ""
        if kind == "request_type" {
            let range = [q.start(in: zone), q.end(in: zone)]
            sql = """
                SELECT sr.contract_id AS contract_id, sr.type AS k, COUNT(*) AS n
                FROM service_requests sr JOIN contracts c ON c.id = sr.contract_id
                WHERE \(inRange("sr.received_at", range)) AND \(requestFilter()) \(only)
                GROUP BY sr.contract_id, sr.type HAVING COUNT(*) >= \(bind: minimum) ORDER BY n DESC, sr.contract_id, sr.type LIMIT 10
                """
        } else {
            let range = [q.firstDay.description, q.endDay.description]
            sql = """
                SELECT m.contract_id AS contract_id, COALESCE(m.delay_cause, 'unspecified') AS k, COUNT(*) AS n
                FROM milestones m JOIN contracts c ON c.id = m.contract_id
                WHERE \(inRange("m.planned_on", range)) AND \(lateCondition) AND \(contractCounted) AND \(contractFilter()) \(only)
                GROUP BY m.contract_id, COALESCE(m.delay_cause, 'unspecified') HAVING COUNT(*) >= \(bind: minimum)
                ORDER BY n DESC, m.contract_id, COALESCE(m.delay_cause, 'unspecified') LIMIT 10
                """
        }
        return try await db.raw(sql).all().map {
            RecurringRow(contractID: try $0.decode(column: "contract_id", as: UUID.self), key: try $0.decode(column: "k", as: String.self),
                         count: try int($0, "n"))
        }
    }

    // MARK: decoding

    func int(_ row: any SQLRow, _ column: String) throws -> Int { try intN(row, column) ?? 0 }

    /// Counts and sums come back as integers, reals (SQLite) or NUMERIC (PostgreSQL's SUM of a BIGINT).
    func intN(_ row: any SQLRow, _ column: String) throws -> Int? {
        do { return try row.decode(column: column, as: Int?.self) } catch {}
        do { return try row.decode(column: column, as: Double?.self).map { Int($0.rounded()) } } catch {}
        return try row.decode(column: column, as: Decimal?.self).map { NSDecimalNumber(decimal: $0).intValue }
    }

    func double(_ row: any SQLRow, _ column: String) throws -> Double {
        do { return try row.decode(column: column, as: Double?.self) ?? 0 } catch {}
        do { return Double(try row.decode(column: column, as: Int?.self) ?? 0) } catch {}
        return try row.decode(column: column, as: Decimal?.self).map { NSDecimalNumber(decimal: $0).doubleValue } ?? 0
    }
}
