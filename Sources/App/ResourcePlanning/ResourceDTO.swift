import Fluent
import Foundation
import LvyueCore
import Vapor

struct ResourceLineResponse: Content, HasVersion {
    var id: UUID
    var contractId: UUID
    var milestoneId: UUID
    var kind: ResourceKind
    var departmentId: UUID?
    var role: String?
    var personDays: Double?
    var startsOn: String?
    var endsOn: String?
    var persons: String?
    var item: String?
    var quantity: Double?
    var unit: String?
    var supplier: String?
    var needBy: String?
    var expectedOn: String?
    var arrivedOn: String?
    /// Material lines: days late (expected or today past need-by, not arrived); 0 when on time.
    var lateDays: Int?
    var amount: String?
    var currency: String?
    var source: String?
    var approved: Bool
    var approvedBy: String?
    var approvedAt: Date?
    var note: String?
    var version: Int
}

extension ResourceLine: AuditedModel {
    static let entityType = "resource_line"
    func response(_ ctx: ResponseContext) -> ResourceLineResponse {
        var late: Int?
        if kind == .material, let need = needBy.flatMap(LocalDate.init(iso:)) {
            late = ResourceShortfalls.materialSlip(needBy: need, expected: expectedOn.flatMap(LocalDate.init(iso:)),
                                                   arrived: arrivedOn.flatMap(LocalDate.init(iso:)), today: ctx.today) ?? 0
        }
        return ResourceLineResponse(
            id: id!, contractId: contractID, milestoneId: milestoneID, kind: kind, departmentId: departmentID, role: role,
            personDays: personDays, startsOn: startsOn, endsOn: endsOn, persons: persons, item: item, quantity: quantity, unit: unit,
            supplier: supplier, needBy: needBy, expectedOn: expectedOn, arrivedOn: arrivedOn, lateDays: late,
            amount: amountMinor.map { Money(minorUnits: $0).description }, currency: currency, source: source, approved: approved,
            approvedBy: approvedBy, approvedAt: approvedAt, note: note, version: version)
    }
}

/// Create and PATCH body of a resource line. Fields that do not belong to the line's kind are refused (422).
struct ResourceLineInput: Decodable, Sendable {
    var kind: Patch<String>
    var departmentId: Patch<UUID>
    var role: Patch<String>
    var personDays: Patch<Double>
    var startsOn: Patch<String>
    var endsOn: Patch<String>
    var persons: Patch<String>
    var item: Patch<String>
    var quantity: Patch<Double>
    var unit: Patch<String>
    var supplier: Patch<String>
    var needBy: Patch<String>
    var expectedOn: Patch<String>
    var arrivedOn: Patch<String>
    var amount: Patch<String>
    var currency: Patch<String>
    var source: Patch<String>
    var approved: Patch<Bool>
    var note: Patch<String>

    static let fieldsByKind: [ResourceKind: Set<String>] = [
        .person: ["department_id", "role", "person_days", "starts_on", "ends_on", "persons"],
        .material: ["item", "quantity", "unit", "supplier", "need_by", "expected_on", "arrived_on"],
        .fund: ["amount", "currency", "need_by", "source", "approved"],
    ]

    /// The kind-specific fields that carry a value (absent and null do not count).
    var presentFields: Set<String> {
        var s = Set<String>()
        if !departmentId.isAbsent, departmentId.value != nil { s.insert("department_id") }
        if role.value != nil { s.insert("role") }
        if personDays.value != nil { s.insert("person_days") }
        if startsOn.value != nil { s.insert("starts_on") }
        if endsOn.value != nil { s.insert("ends_on") }
        if persons.value != nil { s.insert("persons") }
        if item.value != nil { s.insert("item") }
        if quantity.value != nil { s.insert("quantity") }
        if unit.value != nil { s.insert("unit") }
        if supplier.value != nil { s.insert("supplier") }
        if needBy.value != nil { s.insert("need_by") }
        if expectedOn.value != nil { s.insert("expected_on") }
        if arrivedOn.value != nil { s.insert("arrived_on") }
        if amount.value != nil { s.insert("amount") }
        if currency.value != nil { s.insert("currency") }
        if source.value != nil { s.insert("source") }
        if approved.value != nil { s.insert("approved") }
        return s
    }

    /// Applies the body; `approver` is who approves funds when `approved` changes (nil: the caller may not approve).
    func apply(to l: ResourceLine, creating: Bool, approver: String?, now: Date, db: any Database) async throws {
        var check = FieldCheck()
        if creating {
            l.kind = check.oneOf(kind.value, "kind", ResourceKind.self) ?? .person
            l.approved = false
        } else if !kind.isAbsent, kind.value != l.kind.rawValue {
            check.fail("kind", "cannot change; delete the line and add a new one")
        }
        try check.throwIfAny()
        for f in presentFields.subtracting(Self.fieldsByKind[l.kind] ?? []).sorted() { check.fail(f, "does not apply to a \(l.kind.rawValue) line") }
        func day(_ p: Patch<String>, _ field: String) -> String?? {
            if p.isAbsent && !creating { return .none }
            return .some(check.day(p.value, field)?.description)
        }
        switch l.kind {
        case .person:
            if creating || !departmentId.isAbsent {
                if departmentId.value == nil { check.fail("department_id", "is required") }
                l.departmentID = departmentId.value
            }
            if creating || !role.isAbsent { l.role = check.text(role.value, "role", max: 100) }
            if creating || !personDays.isAbsent { l.personDays = check.range(personDays.value, "person_days", 0.1...100_000) }
            if case .some(let v) = day(startsOn, "starts_on") { l.startsOn = v; if v == nil { check.fail("starts_on", "is required") } }
            if case .some(let v) = day(endsOn, "ends_on") { l.endsOn = v; if v == nil { check.fail("ends_on", "is required") } }
            if !persons.isAbsent { l.persons = check.text(persons.value, "persons", max: 500, required: false) }
            if let s = l.startsOn.flatMap(LocalDate.init(iso:)), let e = l.endsOn.flatMap(LocalDate.init(iso:)) {
                check.order(s, e, later: "ends_on", than: "starts_on")
                if s.days(to: e) > 3660 { check.fail("ends_on", "must be within ten years of starts_on") }
            }
        case .material:
            if creating || !item.isAbsent { l.item = check.text(item.value, "item", max: 200) }
            if creating || !quantity.isAbsent { l.quantity = check.range(quantity.value, "quantity", 0.001...1_000_000_000) }
            if creating || !unit.isAbsent { l.unit = check.text(unit.value, "unit", max: 20) }
            if !supplier.isAbsent { l.supplier = check.text(supplier.value, "supplier", max: 200, required: false) }
            if case .some(let v) = day(needBy, "need_by") { l.needBy = v; if v == nil { check.fail("need_by", "is required") } }
            if case .some(let v) = day(expectedOn, "expected_on") { l.expectedOn = v }
            if case .some(let v) = day(arrivedOn, "arrived_on") { l.arrivedOn = v }
        case .fund:
            if creating || !amount.isAbsent {
                let m = check.money(amount.value, "amount")
                if let m, m.minorUnits <= 0 { check.fail("amount", "must be greater than zero") }
                l.amountMinor = m?.minorUnits
            }
            if creating || !currency.isAbsent { l.currency = check.currency(currency.value ?? "CNY", "currency") ?? "CNY" }
            if case .some(let v) = day(needBy, "need_by") { l.needBy = v; if v == nil { check.fail("need_by", "is required") } }
            if !source.isAbsent { l.source = check.text(source.value, "source", max: 200, required: false) }
            if !approved.isAbsent {
                if approved.value == nil { check.fail("approved", "must be true or false") }
                if let a = approved.value, a != l.approved {
                    guard let approver else { throw AppError.forbidden("only finance approves funds") }
                    l.approved = a
                    l.approvedBy = a ? approver : nil
                    l.approvedAt = a ? now : nil
                }
            }
        }
        if !note.isAbsent { l.note = check.text(note.value, "note", max: 2000, required: false) }
        try check.throwIfAny()
        if l.kind == .person, !departmentId.isAbsent {
            try await Writes.requireReference(Department.self, l.departmentID, field: "department_id", on: db)
        }
    }
}

struct CapacityResponse: Content, HasVersion {
    var departmentId: UUID
    var headcount: Int
    var calendarId: String
    var version: Int
}

struct CapacityInput: Decodable, Sendable {
    var headcount: Int?
    var calendarId: String?
}

struct AbsenceResponse: Content, HasVersion {
    var id: UUID
    var departmentId: UUID
    var userId: UUID?
    var person: String
    var startsOn: String
    var endsOn: String
    var people: Double
    var note: String?
    var version: Int
}

extension ResourceAbsence: AuditedModel {
    static let entityType = "resource_absence"
    func response(_ ctx: ResponseContext) -> AbsenceResponse {
        AbsenceResponse(id: id!, departmentId: departmentID, userId: userID, person: person, startsOn: startsOn, endsOn: endsOn,
                        people: people, note: note, version: version)
    }
}

struct AbsenceInput: Decodable, Sendable {
    var departmentId: UUID?
    var userId: UUID?
    var person: String?
    var startsOn: String?
    var endsOn: String?
    var people: Double?
    var note: String?
}

/// One week of a department's load: planned person-days against capacity, and the milestones behind it.
struct LoadWeek: Content {
    var weekStart: String
    var workingDays: Int
    var capacity: Double
    var planned: Double
    var percent: Double?
    var over: Bool
    /// How many milestones plan work in the week; `milestones` lists the largest of them.
    var milestoneCount: Int
    var milestones: [LoadContribution]
}

struct LoadContribution: Content {
    var milestoneId: UUID
    var milestoneName: String
    var contractId: UUID
    var contractNumber: String
    var personDays: Double
}

struct DepartmentLoadResponse: Content {
    var departmentId: UUID
    var departmentName: String
    var headcount: Int
    var calendarId: String
    var weeks: [LoadWeek]
}

struct RiskReviewResponse: Content, HasVersion {
    var id: UUID
    var contractId: UUID
    var heldAt: Date
    var departments: [UUID]
    var attendees: String
    var riskIds: [UUID]
    var riskChanges: String?
    var decisions: String
    var recordedBy: String
    var version: Int
}

extension RiskReview: AuditedModel {
    static let entityType = "risk_review"
    func response(_ ctx: ResponseContext) -> RiskReviewResponse {
        RiskReviewResponse(id: id!, contractId: contractID, heldAt: heldAt, departments: departments, attendees: attendees,
                           riskIds: riskIDs, riskChanges: riskChanges, decisions: decisions, recordedBy: recordedBy, version: version)
    }
}

struct RiskReviewInput: Decodable, Sendable {
    var heldAt: Patch<Date>
    var departments: Patch<[UUID]>
    var attendees: Patch<String>
    var riskIds: Patch<[UUID]>
    var riskChanges: Patch<String>
    var decisions: Patch<String>

    func apply(to r: RiskReview, creating: Bool, now: Date, db: any Database) async throws {
        var check = FieldCheck()
        if creating || !heldAt.isAbsent { r.heldAt = heldAt.value ?? now }
        if creating || !attendees.isAbsent { r.attendees = check.text(attendees.value, "attendees", max: 2000) ?? "" }
        if creating || !decisions.isAbsent { r.decisions = check.text(decisions.value, "decisions", max: 8000) ?? "" }
        if !riskChanges.isAbsent { r.riskChanges = check.text(riskChanges.value, "risk_changes", max: 8000, required: false) }
        let deps = departments.value ?? (creating || !departments.isAbsent ? [] : r.departments)
        let risks = riskIds.value ?? (creating || !riskIds.isAbsent ? [] : r.riskIDs)
        if deps.count > 50 { check.fail("departments", "at most 50") }
        if risks.count > 500 { check.fail("risk_ids", "at most 500") }
        try check.throwIfAny()
        for d in Set(deps) where try await Department.find(d, on: db) == nil {
            throw AppError.invalid(fields: ["departments": "no such department \(d.uuidString.lowercased())"])
        }
        if !risks.isEmpty {
            let found = try await Risk.query(on: db).filter(\.$id ~~ risks).filter(\.$contract.$id == r.contractID).count()
            if found != Set(risks).count { throw AppError.invalid(fields: ["risk_ids": "every risk must belong to this contract"]) }
        }
        func unique(_ ids: [UUID]) -> [UUID] { var seen = Set<UUID>(); return ids.filter { seen.insert($0).inserted } }
        r.departmentsJSON = String(decoding: try JSONEncoder().encode(unique(deps)), as: UTF8.self)
        r.riskIDsJSON = String(decoding: try JSONEncoder().encode(unique(risks)), as: UTF8.self)
    }
}
