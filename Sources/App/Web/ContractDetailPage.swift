import Fluent
import Foundation
import LvyueCore

/// `/contracts/:id`: the contract with its clauses, 模板1, 模板2, payment nodes and recent audit events.
struct ContractDetailPage: Encodable, Sendable {
    struct Header: Encodable, Sendable {
        var number, title, customer, customerURL, category, status, statusKey, amount: String
        var signedOn, startsOn, endsOn, owner, department, cadence: String
        var description: String?
        var progress, progressClass: String
    }
    struct StatusAction: Encodable, Sendable { var label: String; var value: String; var danger: Bool }
    struct ClauseRow: Encodable, Sendable { var reference, category, text, dueOn, editURL: String }
    struct ResponsibilityRow: Encodable, Sendable {
        var clause, department, owner, duty, dueOn, collaborators, status, statusKey, editURL: String
    }
    struct MilestoneRow: Encodable, Sendable {
        var sequence: Int
        var name, weight, plannedOn, actualOn, progress, progressClass, status, statusKey, department: String
        var isLate: Bool
        var delayLabel: String?
        var delayCause: String?
        var delayReason: String?
        var nextStep: String?
        var url, editURL: String
    }
    struct PaymentRow: Encodable, Sendable {
        var name, amountDue, dueOn, received, receivedOn, status, statusKey, milestone, editURL: String
        var isOverdue: Bool
    }
    struct AuditRow: Encodable, Sendable { var time, actor, action, changed: String }

    var header: Header
    var exports: ContractExportLinks = ContractExportLinks()  // issue #7
    var version: Int
    var editURL: String
    /// Risk register, timeline and alerts of this contract (fulfilment monitoring).
    var monitorURL: String
    var statusURL: String
    var statusActions: [StatusAction]
    var clauses: [ClauseRow]
    var responsibilities: [ResponsibilityRow]
    var milestones: [MilestoneRow]
    var payments: [PaymentRow]
    var audit: [AuditRow]
    var newClauseURL, newResponsibilityURL, newMilestoneURL, newPaymentURL: String
    var can: Can
    // Leaf treats every array, even an empty one, as true: the templates test these flags instead.
    var hasStatusActions = false, hasClauses = false, hasResponsibilities = false, hasMilestones = false
    var hasPayments = false, hasAudit = false
    /// Issue #7: fill a new contract from the template library.
    var templatesURL = ""

    mutating func setFlags() {
        hasStatusActions = !statusActions.isEmpty
        hasClauses = !clauses.isEmpty
        hasResponsibilities = !responsibilities.isEmpty
        hasMilestones = !milestones.isEmpty
        hasPayments = !payments.isEmpty
        hasAudit = !audit.isEmpty
    }

    /// What the signed-in user may do here; buttons for anything else are not shown.
    struct Can: Encodable, Sendable {
        var editContract, createClause, editClause, createResponsibility, editResponsibility: Bool
        var createMilestone, editMilestone, createPayment, editPayment, readAudit: Bool

        init(_ role: Role) {
            func p(_ a: Action, _ r: Resource) -> Bool { Permissions.allows(role, a, r) }
            editContract = p(.update, .contract)
            createClause = p(.create, .clause); editClause = p(.update, .clause)
            createResponsibility = p(.create, .responsibility); editResponsibility = p(.update, .responsibility)
            createMilestone = p(.create, .milestone); editMilestone = p(.update, .milestone)
            createPayment = p(.create, .payment); editPayment = p(.update, .payment)
            readAudit = p(.read, .audit)
        }
    }

    static let statusActions: [(key: String, target: ContractStatus)] = [
        ("activate", .active), ("deliver", .delivered), ("start_service", .inService), ("close", .closed), ("terminate", .terminated),
    ]

    static func query(on db: any Database, id: UUID, today: LocalDate, t: Strings, role: Role) async throws -> ContractDetailPage {
        let c = try await Writes.find(Contract.self, id, on: db)
        let customer = try await Customer.find(c.$customer.id, on: db)
        async let clausesQ = Clause.query(on: db).filter(\.$contract.$id == id).sort(\.$createdAt).sort(\.$id).all()
        async let respQ = Responsibility.query(on: db).filter(\.$contract.$id == id).sort(\.$id).all()
        async let milestonesQ = Milestone.query(on: db).filter(\.$contract.$id == id).sort(\.$sequence).sort(\.$id).all()
        async let paymentsQ = PaymentNode.query(on: db).filter(\.$contract.$id == id).sort(\.$dueOn).sort(\.$id).all()
        async let departmentsQ = Department.query(on: db).all()
        let (clauses, responsibilities, milestones, payments, departments) = try await (clausesQ, respQ, milestonesQ, paymentsQ, departmentsQ)
        let userIDs = Array(Set([c.$owner.id].compactMap { $0 } + responsibilities.compactMap { $0.$owner.id }))
        let users = userIDs.isEmpty ? [] : try await User.query(on: db).filter(\.$id ~~ userIDs).all()
        let can = Can(role)
        let events = can.readAudit ? try await AuditEvent.query(on: db).filter(\.$entityType == Contract.entityType)
            .filter(\.$entityID == id.uuidString).sort(\.$id, .descending).limit(20).all() : []

        let userName = Dictionary(uniqueKeysWithValues: users.map { ($0.id!, $0.displayName) })
        let deptName = Dictionary(uniqueKeysWithValues: departments.map { ($0.id!, $0.name) })
        let clauseLabel = Dictionary(uniqueKeysWithValues: clauses.map { ($0.id!, $0.reference ?? String($0.text.prefix(30))) })
        let milestoneName = Dictionary(uniqueKeysWithValues: milestones.map { ($0.id!, $0.name) })
        let progress = Fulfilment.weightedProgress(milestones.map { ($0.weight, $0.progress, $0.actualOn != nil) })

        let header = Header(
            number: c.number, title: c.title, customer: customer?.name ?? "—", customerURL: SitePath.customer.path(c.$customer.id),
            category: t.label("contract_category", c.category), status: t.label("contract_status", c.status), statusKey: c.status.rawValue,
            amount: t.money(c.amountMinor, c.currency), signedOn: t.day(c.signedOn), startsOn: t.day(c.startsOn),
            endsOn: t.day(c.endsOn), owner: c.$owner.id.flatMap { userName[$0] } ?? "—",
            department: c.$department.id.flatMap { deptName[$0] } ?? "—", cadence: t["cadence_\(c.updateCadenceDays)"],
            description: c.summary, progress: t.percent(progress), progressClass: Display.widthClass(progress))

        let actions = can.editContract ? statusActions.filter { $0.target != c.status && c.status.canMove(to: $0.target) }
            .map { StatusAction(label: t["contract_action.\($0.key)"], value: $0.target.rawValue, danger: $0.target == .terminated) } : []

        var page = ContractDetailPage(
            header: header, version: c.version, editURL: SitePath.contractEdit.path(id), monitorURL: MonitorPaths.contractMonitor.path(id), statusURL: SitePath.contractStatus.path(id),
            statusActions: actions,
            clauses: clauses.map {
                ClauseRow(reference: $0.reference ?? "—", category: t.label("clause_category", $0.category), text: $0.text,
                          dueOn: t.day($0.dueOn), editURL: SitePath.clauseEdit.path($0.id!))
            },
            responsibilities: responsibilities.map { r in
                ResponsibilityRow(
                    clause: r.$clause.id.flatMap { clauseLabel[$0] } ?? "—", department: deptName[r.$department.id] ?? "—",
                    owner: r.$owner.id.flatMap { userName[$0] } ?? "—", duty: r.duty, dueOn: t.day(r.dueOn),
                    collaborators: r.collaborators.compactMap { deptName[$0] }.joined(separator: "、").nonEmpty ?? "—",
                    status: t.label("responsibility_status", r.status), statusKey: r.status.rawValue, editURL: SitePath.responsibilityEdit.path(r.id!))
            },
            milestones: milestones.map { m in
                let status = m.status(today: today)
                let delay = m.delayDays(today: today)
                return MilestoneRow(
                    sequence: m.sequence, name: m.name, weight: t.number(m.weight), plannedOn: t.day(m.plannedOn), actualOn: t.day(m.actualOn),
                    progress: "\(m.actualOn != nil ? 100 : m.progress)%", progressClass: Display.widthClass(Double(m.actualOn != nil ? 100 : m.progress)),
                    status: t.label("milestone_status", status), statusKey: status.rawValue,
                    department: m.$department.id.flatMap { deptName[$0] } ?? "—", isLate: status == .delayed,
                    delayLabel: delay > 0 ? t.format("late_days", ["n": String(delay)]) : nil,
                    delayCause: m.delayCause.map { t.label("delay_cause", $0) }, delayReason: m.delayReason, nextStep: m.nextStep,
                    url: SitePath.milestone.path(m.id!), editURL: SitePath.milestoneEdit.path(m.id!))
            },
            payments: payments.map { p in
                let state = p.state(today: today)
                return PaymentRow(
                    name: p.name, amountDue: t.money(p.amountDueMinor, c.currency), dueOn: t.day(p.dueOn),
                    received: t.money(p.receivedMinor, c.currency), receivedOn: t.day(p.receivedOn),
                    status: t.label("payment_status", state), statusKey: state.rawValue,
                    milestone: p.$milestone.id.flatMap { milestoneName[$0] } ?? "—", editURL: SitePath.paymentEdit.path(p.id!),
                    isOverdue: state == .overdue)
            },
            audit: events.map { e in
                AuditRow(time: t.time(e.at), actor: e.actorName, action: t["audit_action.\(e.action)"],
                         changed: AuditDiff.changedFields(before: e.before, after: e.after, t))
            },
            newClauseURL: SitePath.clauseNew.path(id), newResponsibilityURL: SitePath.responsibilityNew.path(id),
            newMilestoneURL: SitePath.milestoneNew.path(id), newPaymentURL: SitePath.paymentNew.path(id),
            can: can)
        page.setFlags()
        page.templatesURL = TemplateWebPaths.apply.path(id)
        page.exports = ContractExportLinks(id)
        return page
    }
}

/// Which fields an update changed, named as the form names them, for the audit list.
enum AuditDiff {
    static let ignored: Set<String> = ["version", "updated_at", "created_at"]

    static func changedFields(before: String?, after: String?, _ t: Strings) -> String {
        guard let before, let after,
              let b = try? JSONSerialization.jsonObject(with: Data(before.utf8)) as? [String: Any],
              let a = try? JSONSerialization.jsonObject(with: Data(after.utf8)) as? [String: Any] else { return "" }
        let keys = Set(a.keys).union(b.keys).subtracting(ignored).sorted().filter { key in
            !NSDictionary(dictionary: [key: b[key] ?? NSNull()]).isEqual(to: [key: a[key] ?? NSNull()])
        }
        return keys.map { t["field_" + $0] }.joined(separator: "、")
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

extension Display {
    /// 25 → "25", 12.5 → "12.5".
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
    }
}
