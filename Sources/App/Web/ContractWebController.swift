import Fluent
import LvyueCore
import Vapor

/// The contract pages: list, detail, create/edit form, status buttons.
struct ContractWebController {
    func register(on routes: any RoutesBuilder) {
        routes.get(SitePath.home) { req in req.redirect(to: SitePath.contracts.path, redirectType: .normal) }
        routes.get(SitePath.contracts, use: list)
        routes.get(SitePath.contractNew, use: newForm)
        routes.post(SitePath.contractNew, use: create)
        routes.get(SitePath.contract, use: show)
        routes.get(SitePath.contractEdit, use: editForm)
        routes.post(SitePath.contractEdit, use: update)
        routes.post(SitePath.contractStatus, use: changeStatus)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .contract)
        let t = req.strings
        let page = try await ContractListPage.query(req, today: ResponseContext(now: req.now).today, t: t,
                                                    canCreate: Permissions.allows(try req.user.role, .create, .contract))
        return try await WebView.render(req, "contracts/list", title: t["contracts_title"], page)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .contract)
        let page = try await ContractDetailPage.query(on: req.db, id: try req.pathID(entity: "contract"),
                                                      today: ResponseContext(now: req.now).today, t: req.strings, role: try req.user.role)
        return try await WebView.render(req, "contracts/detail", title: "\(page.header.number) \(page.header.title)", page)
    }

    // MARK: form

    private func renderForm(_ req: Request, _ state: FormState, contract: Contract?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let t = req.strings
        let lookups = try await Lookups.load(on: req.db)
        let heading = contract == nil ? t["contract_new_title"] : t["contract_edit_title"]
        let page = FormPage(
            heading: heading, context: contract.map { "\($0.number) \($0.title)" },
            action: contract.map { SitePath.contractEdit.path($0.id!) } ?? SitePath.contractNew.path,
            submitLabel: t["action_save"], cancelURL: contract.map { SitePath.contract.path($0.id!) } ?? SitePath.contracts.path,
            banner: state.banner, version: contract.map { Int(state.values["version"] ?? "") ?? $0.version },
            fields: ContractForm.fields(state, lookups))
        return try await WebView.render(req, "form", title: heading, page, status: status)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .contract)
        return try await renderForm(req, ContractForm.defaults(req.strings, owner: try req.user.id), contract: nil)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .contract)
        let body = FormBody(req)
        return try await FormFlow.submit(req, known: ContractForm.known) {
            let input = try body.decode(ContractInput.self, ContractForm.spec)
            let contract = Contract()
            contract.id = req.deps.newID()
            let created = try await ContractTeam.createContract(req.application, actor: req.actor, contract, input: input)
            return WebView.redirect(req, to: SitePath.contract.path(created.id), notice: .created)
        } rerender: { errors, banner, status in
            var state = FormState(req.strings, submitted: body)
            state.errors = errors
            state.banner = banner
            return try await renderForm(req, state, contract: nil, status: status)
        }
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .contract)
        let contract = try await Writes.find(Contract.self, try req.pathID(entity: "contract"), on: req.db)
        return try await renderForm(req, ContractForm.values(contract, req.strings), contract: contract)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .contract)
        let id = try req.pathID(entity: "contract")
        let contract = try await Writes.find(Contract.self, id, on: req.db)
        let body = FormBody(req)
        return try await FormFlow.submit(req, known: ContractForm.known, staleKey: "err_stale_contract") {
            let input = try body.decode(ContractInput.self, ContractForm.spec)
            _ = try await Writes.update(req.application, actor: req.actor, Contract.self, id: id, expectedVersion: body.expectedVersion) { c, db in
                try await input.apply(to: c, creating: false, db: db)
            }
            await WebHooks.contractChanged(req, id)
            return WebView.redirect(req, to: SitePath.contract.path(id), notice: .saved)
        } rerender: { errors, banner, status in
            var state = FormState(req.strings, submitted: body)
            state.errors = errors
            state.banner = banner
            return try await renderForm(req, state, contract: contract, status: status)
        }
    }

    /// The status buttons: each posts one target status with the version the user saw.
    @Sendable func changeStatus(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .contract)
        let id = try req.pathID(entity: "contract")
        let body = FormBody(req)
        let back = SitePath.contract.path(id)
        do {
            let input = try body.decode(ContractInput.self, [("status", .string)])
            guard !input.status.isAbsent else { throw AppError.invalid(fields: ["status": "is required"]) }
            _ = try await Writes.update(req.application, actor: req.actor, Contract.self, id: id, expectedVersion: body.expectedVersion) { c, db in
                try await input.apply(to: c, creating: false, db: db)
            }
            await WebHooks.contractChanged(req, id)
            return WebView.redirect(req, to: back, notice: .statusChanged)
        } catch AppError.staleVersion {
            return WebView.redirect(req, to: back, notice: .stale)
        } catch AppError.invalid {
            return WebView.redirect(req, to: back, notice: .statusFailed)
        }
    }
}
