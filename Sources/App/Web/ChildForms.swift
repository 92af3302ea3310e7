import Fluent
import Foundation
import LvyueCore
import Vapor

/// What a child form (clause, responsibility, milestone, payment node) may offer in its selects.
struct ChildChoices: Sendable {
    var lookups: Lookups
    var clauses: [(value: String, label: String)]
    var milestones: [(value: String, label: String)]

    static func load(contractID: UUID, on db: any Database) async throws -> ChildChoices {
        let lookups = try await Lookups.load(on: db, customers: false)
        let clauses = try await Clause.query(on: db).filter(\.$contract.$id == contractID).sort(\.$id).all()
        let milestones = try await Milestone.query(on: db).filter(\.$contract.$id == contractID).sort(\.$sequence).all()
        return ChildChoices(
            lookups: lookups,
            clauses: clauses.map { ($0.id!.formValue, [$0.reference, String($0.text.prefix(40))].compactMap { $0 }.joined(separator: " ")) },
            milestones: milestones.map { ($0.id!.formValue, "\($0.sequence). \($0.name)") })
    }
}

/// One kind of contract child as the web edits it: its API input type, its form fields, its labels.
protocol ChildForm {
    associatedtype Input: ResourceInput where Input.Target: ContractChild
    static var resource: Resource { get }
    static var spec: [(String, FormBody.Kind)] { get }
    static var newTitleKey: String { get }
    static var editTitleKey: String { get }
    static var newRoute: SiteRoute1 { get }
    static var editRoute: SiteRoute1 { get }
    static func defaults(_ t: Strings) -> FormState
    static func values(_ model: Input.Target, _ t: Strings) -> FormState
    static func fields(_ s: FormState, _ choices: ChildChoices) -> [FieldView]
}

enum ClauseForm: ChildForm {
    typealias Input = ClauseInput
    static let resource = Resource.clause
    static let spec: [(String, FormBody.Kind)] = [("reference", .string), ("category", .string), ("text", .string), ("due_on", .string)]
    static let newTitleKey = "clause_new_title"
    static let editTitleKey = "clause_edit_title"
    static let newRoute = SitePath.clauseNew
    static let editRoute = SitePath.clauseEdit

    static func defaults(_ t: Strings) -> FormState { FormState(t, values: ["category": ClauseCategory.delivery.rawValue]) }
    static func values(_ c: Clause, _ t: Strings) -> FormState {
        FormState(t, values: ["reference": c.reference ?? "", "category": c.category.rawValue, "text": c.text, "due_on": c.dueOn ?? ""])
    }
    static func fields(_ s: FormState, _ choices: ChildChoices) -> [FieldView] {
        [
            s.field("reference", "field_clause_reference", max: 40),
            s.enumSelect("category", "field_clause_category", prefix: "clause_category", ClauseCategory.self, required: true),
            s.field("due_on", "field_due_on", kind: "date"),
            s.field("text", "field_clause_text", kind: "textarea", required: true, max: 4000),
        ]
    }
}

enum ResponsibilityForm: ChildForm {
    typealias Input = ResponsibilityInput
    static let resource = Resource.responsibility
    static let spec: [(String, FormBody.Kind)] = [
        ("clause_id", .uuid), ("department_id", .uuid), ("owner_id", .uuid), ("duty", .string), ("due_on", .string),
        ("collaborators", .uuidList), ("status", .string),
    ]
    static let newTitleKey = "responsibility_new_title"
    static let editTitleKey = "responsibility_edit_title"
    static let newRoute = SitePath.responsibilityNew
    static let editRoute = SitePath.responsibilityEdit

    static func defaults(_ t: Strings) -> FormState { FormState(t, values: ["status": ResponsibilityStatus.pending.rawValue]) }
    static func values(_ r: Responsibility, _ t: Strings) -> FormState {
        FormState(t, values: ["clause_id": r.$clause.id?.formValue ?? "", "department_id": r.$department.id.formValue,
                              "owner_id": r.$owner.id?.formValue ?? "", "duty": r.duty, "due_on": r.dueOn ?? "", "status": r.status.rawValue],
                  lists: ["collaborators": r.collaborators.map(\.formValue)])
    }
    static func fields(_ s: FormState, _ choices: ChildChoices) -> [FieldView] {
        [
            s.select("clause_id", "field_clause_id", choices.clauses),
            s.select("department_id", "field_resp_department", choices.lookups.departmentOptions, required: true),
            s.select("owner_id", "field_resp_owner", choices.lookups.userOptions),
            s.field("due_on", "field_due_on", kind: "date"),
            s.enumSelect("status", "field_status", prefix: "responsibility_status", ResponsibilityStatus.self, required: true),
            s.field("duty", "field_duty", kind: "textarea", required: true, max: 2000),
            s.checkboxes("collaborators", "field_collaborators", choices.lookups.departmentOptions),
        ]
    }
}

enum MilestoneForm: ChildForm {
    typealias Input = MilestoneInput
    static let resource = Resource.milestone
    static let spec: [(String, FormBody.Kind)] = [
        ("sequence", .int), ("name", .string), ("weight", .double), ("planned_on", .string), ("department_id", .uuid),
        ("next_step", .string),
    ]
    static let newTitleKey = "milestone_new_title"
    static let editTitleKey = "milestone_edit_title"
    static let newRoute = SitePath.milestoneNew
    static let editRoute = SitePath.milestoneEdit

    static func defaults(_ t: Strings) -> FormState { FormState(t, values: ["weight": "10"]) }
    static func values(_ m: Milestone, _ t: Strings) -> FormState {
        FormState(t, values: ["sequence": String(m.sequence), "name": m.name, "weight": Display.number(m.weight), "planned_on": m.plannedOn,
                              "department_id": m.$department.id?.formValue ?? "", "next_step": m.nextStep ?? ""])
    }
    /// Progress, actual date and delay are recorded with "record progress" (`MilestoneService.recordUpdate`), so they
    /// keep their history; this form sets the plan.
    static func fields(_ s: FormState, _ choices: ChildChoices) -> [FieldView] {
        [
            s.field("sequence", "field_sequence", kind: "number", hint: "hint_sequence", step: "1"),
            s.field("name", "field_milestone_name", required: true, wide: true, max: 200),
            s.field("weight", "field_weight", kind: "number", required: true, hint: "hint_weight", step: "any"),
            s.field("planned_on", "field_planned_on", kind: "date", required: true),
            s.select("department_id", "field_resp_department", choices.lookups.departmentOptions),
            s.field("next_step", "field_next_step", kind: "textarea", max: 2000),
        ]
    }
}

enum PaymentForm: ChildForm {
    typealias Input = PaymentInput
    static let resource = Resource.payment
    static let spec: [(String, FormBody.Kind)] = [
        ("name", .string), ("milestone_id", .uuid), ("amount_due", .string), ("due_on", .string), ("received_amount", .string),
        ("received_on", .string), ("note", .string),
    ]
    static let newTitleKey = "payment_new_title"
    static let editTitleKey = "payment_edit_title"
    static let newRoute = SitePath.paymentNew
    static let editRoute = SitePath.paymentEdit

    static func defaults(_ t: Strings) -> FormState { FormState(t) }
    static func values(_ p: PaymentNode, _ t: Strings) -> FormState {
        FormState(t, values: ["name": p.name, "milestone_id": p.$milestone.id?.formValue ?? "",
                              "amount_due": Money(minorUnits: p.amountDueMinor).description, "due_on": p.dueOn,
                              "received_amount": p.receivedMinor == 0 ? "" : Money(minorUnits: p.receivedMinor).description,
                              "received_on": p.receivedOn ?? "", "note": p.note ?? ""])
    }
    static func fields(_ s: FormState, _ choices: ChildChoices) -> [FieldView] {
        [
            s.field("name", "field_payment_name", required: true, wide: true, max: 200),
            s.field("amount_due", "field_amount_due", required: true, hint: "hint_amount", inputMode: "decimal"),
            s.field("due_on", "field_payment_due_on", kind: "date", required: true),
            s.field("received_amount", "field_received_amount", inputMode: "decimal"),
            s.field("received_on", "field_received_on", kind: "date"),
            s.select("milestone_id", "field_milestone_id", choices.milestones),
            s.field("note", "field_note", kind: "textarea", max: 2000),
        ]
    }
}

/// Create and edit pages for one kind of contract child, writing through the same `Writes` and input type as the API.
struct ChildFormRoutes<F: ChildForm> {
    func register(on routes: any RoutesBuilder) {
        routes.get(F.newRoute, use: newForm)
        routes.post(F.newRoute, use: create)
        routes.get(F.editRoute, use: editForm)
        routes.post(F.editRoute, use: update)
    }

    private var known: Set<String> { Set(F.spec.map(\.0)) }

    private func render(_ req: Request, _ state: FormState, contract: Contract, model: F.Input.Target?,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let t = req.strings
        let choices = try await ChildChoices.load(contractID: contract.id!, on: req.db)
        let heading = t[model == nil ? F.newTitleKey : F.editTitleKey]
        let page = FormPage(
            heading: heading, context: "\(contract.number) \(contract.title)",
            action: model.map { F.editRoute.path($0.id!) } ?? F.newRoute.path(contract.id!),
            submitLabel: t["action_save"], cancelURL: SitePath.contract.path(contract.id!), banner: state.banner,
            version: model.map { Int(state.values["version"] ?? "") ?? $0.version }, fields: F.fields(state, choices))
        return try await WebView.render(req, "form", title: heading, page, status: status)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        try Permissions.require(req, .create, F.resource)
        let contract = try await Writes.find(Contract.self, try req.pathID(entity: "contract"), on: req.db)
        return try await render(req, F.defaults(req.strings), contract: contract, model: nil)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, F.resource)
        let contract = try await Writes.find(Contract.self, try req.pathID(entity: "contract"), on: req.db)
        let body = FormBody(req)
        return try await FormFlow.submit(req, known: known) {
            let input = try body.decode(F.Input.self, F.spec)
            let model = F.Input.Target()
            model.contractKey.id = contract.id!
            model.id = req.deps.newID()
            let pending = model
            _ = try await Writes.create(req.application, actor: req.actor, pending, prepare: { db in
                try await input.apply(to: pending, creating: true, db: db)
            })
            await WebHooks.contractChanged(req, contract.id!)
            return WebView.redirect(req, to: SitePath.contract.path(contract.id!), notice: .created)
        } rerender: { errors, banner, status in
            var state = FormState(req.strings, submitted: body)
            state.errors = errors
            state.banner = banner
            return try await render(req, state, contract: contract, model: nil, status: status)
        }
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        try Permissions.require(req, .update, F.resource)
        let model = try await Writes.find(F.Input.Target.self, try req.pathID(entity: F.Input.Target.entityType), on: req.db)
        let contract = try await Writes.find(Contract.self, model.contractKey.id, on: req.db)
        return try await render(req, F.values(model, req.strings), contract: contract, model: model)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try Permissions.require(req, .update, F.resource)
        let id = try req.pathID(entity: F.Input.Target.entityType)
        let model = try await Writes.find(F.Input.Target.self, id, on: req.db)
        let contract = try await Writes.find(Contract.self, model.contractKey.id, on: req.db)
        let body = FormBody(req)
        let shown = model
        return try await FormFlow.submit(req, known: known) {
            let input = try body.decode(F.Input.self, F.spec)
            _ = try await Writes.update(req.application, actor: req.actor, F.Input.Target.self, id: id,
                                        expectedVersion: body.expectedVersion) { m, db in
                try await input.apply(to: m, creating: false, db: db)
            }
            await WebHooks.contractChanged(req, contract.id!)
            return WebView.redirect(req, to: SitePath.contract.path(contract.id!), notice: .saved)
        } rerender: { errors, banner, status in
            var state = FormState(req.strings, submitted: body)
            state.errors = errors
            state.banner = banner
            return try await render(req, state, contract: contract, model: shown, status: status)
        }
    }
}
