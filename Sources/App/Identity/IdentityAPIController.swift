import Fluent
import Vapor

struct AuthAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("auth", "token", use: token)
    }

    @Sendable func token(req: Request) async throws -> Response {
        let body = try req.decodeJSON(TokenRequest.self)
        var check = FieldCheck()
        let username = check.text(body.username, "username", max: 100)
        let password = body.password ?? ""
        if password.isEmpty { check.fail("password", "is required") }
        let hours = check.range(body.expiresInHours, "expires_in_hours", 1...(24 * 365), required: false)
        let name = check.text(body.name, "name", max: 100, required: false) ?? "api"
        try check.throwIfAny()
        let user = try await AuthService.signIn(req, username: username!, password: password, channel: "api")
        let issued = try await AuthService.issueToken(req.application, user: user, name: name, expiresInHours: hours ?? 24 * 30)
        return try .json(issued, status: .created)
    }
}

struct IdentityAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("me", use: me)

        let departments = routes.grouped("departments")
        departments.get(use: listDepartments)
        departments.post(use: createDepartment)
        departments.get(":id", use: showDepartment)
        departments.patch(":id", use: updateDepartment)

        let users = routes.grouped("users")
        users.get(use: listUsers)
        users.post(use: createUser)
        users.get(":id", use: showUser)
        users.patch(":id", use: updateUser)

        let customers = routes.grouped("customers")
        customers.get(use: listCustomers)
        customers.post(use: createCustomer)
        customers.get(":id", use: showCustomer)
        customers.patch(":id", use: updateCustomer)
        customers.delete(":id", use: deleteCustomer)
        customers.get(":id", "contacts", use: listContacts)
        customers.post(":id", "contacts", use: createContact)

        let contacts = routes.grouped("contacts")
        contacts.get(":id", use: showContact)
        contacts.patch(":id", use: updateContact)
        contacts.delete(":id", use: deleteContact)
    }

    @Sendable func me(req: Request) async throws -> Response {
        try .json(try req.user.response(ResponseContext(now: req.now)))
    }

    // MARK: departments

    @Sendable func listDepartments(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .department)
        let page = try PageRequest(req)
        let rows = try await page.apply(Department.query(on: req.db)).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func createDepartment(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .department)
        let input = try req.decodeJSON(CreateDepartmentRequest.self).validated()
        if try await Department.query(on: req.db).filter(\.$code == input.code).first() != nil {
            throw AppError.duplicate(field: "code", reason: "a department with this code exists")
        }
        let created = try await Writes.create(req.application, actor: req.actor, Department(code: input.code, name: input.name))
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func showDepartment(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .department)
        let d = try await Writes.find(Department.self, try req.pathID(entity: "department"), on: req.db)
        return try .json(d.response(ResponseContext(now: req.now)), version: d.version)
    }

    @Sendable func updateDepartment(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .department)
        let body = try req.decodeJSON(UpdateDepartmentRequest.self)
        var check = FieldCheck()
        let name = body.name.isAbsent ? nil : check.text(body.name.value, "name", max: 100)
        if case .null = body.active { check.fail("active", "must be true or false") }
        try check.throwIfAny()
        let updated = try await Writes.update(req.application, actor: req.actor, Department.self,
                                              id: try req.pathID(entity: "department"), expectedVersion: try Precondition.expectedVersion(req)) { d, _ in
            if let name { d.name = name }
            if let active = body.active.value { d.active = active }
        }
        return try .json(updated, version: updated.version)
    }

    // MARK: users

    @Sendable func listUsers(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .user)
        let page = try PageRequest(req)
        let query = User.query(on: req.db)
        if let dept = try req.uuidQuery("department_id") { query.filter(\.$department.$id == dept) }
        if let role = req.query[String.self, at: "role"] {
            guard let r = Role(rawValue: role) else { throw AppError.invalid(fields: ["role": "unknown role"]) }
            query.filter(\.$role == r)
        }
        let rows = try await page.apply(query).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func createUser(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .user)
        let body = try req.decodeJSON(CreateUserRequest.self)
        let user = try await UserService.makeUser(req.application, body)
        let now = req.now, actor = req.actor, username = user.username, role = user.role.rawValue
        let created = try await Writes.create(req.application, actor: req.actor, user, prepare: { db in
            try await SecurityLog.append(on: db, at: now, actor: actor, action: "user.create", subject: username,
                                         detail: ["username": username, "role": role])
        })
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func showUser(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .user)
        let u = try await Writes.find(User.self, try req.pathID(entity: "user"), on: req.db)
        return try .json(u.response(ResponseContext(now: req.now)), version: u.version)
    }

    @Sendable func updateUser(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .user)
        let body = try req.decodeJSON(UpdateUserRequest.self)
        let id = try req.pathID(entity: "user")
        let changes = try await UserService.validate(req.application, body)
        let now = req.now, actor = req.actor
        let updated = try await Writes.update(req.application, actor: req.actor, User.self, id: id,
                                              expectedVersion: try Precondition.expectedVersion(req)) { user, db in
            let (wasActive, oldRole) = (user.active, user.role)
            try await changes.apply(to: user, db: db)
            // Issue #5: deactivation ends sessions and tokens at once; role, activity and password changes are security events.
            if wasActive && !user.active { try await AccountService.endEverything(of: id, at: now, on: db) }
            var detail: [String: String] = [:]
            if oldRole != user.role { detail["role"] = "\(oldRole.rawValue) → \(user.role.rawValue)" }
            if wasActive != user.active { detail["active"] = String(user.active) }
            if changes.passwordHash != nil { detail["password"] = "reset by \(actor.name)" }
            if !detail.isEmpty {
                detail["username"] = user.username
                try await SecurityLog.append(on: db, at: now, actor: actor, action: "user.change", subject: user.username, detail: detail)
            }
        }
        return try .json(updated, version: updated.version)
    }

    // MARK: customers

    @Sendable func listCustomers(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .customer)
        let page = try PageRequest(req)
        let query = Customer.query(on: req.db)
        if let q = req.query[String.self, at: "q"], !q.isEmpty {
            query.group(.or) { $0.filter(\.$name ~~ q).filter(\.$shortName ~~ q) }
        }
        let rows = try await page.apply(query).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func createCustomer(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .customer)
        let customer = Customer()
        try req.decodeJSON(CustomerRequest.self).apply(to: customer, creating: true)
        try await CustomerService.requireUniqueName(customer.name, except: nil, on: req.db)
        let created = try await Writes.create(req.application, actor: req.actor, customer)
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func showCustomer(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .customer)
        let c = try await Writes.find(Customer.self, try req.pathID(entity: "customer"), on: req.db)
        return try .json(c.response(ResponseContext(now: req.now)), version: c.version)
    }

    @Sendable func updateCustomer(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .customer)
        let body = try req.decodeJSON(CustomerRequest.self)
        let id = try req.pathID(entity: "customer")
        let updated = try await Writes.update(req.application, actor: req.actor, Customer.self, id: id,
                                              expectedVersion: try Precondition.expectedVersion(req)) { customer, db in
            try body.apply(to: customer, creating: false)
            try await CustomerService.requireUniqueName(customer.name, except: id, on: db)
        }
        return try .json(updated, version: updated.version)
    }

    @Sendable func deleteCustomer(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .customer)
        try await Writes.delete(req.application, actor: req.actor, Customer.self, id: try req.pathID(entity: "customer"),
                                expectedVersion: try Precondition.expectedVersion(req)) { customer, db in
            let contracts = try await Contract.query(on: db).filter(\.$customer.$id == customer.id!).count()
            if contracts > 0 {
                throw AppError.conflict(code: "in_use", message: "the customer has \(contracts) contract(s); it cannot be deleted")
            }
        }
        return Response(status: .noContent)
    }

    // MARK: contacts

    @Sendable func listContacts(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .customer)
        let customer = try await Writes.find(Customer.self, try req.pathID(entity: "customer"), on: req.db)
        let page = try PageRequest(req)
        let rows = try await page.apply(CustomerContact.query(on: req.db).filter(\.$customer.$id == customer.id!)).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func createContact(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .customer)
        let customer = try await Writes.find(Customer.self, try req.pathID(entity: "customer"), on: req.db)
        let contact = CustomerContact()
        contact.$customer.id = customer.id!
        try req.decodeJSON(ContactRequest.self).apply(to: contact, creating: true)
        let created = try await Writes.create(req.application, actor: req.actor, contact)
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func showContact(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .customer)
        let c = try await Writes.find(CustomerContact.self, try req.pathID(entity: "customer_contact"), on: req.db)
        return try .json(c.response(ResponseContext(now: req.now)), version: c.version)
    }

    @Sendable func updateContact(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .customer)
        let body = try req.decodeJSON(ContactRequest.self)
        let updated = try await Writes.update(req.application, actor: req.actor, CustomerContact.self,
                                              id: try req.pathID(entity: "customer_contact"),
                                              expectedVersion: try Precondition.expectedVersion(req)) { contact, _ in
            try body.apply(to: contact, creating: false)
        }
        return try .json(updated, version: updated.version)
    }

    @Sendable func deleteContact(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .customer)
        try await Writes.delete(req.application, actor: req.actor, CustomerContact.self, id: try req.pathID(entity: "customer_contact"),
                                expectedVersion: try Precondition.expectedVersion(req))
        return Response(status: .noContent)
    }
}
