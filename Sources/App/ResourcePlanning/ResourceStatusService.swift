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

    /// Monitored contracts that have a resource plan, worst first. Counts are SQL aggregates; over-allocation reads the
    /// load of the departments involved once.
    static func status(contractID: UUID? = nil, departmentID: UUID? = nil, today: LocalDate, on db: any Database) async throws -> [ResourceStatusItem] {
        let statuses = RiskEngine.monitoredStatuses.map(\.rawValue)
        let t = today.description
        var filter: SQLQueryString = ""
        if let contractID { filter = " AND c.id = \(bind: contractID)" }
        if let departmentID { filter = filter + " AND c.department_id = \(bind: departmentID)" }
        let rows = try await db.sql.raw("""
            SELECT c.id AS contract_id, c.number, c.title,
                   CAST(SUM(CASE WHEN l.kind = 'person' THEN l.person_days ELSE 0 END) AS DOUBLE PRECISION) AS person_days,
                   CAST(SUM(CASE WHEN l.kind = 'material' THEN 1 ELSE 0 END) AS BIGINT) AS materials,
                   CAST(SUM(CASE WHEN l.kind = 'material' AND l.arrived_on IS NULL
                            AND (l.need_by < \(bind: t) OR (l.expected_on IS NOT NULL AND l.expected_on > l.need_by)) THEN 1 ELSE 0 END) AS BIGINT) AS materials_late,
                   CAST(SUM(CASE WHEN l.kind = 'fund' THEN 1 ELSE 0 END) AS BIGINT) AS funds,
                   CAST(SUM(CASE WHEN l.kind = 'fund' AND l.approved = \(bind: false) THEN 1 ELSE 0 END) AS BIGINT) AS funds_unapproved,
                   CAST(SUM(CASE WHEN l.kind = 'fund' AND l.approved = \(bind: false) THEN l.amount_minor ELSE 0 END) AS BIGINT) AS funds_unapproved_minor
            FROM resource_lines l JOIN contracts c ON c.id = l.contract_id
            WHERE c.status IN (\(binds: statuses))\(filter)
            GROUP BY c.id, c.number, c.title
            """).all()
        var items: [ResourceStatusItem] = []
        for row in rows {
            func int(_ c: String) throws -> Int { try row.decodeNil(column: c) ? 0 : try row.decode(column: c, as: Int.self) }
            items.append(ResourceStatusItem(
                contractId: try row.decode(column: "contract_id", as: UUID.self), contractNumber: try row.decode(column: "number", as: String.self),
                contractTitle: try row.decode(column: "title", as: String.self),
                personDays: ResourceLoad.round2(try row.decodeNil(column: "person_days") ? 0 : try row.decode(column: "person_days", as: Double.self)),
                materials: try int("materials"), materialsLate: try int("materials_late"), funds: try int("funds"),
                fundsUnapproved: try int("funds_unapproved"),
                fundsUnapprovedAmount: Money(minorUnits: Int64(try int("funds_unapproved_minor"))).description,
                overAllocatedWeeks: 0, state: "ok"))
        }
        // Over-allocation: the departments' weeks ahead, then which contracts have people in an over week.
        let ids = items.map(\.contractId)
        if !ids.isEmpty {
            let start = ResourceLoad.weekStart(today)
            let end = start.adding(days: 7 * weeks - 1)
            var people: [ResourceLine] = []
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min(ids.count, $0 + 500)]) }) {
                people += try await ResourceLine.query(on: db).filter(\.$contractID ~~ chunk).filter(\.$kind == .person)
                    .filter(\.$endsOn >= start.description).filter(\.$startsOn <= end.description).all()
            }
            let departments = Array(Set(people.compactMap(\.departmentID)))
            let load = try await LoadService.weeks(departments: departments, from: start, weeks: weeks, on: db)
            var over: [UUID: Set<LoadService.PairKey>] = [:]
            for l in people {
                guard let d = l.departmentID, let f = l.startsOn.flatMap(LocalDate.init(iso:)), let to = l.endsOn.flatMap(LocalDate.init(iso:)) else { continue }
                var w = ResourceLoad.weekStart(max(f, start))
                while w <= min(to, end) {
                    if let x = load.weeks[d]?[w], ResourceLoad.isOver(planned: x.planned, capacity: x.capacity) {
                        over[l.contractID, default: []].insert(.init(department: d, week: w))
                    }
                    w = w.adding(days: 7)
                }
            }
            for i in items.indices { items[i].overAllocatedWeeks = over[items[i].contractId]?.count ?? 0 }
        }
        for i in items.indices {
            items[i].state = items[i].materialsLate > 0 || items[i].overAllocatedWeeks > 0 ? "shortfall"
                : items[i].fundsUnapproved > 0 ? "attention" : "ok"
        }
        let rank = ["shortfall": 0, "attention": 1, "ok": 2]
        return items.sorted { (rank[$0.state]!, $0.contractNumber) < (rank[$1.state]!, $1.contractNumber) }
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
    static func rows(today: LocalDate, _ t: Strings, on db: any Database) async throws -> [ResourceStatusRow] {
        try await ResourceStatusService.status(today: today, on: db).prefix(20).map { s in
            ResourceStatusRow(contract: "\(s.contractNumber) \(s.contractTitle)", url: SitePath.contract.path(s.contractId),
                              state: t["res_state.\(s.state)"], stateKey: s.state, shortfall: s.state == "shortfall",
                              materials: "\(s.materialsLate) / \(s.materials)", funds: s.fundsUnapproved == 0 ? "0" : "\(s.fundsUnapproved) · \(s.fundsUnapprovedAmount)",
                              overWeeks: String(s.overAllocatedWeeks))
        }
    }
}
