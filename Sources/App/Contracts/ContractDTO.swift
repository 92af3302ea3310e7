import Fluent
import Vapor
import LvyueCore

/// A request body that creates or patches one model: on create every required field must be present,
/// on patch only present fields change. Validation needing the database (references) runs inside the
/// write transaction, so a failed rule changes nothing.
protocol ResourceInput: Decodable, Sendable {
    associatedtype Target: AuditedModel
    func apply(to model: Target, creating: Bool, db: any Database) async throws
}

struct ContractResponse: Content, HasVersion {
    var id: UUID
    var number: String
    var title: String
    var customerId: UUID
    var category: ContractCategory
    var amount: String
    var currency: String
    var signedOn: String?
    var startsOn: String?
    var endsOn: String?
    var status: ContractStatus
    var ownerId: UUID?
    var departmentId: UUID?
    var updateCadenceDays: Int
    var description: String?
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?
}

extension Contract: AuditedModel {
    static let entityType = "contract"
    func response(_ ctx: ResponseContext) -> ContractResponse {
        ContractResponse(id: id!, number: number, title: title, customerId: $customer.id, category: category,
                         amount: Money(minorUnits: amountMinor).description, currency: currency, signedOn: signedOn,
                         startsOn: startsOn, endsOn: endsOn, status: status, ownerId: $owner.id, departmentId: $department.id,
                         updateCadenceDays: updateCadenceDays, description: summary, version: version,
                         createdAt: createdAt, updatedAt: updatedAt)
    }
}

struct ContractInput: ResourceInput {
    var number: Patch<String>
    var title: Patch<String>
    var customerId: Patch<UUID>
    var category: Patch<String>
    var amount: Patch<String>
    var currency: Patch<String>
    var signedOn: Patch<String>
    var startsOn: Patch<String>
    var endsOn: Patch<String>
    var status: Patch<String>
    var ownerId: Patch<UUID>
    var departmentId: Patch<UUID>
    var updateCadenceDays: Patch<Int>
    var description: Patch<String>

    func apply(to contract: Contract, creating: Bool, db: any Database) async throws {
        var check = FieldCheck()
        if creating || !number.isAbsent {
            if let n = check.text(number.value, "number", max: 60) {
                if n.contains(where: { $0.isNewline }) { check.fail("number", "must be one line") } else { contract.number = n }
            }
        }
        if creating || !title.isAbsent { contract.title = check.text(title.value, "title", max: 300) ?? "" }
        if creating || !customerId.isAbsent {
            if let id = customerId.value { contract.$customer.id = id } else { check.fail("customer_id", "is required") }
        }
        if creating || !category.isAbsent {
            contract.category = check.oneOf(category.value, "category", ContractCategory.self) ?? .other
        }
        if creating || !amount.isAbsent { contract.amountMinor = check.money(amount.value, "amount")?.minorUnits ?? 0 }
        if creating { contract.currency = "CNY" }
        if case .value(let cur) = currency { contract.currency = check.currency(cur, "currency") ?? contract.currency }
        if case .null = currency { check.fail("currency", "must not be null") }
        for (patch, field, keyPath) in [(signedOn, "signed_on", \Contract.signedOn), (startsOn, "starts_on", \Contract.startsOn),
                                        (endsOn, "ends_on", \Contract.endsOn)] where !patch.isAbsent {
            contract[keyPath: keyPath] = check.day(patch.value, field)?.description
        }
        if creating {
            contract.status = status.isAbsent ? .draft : (check.oneOf(status.value, "status", ContractStatus.self) ?? .draft)
        } else if !status.isAbsent, let next = check.oneOf(status.value, "status", ContractStatus.self) {
            if !contract.status.canMove(to: next) {
                check.fail("status", "cannot change from \(contract.status.rawValue) to \(next.rawValue)")
            } else {
                contract.status = next
            }
        }
        if creating || !updateCadenceDays.isAbsent {
            let cadence = updateCadenceDays.value ?? 7
            if cadence != 7 && cadence != 14 { check.fail("update_cadence_days", "must be 7 (weekly) or 14 (fortnightly)") }
            contract.updateCadenceDays = cadence
        }
        if !description.isAbsent { contract.summary = check.text(description.value, "description", max: 4000, required: false) }
        check.order(contract.startsOn.flatMap(LocalDate.init(iso:)), contract.endsOn.flatMap(LocalDate.init(iso:)), later: "ends_on", than: "starts_on")
        try check.throwIfAny()

        if !customerId.isAbsent { try await Writes.requireReference(Customer.self, customerId.value, field: "customer_id", on: db) }
        if !ownerId.isAbsent {
            try await Writes.requireReference(User.self, ownerId.value, field: "owner_id", on: db)
            contract.$owner.id = ownerId.value
        }
        if !departmentId.isAbsent {
            try await Writes.requireReference(Department.self, departmentId.value, field: "department_id", on: db)
            contract.$department.id = departmentId.value
        }
        let duplicate = Contract.query(on: db).filter(\.$number == contract.number)
        if let id = contract.id, !creating { duplicate.filter(\.$id != id) }
        if try await duplicate.first() != nil {
            throw AppError.duplicate(field: "number", reason: "contract number \(contract.number) already exists")
        }
    }
}

// MARK: clauses

struct ClauseResponse: Content, HasVersion {
    var id: UUID
    var contractId: UUID
    var reference: String?
    var category: ClauseCategory
    var text: String
    var dueOn: String?
    var version: Int
}

extension Clause: AuditedModel {
    static let entityType = "clause"
    func response(_ ctx: ResponseContext) -> ClauseResponse {
        ClauseResponse(id: id!, contractId: $contract.id, reference: reference, category: category, text: text, dueOn: dueOn, version: version)
    }
}

struct ClauseInput: ResourceInput {
    var reference: Patch<String>
    var category: Patch<String>
    var text: Patch<String>
    var dueOn: Patch<String>

    func apply(to clause: Clause, creating: Bool, db: any Database) async throws {
        var check = FieldCheck()
        if !reference.isAbsent { clause.reference = check.text(reference.value, "reference", max: 40, required: false) }
        if creating || !category.isAbsent { clause.category = check.oneOf(category.value, "category", ClauseCategory.self) ?? .other }
        if creating || !text.isAbsent { clause.text = check.text(text.value, "text", max: 4000) ?? "" }
        if !dueOn.isAbsent { clause.dueOn = check.day(dueOn.value, "due_on")?.description }
        try check.throwIfAny()
    }
}

// MARK: responsibilities (模板1)

struct ResponsibilityResponse: Content, HasVersion {
    var id: UUID
    var contractId: UUID
    var clauseId: UUID?
    var departmentId: UUID
    var ownerId: UUID?
    var duty: String
    var dueOn: String?
    var collaborators: [UUID]
    var status: ResponsibilityStatus
    var version: Int
}

extension Responsibility: AuditedModel {
    static let entityType = "responsibility"
    func response(_ ctx: ResponseContext) -> ResponsibilityResponse {
        ResponsibilityResponse(id: id!, contractId: $contract.id, clauseId: $clause.id, departmentId: $department.id,
                               ownerId: $owner.id, duty: duty, dueOn: dueOn, collaborators: collaborators, status: status, version: version)
    }
}

struct ResponsibilityInput: ResourceInput {
    var clauseId: Patch<UUID>
    var departmentId: Patch<UUID>
    var ownerId: Patch<UUID>
    var duty: Patch<String>
    var dueOn: Patch<String>
    var collaborators: Patch<[UUID]>
    var status: Patch<String>

    func apply(to r: Responsibility, creating: Bool, db: any Database) async throws {
        var check = FieldCheck()
        if creating || !departmentId.isAbsent {
            if let d = departmentId.value { r.$department.id = d } else { check.fail("department_id", "is required") }
        }
        if creating || !duty.isAbsent { r.duty = check.text(duty.value, "duty", max: 2000) ?? "" }
        if !dueOn.isAbsent { r.dueOn = check.day(dueOn.value, "due_on")?.description }
        if creating { r.status = .pending; r.collaborators = [] }
        if !status.isAbsent { r.status = check.oneOf(status.value, "status", ResponsibilityStatus.self) ?? r.status }
        if !collaborators.isAbsent {
            let ids = collaborators.value ?? []
            if ids.count > 20 { check.fail("collaborators", "at most 20 departments") }
            r.collaborators = Array(Set(ids)).sorted { $0.uuidString < $1.uuidString }
        }
        try check.throwIfAny()
        if !departmentId.isAbsent { try await Writes.requireReference(Department.self, departmentId.value, field: "department_id", on: db) }
        if !ownerId.isAbsent {
            try await Writes.requireReference(User.self, ownerId.value, field: "owner_id", on: db)
            r.$owner.id = ownerId.value
        }
        if case .value(let ids) = collaborators, !ids.isEmpty {
            let found = try await Department.query(on: db).filter(\.$id ~~ ids).count()
            if found != Set(ids).count { throw AppError.invalid(fields: ["collaborators": "names a department that does not exist"]) }
        }
        if !clauseId.isAbsent {
            if let id = clauseId.value {
                guard let clause = try await Clause.find(id, on: db), clause.$contract.id == r.$contract.id else {
                    throw AppError.invalid(fields: ["clause_id": "no such clause in this contract"])
                }
            }
            r.$clause.id = clauseId.value
        }
    }
}

// MARK: milestones (模板2)

struct MilestoneResponse: Content, HasVersion {
    var id: UUID
    var contractId: UUID
    var sequence: Int
    var name: String
    var weight: Double
    var plannedOn: String
    var actualOn: String?
    var progress: Int
    var status: MilestoneStatus
    var delayDays: Int
    var delayCause: DelayCause?
    var delayReason: String?
    var nextStep: String?
    var departmentId: UUID?
    var version: Int
    var updatedAt: Date?
}

extension Milestone: AuditedModel {
    static let entityType = "milestone"
    func response(_ ctx: ResponseContext) -> MilestoneResponse {
        MilestoneResponse(id: id!, contractId: $contract.id, sequence: sequence, name: name, weight: weight, plannedOn: plannedOn,
                          actualOn: actualOn, progress: progress, status: status(today: ctx.today), delayDays: delayDays(today: ctx.today),
                          delayCause: delayCause, delayReason: delayReason, nextStep: nextStep, departmentId: $department.id,
                          version: version, updatedAt: updatedAt)
    }
}

struct MilestoneInput: ResourceInput {
    var sequence: Patch<Int>
    var name: Patch<String>
    var weight: Patch<Double>
    var plannedOn: Patch<String>
    var actualOn: Patch<String>
    var progress: Patch<Int>
    var delayCause: Patch<String>
    var delayReason: Patch<String>
    var nextStep: Patch<String>
    var departmentId: Patch<UUID>

    func apply(to m: Milestone, creating: Bool, db: any Database) async throws {
        var check = FieldCheck()
        if creating || !name.isAbsent { m.name = check.text(name.value, "name", max: 200) ?? "" }
        if creating || !weight.isAbsent {
            if let w = weight.value, w > 0, w <= 100 { m.weight = w } else { check.fail("weight", "must be greater than 0 and at most 100") }
        }
        if creating || !plannedOn.isAbsent { m.plannedOn = check.day(plannedOn.value, "planned_on", required: true)?.description ?? "" }
        if !actualOn.isAbsent { m.actualOn = check.day(actualOn.value, "actual_on")?.description }
        if creating { m.progress = 0 }
        if !progress.isAbsent { m.progress = check.range(progress.value, "progress", 0...100) ?? m.progress }
        if m.actualOn != nil && !progress.isAbsent && progress.value != 100 { check.fail("progress", "must be 100 when actual_on is set") }
        if m.actualOn != nil { m.progress = 100 }
        if !delayCause.isAbsent { m.delayCause = delayCause.value == nil ? nil : check.oneOf(delayCause.value, "delay_cause", DelayCause.self) }
        if !delayReason.isAbsent { m.delayReason = check.text(delayReason.value, "delay_reason", max: 2000, required: false) }
        if !nextStep.isAbsent { m.nextStep = check.text(nextStep.value, "next_step", max: 2000, required: false) }
        if creating || !sequence.isAbsent {
            if let s = sequence.value {
                m.sequence = check.range(s, "sequence", 1...999) ?? 1
            } else if creating {
                let last = try await Milestone.query(on: db).filter(\.$contract.$id == m.$contract.id).max(\.$sequence)
                m.sequence = (last ?? 0) + 1
            } else {
                check.fail("sequence", "must not be null")
            }
        }
        try check.throwIfAny()
        if !departmentId.isAbsent {
            try await Writes.requireReference(Department.self, departmentId.value, field: "department_id", on: db)
            m.$department.id = departmentId.value
        }
    }
}

struct MilestoneUpdateResponse: Content {
    var id: UUID
    var milestoneId: UUID
    var progress: Int
    var note: String?
    var actualOn: String?
    var delayCause: DelayCause?
    var delayReason: String?
    var nextStep: String?
    var authorId: UUID?
    var authorName: String
    var recordedAt: Date

    init(_ u: MilestoneUpdate) {
        id = u.id!
        milestoneId = u.$milestone.id
        progress = u.progress
        note = u.note
        actualOn = u.actualOn
        delayCause = u.delayCause
        delayReason = u.delayReason
        nextStep = u.nextStep
        authorId = u.authorID
        authorName = u.authorName
        recordedAt = u.recordedAt
    }
}

/// A progress report: the new percentage, optionally the actual finish date, the delay cause and the next step.
struct MilestoneUpdateInput: Decodable, Sendable {
    var progress: Int?
    var note: String?
    var actualOn: String?
    var delayCause: String?
    var delayReason: String?
    var nextStep: String?

    struct Valid: Sendable {
        var progress: Int
        var note: String?
        var actualOn: LocalDate?
        var delayCause: DelayCause?
        var delayReason: String?
        var nextStep: String?
    }

    func validated() throws -> Valid {
        var check = FieldCheck()
        let progress = check.range(progress, "progress", 0...100)
        let note = check.text(note, "note", max: 4000, required: false)
        let actual = check.day(actualOn, "actual_on")
        if actual != nil, let progress, progress != 100 { check.fail("progress", "must be 100 when actual_on is set") }
        let cause = delayCause == nil ? nil : check.oneOf(delayCause, "delay_cause", DelayCause.self)
        let reason = check.text(delayReason, "delay_reason", max: 2000, required: false)
        let next = check.text(nextStep, "next_step", max: 2000, required: false)
        try check.throwIfAny()
        return Valid(progress: progress!, note: note, actualOn: actual, delayCause: cause, delayReason: reason, nextStep: next)
    }
}

// MARK: payment nodes

struct PaymentResponse: Content, HasVersion {
    var id: UUID
    var contractId: UUID
    var milestoneId: UUID?
    var name: String
    var amountDue: String
    var dueOn: String
    var receivedAmount: String
    var receivedOn: String?
    var status: PaymentNode.State
    var note: String?
    var version: Int
}

extension PaymentNode: AuditedModel {
    static let entityType = "payment_node"
    func response(_ ctx: ResponseContext) -> PaymentResponse {
        PaymentResponse(id: id!, contractId: $contract.id, milestoneId: $milestone.id, name: name,
                        amountDue: Money(minorUnits: amountDueMinor).description, dueOn: dueOn,
                        receivedAmount: Money(minorUnits: receivedMinor).description, receivedOn: receivedOn,
                        status: state(today: ctx.today), note: note, version: version)
    }
}

struct PaymentInput: ResourceInput {
    var milestoneId: Patch<UUID>
    var name: Patch<String>
    var amountDue: Patch<String>
    var dueOn: Patch<String>
    var receivedAmount: Patch<String>
    var receivedOn: Patch<String>
    var note: Patch<String>

    func apply(to p: PaymentNode, creating: Bool, db: any Database) async throws {
        var check = FieldCheck()
        if creating || !name.isAbsent { p.name = check.text(name.value, "name", max: 200) ?? "" }
        if creating || !amountDue.isAbsent { p.amountDueMinor = check.money(amountDue.value, "amount_due")?.minorUnits ?? 0 }
        if creating || !dueOn.isAbsent { p.dueOn = check.day(dueOn.value, "due_on", required: true)?.description ?? "" }
        if creating { p.receivedMinor = 0 }
        if !receivedAmount.isAbsent {
            p.receivedMinor = receivedAmount.value == nil ? 0 : (check.money(receivedAmount.value, "received_amount")?.minorUnits ?? 0)
        }
        if !receivedOn.isAbsent { p.receivedOn = check.day(receivedOn.value, "received_on")?.description }
        if p.receivedMinor > 0 && p.receivedOn == nil { check.fail("received_on", "is required when an amount was received") }
        if !note.isAbsent { p.note = check.text(note.value, "note", max: 2000, required: false) }
        try check.throwIfAny()
        if !milestoneId.isAbsent {
            if let id = milestoneId.value {
                guard let m = try await Milestone.find(id, on: db), m.$contract.id == p.$contract.id else {
                    throw AppError.invalid(fields: ["milestone_id": "no such milestone in this contract"])
                }
            }
            p.$milestone.id = milestoneId.value
        }
    }
}
