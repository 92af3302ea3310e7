import Fluent
import SQLKit
import Vapor

/// The scoping rule of issue #5, on top of the role matrix (`Permissions`):
///
/// - **Reads** of contract data are open to every staff role the matrix lets read.
/// - **Writes** by department staff (legal, project, technical, finance, service desk, engineer) are allowed only on
///   contracts whose team includes them: they own the contract, their department is its responsible department, or
///   they or their department are on its team (`contract_members`).
/// - Managers and administrators write everywhere the matrix lets them.
/// - Customer contacts never use staff routes (`StaffOnlyMiddleware`); the portal reads only through `CustomerScope`.
enum ContractScope {
    static func isScoped(_ role: Role) -> Bool {
        switch role {
        case .administrator, .manager: false
        default: true
        }
    }

    /// Whether `user` is on the team of the contract.
    static func isMember(_ user: User, contractID: UUID, on db: any Database) async throws -> Bool {
        guard let contract = try await Contract.find(contractID, on: db) else { return true }  // unknown: the route answers 404
        let userID = try user.requireID()
        let department = user.$department.id
        if contract.$owner.id == userID { return true }
        if let department, contract.$department.id == department { return true }
        let members = ContractMember.query(on: db).filter(\.$contract.$id == contractID)
        members.group(.or) { or in
            or.filter(\.$user.$id == userID)
            if let department { or.filter(\.$department.$id == department) }
        }
        return try await members.first() != nil
    }

    /// Throws 403 unless `user` may write on the contract.
    static func requireWrite(_ user: User, contractID: UUID, on db: any Database) async throws {
        guard isScoped(user.role) else { return }
        if try await !isMember(user, contractID: contractID, on: db) {
            throw AppError.forbidden("only the contract's team may change it; ask a manager to add you or your department to its team")
        }
    }

    /// The tables whose rows belong to one contract, by the path segment that names them (API and web alike).
    static let owners: [String: String] = [
        "clauses": Clause.schema, "responsibilities": Responsibility.schema, "milestones": Milestone.schema,
        "payments": PaymentNode.schema, "risks": Risk.schema, "escalations": Escalation.schema, "alerts": Alert.schema,
        "quality-results": QualityResult.schema, "team-members": ContractMember.schema, "attachments": AttachmentTable.name,
        "resource-lines": ResourceLine.schema, "risk-reviews": RiskReview.schema,  // issue #10
    ]

    /// Sub-resources of a contract that belong to the after-sales service module, not to the fulfilment team.
    static let serviceSegments: Set<String> = ["service-plan"]

    /// The contract a request writes to, read from its path (`/contracts/:id/…`, `/milestones/:id/…`, …) or, for
    /// `POST /escalations`, from the body's `contract_id`. Nil when the request is not about one contract.
    static func contractID(of req: Request) async throws -> UUID? {
        var segments = req.url.path.split(separator: "/").map(String.init)
        if segments.starts(with: ["api", "v1"]) { segments.removeFirst(2) }
        guard let first = segments.first else { return nil }
        if segments.count >= 2, let id = UUID(uuidString: segments[1]) {
            // After-sales service is run by the service desk across all contracts; its own rules (issue #6) decide.
            if first == "contracts", segments.count >= 3, serviceSegments.contains(segments[2]) { return nil }
            if first == "contracts" { return id }
            guard let table = owners[first] else { return nil }
            // Table names come from the fixed map above; the id is a bound parameter.
            let row = try await req.db.sql.select().column("contract_id").from(table).where("id", .equal, SQLBind(id)).first()
            return try row?.decode(column: "contract_id", as: UUID?.self)
        }
        if first == "escalations", segments.count == 1, req.method == .POST, let body = req.body.data,
           let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
           let raw = object["contract_id"] as? String {
            return UUID(uuidString: raw)
        }
        return nil
    }
}

/// Applies `ContractScope` to every state-changing request of the staff API and staff pages, so no route can forget it.
struct ContractScopeMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if ![.GET, .HEAD, .OPTIONS].contains(request.method), let user = request.auth.get(User.self), ContractScope.isScoped(user.role),
           let contractID = try await ContractScope.contractID(of: request) {
            try await ContractScope.requireWrite(user, contractID: contractID, on: request.db)
        }
        return try await next.respond(to: request)
    }
}

/// Keeps customer contacts off the staff API and staff pages (they have `/portal`). On the API a few self-service
/// routes stay open to them: `/me`, `/me/password`.
struct StaffOnlyMiddleware: AsyncMiddleware {
    static let customerAPIPaths: Set<String> = ["/api/v1/me", "/api/v1/me/password"]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let user = request.auth.get(User.self), user.role == .customerContact, !Self.customerAPIPaths.contains(request.url.path) {
            if request.url.path.hasPrefix("/api/") { throw AppError.forbidden("customer contacts use the customer portal, not the staff API") }
            if request.method == .GET { return request.redirect(to: PortalPaths.home.path, redirectType: .normal) }
            throw AppError.forbidden("customer contacts use the customer portal")
        }
        return try await next.respond(to: request)
    }
}

/// The portal's side: only customer contacts (staff have the staff pages).
struct CustomerOnlyMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = request.auth.get(User.self), user.role == .customerContact, user.customerID != nil else {
            if request.method == .GET { return request.redirect(to: SitePath.contracts.path, redirectType: .normal) }
            throw AppError.forbidden("the customer portal is for customer contacts")
        }
        return try await next.respond(to: request)
    }
}

/// The single gate for customer-visible data (issue #5): every portal query starts from `contracts(for:)`, so a
/// customer contact sees its own customer's contracts and what hangs off them, and nothing else — not by id, not
/// by filter, not by export. Another customer's record is answered 404 (its existence does not leak) and logged.
enum CustomerScope {
    /// The customer whose records `user` may see in the portal, or nil (then nothing is visible). Records that carry
    /// a `customer_id` of their own (service requests, plans, notices — issue #6) filter on exactly this.
    static func customerID(for user: User) -> UUID? {
        user.role == .customerContact ? user.customerID : nil
    }

    /// The contracts `user` may see: its customer's. A user without a customer sees none.
    static func contracts(for user: User, on db: any Database) -> QueryBuilder<Contract> {
        let q = Contract.query(on: db)
        guard let customer = customerID(for: user) else {
            // Not a customer contact: this gate is only for the portal; give nothing rather than everything.
            return q.filter(\.$id == UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        }
        return q.filter(\.$customer.$id == customer)
    }

    /// One of the user's contracts, or 404 (recorded as a hidden denial).
    static func contract(_ req: Request, id: UUID) async throws -> Contract {
        let user = try req.user
        if let found = try await contracts(for: user, on: req.db).filter(\.$id == id).first() { return found }
        req.storage[HiddenDenialKey.self] = true
        throw AppError.notFound(entity: "contract", id: id.uuidString)
    }

    /// The ids of the user's contracts, for filtering records that hang off a contract.
    static func contractIDs(for user: User, on db: any Database) async throws -> [UUID] {
        try await contracts(for: user, on: db).all(\.$id)
    }
}
