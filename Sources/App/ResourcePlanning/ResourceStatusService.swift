import Fluent
import Foundation
import LvyueCore
import SQLKit
import Vapor

/// One contract's resource allocation status (资源配置状态): late materials, funds awaiting approval, departments
/// over-allocated in the coming weeks its people plan covers.
struct ResourceStatusItem: Content {
    var contractId: UUID
    var contractNumber: String
    var contractTitle: String
    var personDays: Double
    var materials: Int
    var materialsLate: Int
    var funds: Int
    var fundsUnapproved: Int
    var fundsUnapprovedAmount: String
    /// Department weeks (of the next `ResourceStatusService.weeks`) over capacity where this contract has people planned.
    var overAllocatedWeeks: Int
    /// ok, attention (funds unapproved), shortfall (late material or over-allocated department).
    var state: String
}

struct ResourceStatusResponse: Content {
    var items: [ResourceStatusItem]
}

enum ResourceStatusService {
    static let weeks = 4

    /// Monitored contracts that have a resource plan, worst first (shortfall, then attention, then ok; by number). The
    /// contracts are those of the dashboard filter (customer, department, category, owner) when one is given. The flags
    /// come from three indexed reads (materials not arrived, funds not approved, person lines in over-allocated
    /// department weeks); the totals are summed in SQL for the contracts returned only, so the dashboard's top `limit`
    /// stays cheap however many contracts there are.
    static func status(contractID: UUID? = nil, departmentID: UUID? = nil, filter: DashboardFilter? = nil, limit: Int? = nil,
                       today: LocalDate, on db: any Database) async throws -> [ResourceStatusItem] {
        let statuses = RiskEngine.monitoredStatuses.map(\.rawValue)
        let t = today.description
        var scope: SQLQueryString = "c.status IN (\(binds: statuses))"
        if let contractID { scope = scope + " AND c.id = \(bind: contractID)" }
        if let departmentID { scope = scope + " AND c.department_id = \(bind: departmentID)" }
        if let filter { scope = scope + " AND " + DashboardService.where_(filter) }

        // Late materials and unapproved funds per contract: the contracts in scope as a subquery, probed by contract and
        // kind (faster on SQLite than a join, whose plan scans every line of every contract).
        let inScope: SQLQueryString = "l.contract_id IN (SELECT c.id FROM contracts c WHERE \(scope))"
        var late: [UUID: Int] = [:], unapproved: [UUID: (Int, Int64)] = [:]
        for row in try await db.sql.raw("""
            SELECT l.contract_id, CAST(COUNT(*) AS BIGINT) AS n FROM resource_lines l
            WHERE l.kind = 'material' AND l.arrived_on IS NULL AND (l.need_by < \(bind: t) OR l.expected_on > l.need_by) AND \(inScope)
            GROUP BY l.contract_id
            """).all() {
            late[try row.decode(column: "contract_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
        }
        for row in try await db.sql.raw("""
            SELECT l.contract_id, CAST(COUNT(*) AS BIGINT) AS n, CAST(COALESCE(SUM(l.amount_minor), 0) AS BIGINT) AS amount
            FROM resource_lines l
            WHERE l.kind = 'fund' AND l.approved = FALSE AND \(inScope)
            GROUP BY l.contract_id
            """).all() {
            unapproved[try row.decode(column: "contract_id", as: UUID.self)] = (try row.decode(column: "n", as: Int.self),
                                                                                try row.decode(column: "amount", as: Int64.self))
        }
        // Over-allocation: every department's weeks ahead, then the contracts with people in an over week.
        let start = ResourceLoad.weekStart(today)
        let departments = try await Department.query(on: db).all(\.$id)
        let load = try await LoadService.weeks(departments: departments, from: start, weeks: weeks, on: db)
        var over: [UUID: Int] = [:]
        for d in departments.sorted(by: { $0.uuidString < $1.uuidString }) {
            let overWeeks = ResourceLoad.weeks(from: start, count: weeks).filter { w in
                load.weeks[d]?[w].map { ResourceLoad.isOver(planned: $0.planned, capacity: $0.capacity) } ?? false
            }
            guard let firstOver = overWeeks.first, let lastOver = overWeeks.last?.adding(days: 6) else { continue }
            // One read per over-allocated department (the person-load index), the weeks told apart here.
            var weeksOf: [UUID: Set<LocalDate>] = [:]
            for row in try await db.sql.raw("""
                SELECT l.contract_id, l.starts_on, l.ends_on FROM resource_lines l
                WHERE l.kind = 'person' AND l.department_id = \(bind: d) AND l.ends_on >= \(bind: firstOver.description)
                  AND l.starts_on <= \(bind: lastOver.description) AND \(inScope)
                """).all() {
                guard let f = LocalDate(iso: try row.decode(column: "starts_on", as: String.self)),
                      let to = LocalDate(iso: try row.decode(column: "ends_on", as: String.self)) else { continue }
                let c = try row.decode(column: "contract_id", as: UUID.self)
                for w in overWeeks where f <= w.adding(days: 6) && to >= w { weeksOf[c, default: []].insert(w) }
            }
            for (c, ws) in weeksOf { over[c, default: 0] += ws.count }
        }
        func rank(_ id: UUID) -> Int { late[id] != nil || over[id] != nil ? 0 : unapproved[id] != nil ? 1 : 2 }

        // The contracts to return: all with a plan, or (with a limit) the flagged ones first and then the first ok ones.
        struct Head { var id: UUID; var number: String; var title: String }
        func heads(_ rows: [any SQLRow]) throws -> [Head] {
            try rows.map { Head(id: try $0.decode(column: "id", as: UUID.self), number: try $0.decode(column: "number", as: String.self),
                                title: try $0.decode(column: "title", as: String.self)) }
        }
        let hasPlan: SQLQueryString = "EXISTS (SELECT 1 FROM resource_lines l WHERE l.contract_id = c.id)"
        var chosen: [Head]
        if let limit {
            let flagged = Array(Set(late.keys).union(over.keys).union(unapproved.keys))
            var found: [Head] = []
            for chunk in stride(from: 0, to: flagged.count, by: 500).map({ Array(flagged[$0..<min(flagged.count, $0 + 500)]) }) {
                found += try heads(try await db.sql.raw("SELECT c.id, c.number, c.title FROM contracts c WHERE c.id IN (\(binds: chunk))").all())
            }
            chosen = Array(found.sorted { (rank($0.id), $0.number) < (rank($1.id), $1.number) }.prefix(limit))
            if chosen.count < limit {
                let more = try heads(try await db.sql.raw("""
                    SELECT c.id, c.number, c.title FROM contracts c WHERE \(scope) AND \(hasPlan) ORDER BY c.number LIMIT \(bind: limit + flagged.count)
                    """).all())
                let taken = Set(flagged)
                chosen += more.filter { !taken.contains($0.id) }.prefix(limit - chosen.count)
            }
        } else {
            chosen = try heads(try await db.sql.raw("""
                SELECT c.id, c.number, c.title FROM contracts c WHERE \(scope) AND \(hasPlan)
                """).all())
        }

        // Totals for the chosen contracts.
        var totals: [UUID: (pd: Double, materials: Int, funds: Int)] = [:]
        let ids = chosen.map(\.id)
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min(ids.count, $0 + 500)]) }) {
            for row in try await db.sql.raw("""
                SELECT contract_id,
                       CAST(COALESCE(SUM(CASE WHEN kind = 'person' THEN person_days ELSE 0 END), 0) AS DOUBLE PRECISION) AS person_days,
                       CAST(SUM(CASE WHEN kind = 'material' THEN 1 ELSE 0 END) AS BIGINT) AS materials,
                       CAST(SUM(CASE WHEN kind = 'fund' THEN 1 ELSE 0 END) AS BIGINT) AS funds
                FROM resource_lines WHERE contract_id IN (\(binds: chunk)) GROUP BY contract_id
                """).all() {
                totals[try row.decode(column: "contract_id", as: UUID.self)] = (try row.decode(column: "person_days", as: Double.self),
                                                                               try row.decode(column: "materials", as: Int.self),
                                                                               try row.decode(column: "funds", as: Int.self))
            }
        }
        let items = chosen.map { h -> ResourceStatusItem in
            let x = totals[h.id] ?? (0, 0, 0)
            let u = unapproved[h.id]
            let state = rank(h.id) == 0 ? "shortfall" : rank(h.id) == 1 ? "attention" : "ok"
            return ResourceStatusItem(contractId: h.id, contractNumber: h.number, contractTitle: h.title, personDays: ResourceLoad.round2(x.pd),
                                      materials: x.materials, materialsLate: late[h.id] ?? 0, funds: x.funds, fundsUnapproved: u?.0 ?? 0,
                                      fundsUnapprovedAmount: Money(minorUnits: u?.1 ?? 0).description, overAllocatedWeeks: over[h.id] ?? 0,
                                      state: state)
        }
        return items.sorted { (rank($0.contractId), $0.contractNumber) < (rank($1.contractId), $1.contractNumber) }
    }
}

/// A row of the dashboard's resource status panel.
struct ResourceStatusRow: Encodable, Sendable {
    var contract: String
    var url: String
    var state: String
    var stateKey: String
    var shortfall: Bool
    var materials: String
    var funds: String
    var overWeeks: String

    /// The worst 20 contracts (all with a shortfall or awaiting approval come first).
    static func rows(today: LocalDate, filter: DashboardFilter? = nil, _ t: Strings, on db: any Database) async throws -> [ResourceStatusRow] {
        try await ResourceStatusService.status(filter: filter, limit: 20, today: today, on: db).map { s in
            ResourceStatusRow(contract: "\(s.contractNumber) \(s.contractTitle)", url: SitePath.contract.path(s.contractId),
                              state: t["res_state.\(s.state)"], stateKey: s.state, shortfall: s.state == "shortfall",
                              materials: "\(s.materialsLate) / \(s.materials)", funds: s.fundsUnapproved == 0 ? "0" : "\(s.fundsUnapproved) · \(s.fundsUnapprovedAmount)",
                              overWeeks: String(s.overAllocatedWeeks))
        }
    }
}
