import Fluent
import Foundation
import LvyueCore
import SQLKit

/// Department load per week across every monitored contract (issue #10): the person lines that overlap the window
/// are read in one indexed query per batch of departments, spread over working days on the department's calendar
/// (`ResourceLoad`), and set against capacity (headcount × working days − absences).
enum LoadService {
    static let defaultCalendar = "cn-workday"
    /// Built calendars, cached by id and version like the app's registry (used where no `Application` is at hand).
    static let calendars = CalendarRegistry()

    struct Week: Sendable {
        var workingDays = 0
        var capacity = 0.0
        var planned = 0.0
        var byMilestone: [UUID: Double] = [:]
    }

    struct DepartmentInfo: Sendable {
        var name: String
        var headcount: Int
        var calendarID: String
    }

    static func info(_ departments: [UUID], on db: any Database) async throws -> [UUID: DepartmentInfo] {
        guard !departments.isEmpty else { return [:] }
        let names = try await Department.query(on: db).filter(\.$id ~~ departments).all()
        let caps = try await DepartmentCapacity.query(on: db).filter(\.$departmentID ~~ departments).all()
        let capByID = Dictionary(caps.map { ($0.departmentID, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [UUID: DepartmentInfo] = [:]
        for d in names {
            let c = capByID[d.id!]
            out[d.id!] = DepartmentInfo(name: d.name, headcount: c?.headcount ?? 0, calendarID: c?.calendarID ?? defaultCalendar)
        }
        return out
    }

    /// Whether a day is worked on the calendar. A year without statutory data (not yet published or imported) falls back
    /// to the calendar's weekly pattern, so load and triggers keep working into next year; the holidays appear once imported.
    static func workingDay(_ cal: WorkCalendar) -> (LocalDate) -> Bool {
        { d in (try? cal.isWorkingDay(d)) ?? !(cal.weeklyWindows[d.weekday] ?? []).isEmpty }
    }

    static func calendar(_ id: String, on db: any Database) async throws -> WorkCalendar {
        do { return try await calendars.calendar(id, on: db) } catch { return BuiltinCalendars.cnWorkday }
    }

    /// Working days of one calendar over a span, as prefix sums: the working days of any sub-range are two lookups,
    /// so spreading a plan line over the weeks costs a few operations per week instead of a calendar walk per day.
    struct WorkingDays {
        let first: LocalDate
        private var prefix: [Int32]  // prefix[i] = working days in first ..< first + i
        let isWorkingDay: (LocalDate) -> Bool

        init(from: LocalDate, to: LocalDate, _ isWorkingDay: @escaping (LocalDate) -> Bool) {
            first = from
            self.isWorkingDay = isWorkingDay
            let n = max(0, from.days(to: to) + 1)
            var p = [Int32](repeating: 0, count: n + 1)
            var d = from
            for i in 0..<n {
                p[i + 1] = p[i] + (isWorkingDay(d) ? 1 : 0)
                d = d.adding(days: 1)
            }
            prefix = p
        }

        /// Working days of `a...b` (inclusive); days outside the span are asked of the calendar directly.
        func count(_ a: LocalDate, _ b: LocalDate) -> Int {
            guard a <= b else { return 0 }
            let i = first.days(to: a), j = first.days(to: b)
            if i >= 0, j + 1 < prefix.count { return Int(prefix[j + 1] - prefix[i]) }
            return ResourceLoad.workingDays(from: a, to: b, isWorkingDay: isWorkingDay).count
        }
    }

    /// One department's weeks (capacity, planned, planned per milestone) from a start week.
    struct DepartmentWeeks: Sendable {
        var info: DepartmentInfo
        var weeks: [LocalDate: Week]
        /// The contract of each milestone that contributes.
        var contractOf: [UUID: UUID]
    }

    /// Department loads already computed in this sweeper pass (or other unit of work that sets it): the triggers of
    /// every batch of contracts read the same weeks, so they are computed once per pass.
    final class PassCache: @unchecked Sendable {
        private let lock = NSLock()
        private var store: [String: DepartmentWeeks] = [:]
        func get(_ key: String) -> DepartmentWeeks? { lock.lock(); defer { lock.unlock() }; return store[key] }
        func set(_ key: String, _ value: DepartmentWeeks) { lock.lock(); store[key] = value; lock.unlock() }
    }

    @TaskLocal static var passCache: PassCache?

    /// Weekly load and capacity of each department for `weeks` weeks from the week holding `from`. Person lines are
    /// summed in SQL per milestone and date range (the partial index `resource_lines_person_load` covers the query),
    /// then spread over the department's working days with prefix sums.
    static func weeks(departments: [UUID], from: LocalDate, weeks count: Int, on db: any Database) async throws
        -> (info: [UUID: DepartmentInfo], weeks: [UUID: [LocalDate: Week]], contractOf: [UUID: UUID]) {
        let starts = ResourceLoad.weeks(from: from, count: count)
        guard let first = starts.first, let last = starts.last?.adding(days: 6), !departments.isEmpty else { return ([:], [:], [:]) }
        let cache = passCache
        func key(_ d: UUID) -> String { "\(d.uuidString)|\(first)|\(count)" }
        var out: [UUID: DepartmentWeeks] = [:]
        var missing: [UUID] = []
        for d in Set(departments).sorted(by: { $0.uuidString < $1.uuidString }) {
            if let hit = cache?.get(key(d)) { out[d] = hit } else { missing.append(d) }
        }
        if !missing.isEmpty {
            let computed = try await compute(departments: missing, starts: starts, first: first, last: last, on: db)
            for (d, v) in computed {
                out[d] = v
                cache?.set(key(d), v)
            }
        }
        var contractOf: [UUID: UUID] = [:]
        for v in out.values { contractOf.merge(v.contractOf) { a, _ in a } }
        return (out.mapValues(\.info), out.mapValues(\.weeks), contractOf)
    }

    private static func compute(departments: [UUID], starts: [LocalDate], first: LocalDate, last: LocalDate, on db: any Database) async throws
        -> [UUID: DepartmentWeeks] {
        let info = try await info(departments, on: db)
        let statuses = RiskEngine.monitoredStatuses.map(\.rawValue)
        // `kind = 'person'` is written out (not bound) so both databases can match the partial index.
        let rows = try await db.sql.raw("""
            SELECT l.department_id, l.milestone_id, l.contract_id, l.starts_on, l.ends_on,
                   CAST(SUM(l.person_days) AS DOUBLE PRECISION) AS pd
            FROM resource_lines l
            JOIN contracts c ON c.id = l.contract_id
            WHERE l.kind = 'person' AND l.department_id IN (\(binds: departments))
              AND l.ends_on >= \(bind: first.description) AND l.starts_on <= \(bind: last.description)
              AND c.status IN (\(binds: statuses))
            GROUP BY l.department_id, l.milestone_id, l.contract_id, l.starts_on, l.ends_on
            """).all()
        struct Group { var department: UUID; var milestone: UUID; var from: LocalDate; var to: LocalDate; var pd: Double }
        var groups: [Group] = []
        var contractOf: [UUID: [UUID: UUID]] = [:]
        groups.reserveCapacity(rows.count)
        var lo = first, hi = last
        for row in rows {
            guard let f = LocalDate(iso: try row.decode(column: "starts_on", as: String.self)),
                  let t = LocalDate(iso: try row.decode(column: "ends_on", as: String.self)),
                  !(try row.decodeNil(column: "pd")) else { continue }
            let d = try row.decode(column: "department_id", as: UUID.self), m = try row.decode(column: "milestone_id", as: UUID.self)
            groups.append(Group(department: d, milestone: m, from: f, to: max(f, t), pd: try row.decode(column: "pd", as: Double.self)))
            contractOf[d, default: [:]][m] = try row.decode(column: "contract_id", as: UUID.self)
            lo = min(lo, f)
            hi = max(hi, t)
        }
        // The four columns the capacity needs, read as columns: loading each absence as a model (reflection over its
        // fields for every row) was a quarter of this view's time at scale L (≈ 800 absences in eight weeks).
        var absences: [(department: UUID, absence: ResourceLoad.Absence)] = []
        if !departments.isEmpty {
            for row in try await db.sql.raw("""
                SELECT department_id, starts_on, ends_on, people FROM \(ident: ResourceAbsence.schema)
                WHERE department_id IN (\(binds: departments)) AND ends_on >= \(bind: first.description) AND starts_on <= \(bind: last.description)
                """).all() {
                guard let f = LocalDate(iso: try row.decode(column: "starts_on", as: String.self)),
                      let t = LocalDate(iso: try row.decode(column: "ends_on", as: String.self)) else { continue }
                absences.append((try row.decode(column: "department_id", as: UUID.self),
                                 ResourceLoad.Absence(from: f, to: t, people: try row.decode(column: "people", as: Double.self))))
            }
        }
        var result: [UUID: DepartmentWeeks] = [:]
        for d in departments {
            guard let i = info[d] else { continue }
            let cal = try await calendar(i.calendarID, on: db)
            let days = WorkingDays(from: lo, to: hi, workingDay(cal))
            let away = absences.filter { $0.department == d }.map(\.absence)
            // Accumulated by week index in arrays (mutated in place), turned into the keyed weeks at the end.
            var acc = starts.map { w -> Week in
                let cap = ResourceLoad.capacity(week: w, headcount: i.headcount, absences: away, isWorkingDay: days.isWorkingDay)
                return Week(workingDays: cap.workingDays, capacity: cap.capacity)
            }
            func index(_ day: LocalDate) -> Int? {
                let k = first.days(to: day)
                return k >= 0 && k / 7 < acc.count ? k / 7 : nil
            }
            for g in groups where g.department == d {
                // As ResourceLoad.spread: evenly over the working days of the range; none at all puts it on the first week.
                let total = days.count(g.from, g.to)
                if total == 0 {
                    if let k = index(ResourceLoad.weekStart(g.from)) {
                        acc[k].planned += g.pd
                        acc[k].byMilestone[g.milestone, default: 0] += g.pd
                    }
                    continue
                }
                let perDay = g.pd / Double(total)
                let lower = max(0, first.days(to: g.from) / 7), upper = min(acc.count - 1, first.days(to: g.to) / 7)
                guard first.days(to: g.to) >= 0, lower <= upper else { continue }
                for k in lower...upper {
                    let w = starts[k]
                    let n = days.count(max(w, g.from), min(w.adding(days: 6), g.to))
                    guard n > 0 else { continue }
                    let pd = perDay * Double(n)
                    acc[k].planned += pd
                    acc[k].byMilestone[g.milestone, default: 0] += pd
                }
            }
            var weeks: [LocalDate: Week] = [:]
            for (k, w) in starts.enumerated() { weeks[w] = acc[k] }
            result[d] = DepartmentWeeks(info: i, weeks: weeks, contractOf: contractOf[d] ?? [:])
        }
        return result
    }

    /// How many contributing milestones a week of the load view lists (the largest first); `milestone_count` has them all.
    static let contributionsShown = 30

    static func departmentLoad(_ departmentID: UUID, from: LocalDate, weeks count: Int, on db: any Database) async throws -> DepartmentLoadResponse {
        guard let dept = try await Department.find(departmentID, on: db) else { throw AppError.notFound(entity: "department", id: departmentID.uuidString) }
        let r = try await weeks(departments: [departmentID], from: from, weeks: count, on: db)
        let info = r.info[departmentID] ?? DepartmentInfo(name: dept.name, headcount: 0, calendarID: defaultCalendar)
        let starts = ResourceLoad.weeks(from: from, count: count)
        // The largest contributions of each week, then their names in one query.
        var top: [LocalDate: [(UUID, Double)]] = [:]
        for w in starts {
            // Largest first, ties by id; each id's text is made once, not in every comparison (a busy week has thousands).
            let all = (r.weeks[departmentID]?[w]?.byMilestone ?? [:]).map { (id: $0.key, pd: $0.value, key: $0.key.uuidString) }
            top[w] = all.sorted { $0.pd != $1.pd ? $0.pd > $1.pd : $0.key < $1.key }.prefix(contributionsShown).map { ($0.id, $0.pd) }
        }
        let ids = Array(Set(top.values.flatMap { $0.map(\.0) }))
        var names: [UUID: (String, UUID, String)] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min(ids.count, $0 + 500)]) }) {
            let rows = try await db.sql.raw("""
                SELECT m.id, m.name, c.id AS contract_id, c.number FROM milestones m JOIN contracts c ON c.id = m.contract_id
                WHERE m.id IN (\(binds: chunk))
                """).all()
            for row in rows {
                names[try row.decode(column: "id", as: UUID.self)] = (try row.decode(column: "name", as: String.self),
                                                                      try row.decode(column: "contract_id", as: UUID.self),
                                                                      try row.decode(column: "number", as: String.self))
            }
        }
        let weeks = starts.map { w -> LoadWeek in
            let x = r.weeks[departmentID]?[w] ?? Week()
            let contributions = (top[w] ?? []).compactMap { mid, pd -> LoadContribution? in
                guard let n = names[mid] else { return nil }
                return LoadContribution(milestoneId: mid, milestoneName: n.0, contractId: n.1, contractNumber: n.2, personDays: ResourceLoad.round2(pd))
            }.sorted { ($0.personDays, $1.contractNumber, $1.milestoneName) > ($1.personDays, $0.contractNumber, $0.milestoneName) }
            return LoadWeek(weekStart: w.description, workingDays: x.workingDays, capacity: ResourceLoad.round2(x.capacity),
                            planned: ResourceLoad.round2(x.planned),
                            percent: ResourceLoad.percent(planned: x.planned, capacity: x.capacity).map(ResourceLoad.round2),
                            over: ResourceLoad.isOver(planned: x.planned, capacity: x.capacity), milestoneCount: x.byMilestone.count,
                            milestones: contributions)
        }
        return DepartmentLoadResponse(departmentId: departmentID, departmentName: info.name, headcount: info.headcount,
                                      calendarId: info.calendarID, weeks: weeks)
    }

    /// How far ahead the department_overload trigger looks.
    static let horizonWeeks = 12

    /// The trigger facts of issue #10 for a batch of contracts: materials, funds and (when some risk of the batch watches
    /// it) the weekly load of the departments their person lines draw on.
    static func facts(contracts ids: [UUID], withLoad: Bool, today: LocalDate, on db: any Database) async throws
        -> [UUID: (materials: [ContractFacts.MaterialFact], funds: [ContractFacts.FundFact], weeks: [ContractFacts.DepartmentWeekFact])] {
        guard !ids.isEmpty else { return [:] }
        var out: [UUID: (materials: [ContractFacts.MaterialFact], funds: [ContractFacts.FundFact], weeks: [ContractFacts.DepartmentWeekFact])] = [:]
        // Only the columns the rules read, not whole models (a batch of 200 contracts has thousands of lines at scale L):
        // materials and funds of the batch, and person lines only within the trigger's horizon and only when some risk
        // watches department load.
        var personWeeks: [UUID: Set<PairKey>] = [:]
        let horizonStart = ResourceLoad.weekStart(today)
        let horizonEnd = horizonStart.adding(days: 7 * horizonWeeks - 1)
        let rows = try await db.sql.raw("""
            SELECT id, contract_id, milestone_id, kind, item, need_by, expected_on, arrived_on, amount_minor, currency, source, approved
            FROM resource_lines WHERE contract_id IN (\(binds: ids)) AND kind IN ('material', 'fund')
            """).all()
        for row in rows {
            func text(_ c: String) throws -> String? { try row.decodeNil(column: c) ? nil : try row.decode(column: c, as: String.self) }
            func day(_ c: String) throws -> LocalDate? { try text(c).flatMap(LocalDate.init(iso:)) }
            let contractID = try row.decode(column: "contract_id", as: UUID.self)
            guard let need = try day("need_by") else { continue }
            if try row.decode(column: "kind", as: String.self) == ResourceKind.material.rawValue {
                out[contractID, default: ([], [], [])].materials.append(.init(
                    id: try row.decode(column: "id", as: UUID.self), milestoneId: try row.decode(column: "milestone_id", as: UUID.self),
                    item: try text("item") ?? "", needBy: need, expected: try day("expected_on"), arrived: try day("arrived_on")))
            } else {
                let amount = try row.decodeNil(column: "amount_minor") ? 0 : try row.decode(column: "amount_minor", as: Int64.self)
                let label = (try text("source").map { $0 + " " } ?? "") + Money(minorUnits: amount).description + " " + (try text("currency") ?? "CNY")
                out[contractID, default: ([], [], [])].funds.append(.init(
                    id: try row.decode(column: "id", as: UUID.self), milestoneId: try row.decode(column: "milestone_id", as: UUID.self),
                    label: label, needBy: need, approved: try row.decode(column: "approved", as: Bool.self)))
            }
        }
        if withLoad {
            let people = try await db.sql.raw("""
                SELECT contract_id, department_id, starts_on, ends_on FROM resource_lines
                WHERE contract_id IN (\(binds: ids)) AND kind = 'person' AND department_id IS NOT NULL
                  AND ends_on >= \(bind: horizonStart.description) AND starts_on <= \(bind: horizonEnd.description)
                """).all()
            for row in people {
                guard let f = LocalDate(iso: try row.decode(column: "starts_on", as: String.self)),
                      let t = LocalDate(iso: try row.decode(column: "ends_on", as: String.self)) else { continue }
                let contractID = try row.decode(column: "contract_id", as: UUID.self), d = try row.decode(column: "department_id", as: UUID.self)
                var w = ResourceLoad.weekStart(max(f, horizonStart))
                while w <= min(t, horizonEnd) {
                    personWeeks[contractID, default: []].insert(PairKey(department: d, week: w))
                    w = w.adding(days: 7)
                }
            }
        }
        if withLoad, !personWeeks.isEmpty {
            let departments = Array(Set(personWeeks.values.flatMap { $0.map(\.department) }))
            let load = try await weeks(departments: departments, from: horizonStart, weeks: horizonWeeks, on: db)
            for (cid, keys) in personWeeks {
                for k in keys.sorted(by: { ($0.week, $0.department.uuidString) < ($1.week, $1.department.uuidString) }) {
                    guard let w = load.weeks[k.department]?[k.week] else { continue }
                    out[cid, default: ([], [], [])].weeks.append(.init(departmentId: k.department, departmentName: load.info[k.department]?.name ?? "",
                                                                      week: k.week, planned: w.planned, capacity: w.capacity))
                }
            }
        }
        return out
    }

    struct PairKey: Hashable { var department: UUID; var week: LocalDate }
}

extension LoadService {
    /// `facts(contracts:…)`, reading department load only when an open risk of the batch has a department_overload trigger.
    static func triggerFacts(contracts ids: [UUID], today: LocalDate, on db: any Database) async throws
        -> [UUID: (materials: [ContractFacts.MaterialFact], funds: [ContractFacts.FundFact], weeks: [ContractFacts.DepartmentWeekFact])] {
        guard !ids.isEmpty else { return [:] }
        let watching = try await Risk.query(on: db).filter(\.$contract.$id ~~ ids).filter(\.$triggerKind == .departmentOverload)
            .filter(\.$status != .closed).count() > 0
        return try await facts(contracts: ids, withLoad: watching, today: today, on: db)
    }
}
