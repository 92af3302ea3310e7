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

    struct Line: Sendable {
        var id: UUID
        var departmentID: UUID
        var milestoneID: UUID
        var milestoneName: String
        var contractID: UUID
        var contractNumber: String
        var personDays: Double
        var from: LocalDate
        var to: LocalDate
    }

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

    /// Weekly load and capacity of each department for `weeks` weeks from the week holding `from`.
    static func weeks(departments: [UUID], from: LocalDate, weeks count: Int, on db: any Database) async throws
        -> (info: [UUID: DepartmentInfo], weeks: [UUID: [LocalDate: Week]], lines: [Line]) {
        let starts = ResourceLoad.weeks(from: from, count: count)
        guard let first = starts.first, let last = starts.last?.adding(days: 6), !departments.isEmpty else { return ([:], [:], []) }
        let info = try await info(departments, on: db)
        let statuses = RiskEngine.monitoredStatuses.map(\.rawValue)
        let rows = try await db.sql.raw("""
            SELECT l.id, l.department_id, l.milestone_id, l.contract_id, l.person_days, l.starts_on, l.ends_on,
                   m.name AS milestone_name, c.number AS contract_number
            FROM resource_lines l
            JOIN milestones m ON m.id = l.milestone_id
            JOIN contracts c ON c.id = l.contract_id
            WHERE l.kind = \(bind: ResourceKind.person.rawValue) AND l.department_id IN (\(binds: departments))
              AND l.ends_on >= \(bind: first.description) AND l.starts_on <= \(bind: last.description)
              AND c.status IN (\(binds: statuses))
            """).all()
        var lines: [Line] = []
        for row in rows {
            guard let from = LocalDate(iso: try row.decode(column: "starts_on", as: String.self)),
                  let to = LocalDate(iso: try row.decode(column: "ends_on", as: String.self)) else { continue }
            lines.append(Line(id: try row.decode(column: "id", as: UUID.self), departmentID: try row.decode(column: "department_id", as: UUID.self),
                              milestoneID: try row.decode(column: "milestone_id", as: UUID.self),
                              milestoneName: try row.decode(column: "milestone_name", as: String.self),
                              contractID: try row.decode(column: "contract_id", as: UUID.self),
                              contractNumber: try row.decode(column: "contract_number", as: String.self),
                              personDays: try row.decode(column: "person_days", as: Double.self), from: from, to: to))
        }
        let absences = try await ResourceAbsence.query(on: db).filter(\.$departmentID ~~ departments)
            .filter(\.$endsOn >= first.description).filter(\.$startsOn <= last.description).all()
        var result: [UUID: [LocalDate: Week]] = [:]
        for d in departments {
            guard let i = info[d] else { continue }
            let cal = try await calendar(i.calendarID, on: db)
            let working = workingDay(cal)
            let away = absences.filter { $0.departmentID == d }.compactMap { a -> ResourceLoad.Absence? in
                guard let f = LocalDate(iso: a.startsOn), let t = LocalDate(iso: a.endsOn) else { return nil }
                return ResourceLoad.Absence(from: f, to: t, people: a.people)
            }
            var weeks: [LocalDate: Week] = [:]
            for w in starts {
                let cap = ResourceLoad.capacity(week: w, headcount: i.headcount, absences: away, isWorkingDay: working)
                weeks[w] = Week(workingDays: cap.workingDays, capacity: cap.capacity)
            }
            for l in lines where l.departmentID == d {
                let spread = ResourceLoad.spread(personDays: l.personDays, from: l.from, to: l.to, isWorkingDay: working)
                for (w, pd) in spread where weeks[w] != nil {
                    weeks[w]!.planned += pd
                    weeks[w]!.byMilestone[l.milestoneID, default: 0] += pd
                }
            }
            result[d] = weeks
        }
        return (info, result, lines)
    }

    static func departmentLoad(_ departmentID: UUID, from: LocalDate, weeks count: Int, on db: any Database) async throws -> DepartmentLoadResponse {
        guard let dept = try await Department.find(departmentID, on: db) else { throw AppError.notFound(entity: "department", id: departmentID.uuidString) }
        let r = try await weeks(departments: [departmentID], from: from, weeks: count, on: db)
        let info = r.info[departmentID] ?? DepartmentInfo(name: dept.name, headcount: 0, calendarID: defaultCalendar)
        var names: [UUID: (String, UUID, String)] = [:]
        for l in r.lines { names[l.milestoneID] = (l.milestoneName, l.contractID, l.contractNumber) }
        let weeks = ResourceLoad.weeks(from: from, count: count).map { w -> LoadWeek in
            let x = r.weeks[departmentID]?[w] ?? Week()
            let contributions = x.byMilestone.compactMap { mid, pd -> LoadContribution? in
                guard let n = names[mid] else { return nil }
                return LoadContribution(milestoneId: mid, milestoneName: n.0, contractId: n.1, contractNumber: n.2, personDays: ResourceLoad.round2(pd))
            }.sorted { ($0.personDays, $1.contractNumber, $1.milestoneName) > ($1.personDays, $0.contractNumber, $0.milestoneName) }
            return LoadWeek(weekStart: w.description, workingDays: x.workingDays, capacity: ResourceLoad.round2(x.capacity),
                            planned: ResourceLoad.round2(x.planned),
                            percent: ResourceLoad.percent(planned: x.planned, capacity: x.capacity).map(ResourceLoad.round2),
                            over: ResourceLoad.isOver(planned: x.planned, capacity: x.capacity), milestones: contributions)
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
        let lines = try await ResourceLine.query(on: db).filter(\.$contractID ~~ ids).all()
        var personWeeks: [UUID: Set<PairKey>] = [:]
        let horizonStart = ResourceLoad.weekStart(today)
        let horizonEnd = horizonStart.adding(days: 7 * horizonWeeks - 1)
        for l in lines {
            switch l.kind {
            case .material:
                guard let need = l.needBy.flatMap(LocalDate.init(iso:)) else { continue }
                out[l.contractID, default: ([], [], [])].materials.append(.init(
                    id: l.id!, milestoneId: l.milestoneID, item: l.item ?? "", needBy: need,
                    expected: l.expectedOn.flatMap(LocalDate.init(iso:)), arrived: l.arrivedOn.flatMap(LocalDate.init(iso:))))
            case .fund:
                guard let need = l.needBy.flatMap(LocalDate.init(iso:)) else { continue }
                let label = (l.source.map { $0 + " " } ?? "") + Money(minorUnits: l.amountMinor ?? 0).description + " " + (l.currency ?? "CNY")
                out[l.contractID, default: ([], [], [])].funds.append(.init(id: l.id!, milestoneId: l.milestoneID, label: label,
                                                                              needBy: need, approved: l.approved))
            case .person:
                guard withLoad, let d = l.departmentID, let f = l.startsOn.flatMap(LocalDate.init(iso:)),
                      let t = l.endsOn.flatMap(LocalDate.init(iso:)), t >= horizonStart, f <= horizonEnd else { continue }
                var w = ResourceLoad.weekStart(max(f, horizonStart))
                while w <= min(t, horizonEnd) {
                    personWeeks[l.contractID, default: []].insert(PairKey(department: d, week: w))
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
