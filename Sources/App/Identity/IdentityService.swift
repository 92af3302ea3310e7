import Fluent
import Vapor

enum CustomerService {
    static func requireUniqueName(_ name: String, except id: UUID?, on db: any Database) async throws {
        let query = Customer.query(on: db).filter(\.$name == name)
        if let id { query.filter(\.$id != id) }
        if try await query.first() != nil { throw AppError.duplicate(field: "name", reason: "a customer with this name exists") }
    }
}

enum UserService {
    /// Validates a new user and hashes its password; the caller writes it with `Writes.create`.
    static func makeUser(_ app: Application, _ body: CreateUserRequest) async throws -> User {
        var check = FieldCheck()
        let username = check.text(body.username, "username", max: 64)
        if let username, !username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) {
            check.fail("username", "may contain only letters, digits, '.', '_' and '-'")
        }
        let displayName = check.text(body.displayName, "display_name", max: 100)
        let role = check.oneOf(body.role, "role", Role.self)
        if let password = body.password {
            if let problem = Passwords.policyProblem(password) { check.fail("password", problem) }
        } else {
            check.fail("password", "is required")
        }
        if role == .customerContact && body.customerId == nil { check.fail("customer_id", "is required for a customer contact") }
        let email = check.text(body.email, "email", max: 200, required: false)
        if let email, !EmailAddress.isPlausible(email) { check.fail("email", "is not an email address") }
        let phone = check.text(body.phone, "phone", max: 40, required: false)
        try check.throwIfAny()
        try await Writes.requireReference(Department.self, body.departmentId, field: "department_id", on: app.db)
        try await Writes.requireReference(Customer.self, body.customerId, field: "customer_id", on: app.db)
        if try await User.query(on: app.db).filter(\.$username == username!).first() != nil {
            throw AppError.duplicate(field: "username", reason: "this username is taken")
        }
        let user = User()
        user.username = username!
        user.displayName = displayName!
        user.role = role!
        user.$department.id = body.departmentId
        user.customerID = body.customerId
        user.email = email
        user.phone = phone
        user.active = true
        user.passwordHash = try await Passwords.hash(body.password!, app: app)
        return user
    }

    struct Changes: Sendable {
        var displayName: String?
        var role: Role?
        var departmentID: Patch<UUID>
        var email: Patch<String>
        var phone: Patch<String>
        var active: Bool?
        var passwordHash: String?

        func apply(to user: User, db: any Database) async throws {
            if let displayName { user.displayName = displayName }
            if let role { user.role = role }
            if !departmentID.isAbsent {
                try await Writes.requireReference(Department.self, departmentID.value, field: "department_id", on: db)
                user.$department.id = departmentID.value
            }
            if !email.isAbsent { user.email = email.value }
            if !phone.isAbsent { user.phone = phone.value }
            if let active { user.active = active }
            if let passwordHash { user.passwordHash = passwordHash }
        }
    }

    static func validate(_ app: Application, _ body: UpdateUserRequest) async throws -> Changes {
        var check = FieldCheck()
        let displayName = body.displayName.isAbsent ? nil : check.text(body.displayName.value, "display_name", max: 100)
        let role = body.role.isAbsent ? nil : check.oneOf(body.role.value, "role", Role.self)
        var email = body.email
        if case .value(let e) = body.email {
            let trimmed = check.text(e, "email", max: 200, required: false)
            if let trimmed, !EmailAddress.isPlausible(trimmed) { check.fail("email", "is not an email address") }
            email = trimmed.map { .value($0) } ?? .null
        }
        if case .null = body.active { check.fail("active", "must be true or false") }
        var password: String?
        switch body.password {
        case .absent: break
        case .null: check.fail("password", "must not be null")
        case .value(let p): if let problem = Passwords.policyProblem(p) { check.fail("password", problem) } else { password = p }
        }
        try check.throwIfAny()
        let hash: String? = if let password { try await Passwords.hash(password, app: app) } else { nil }
        return Changes(displayName: displayName, role: role, departmentID: body.departmentId, email: email,
                       phone: body.phone, active: body.active.value, passwordHash: hash)
    }
}
