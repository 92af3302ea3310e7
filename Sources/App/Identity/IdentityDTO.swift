import Fluent
import Vapor

struct DepartmentResponse: Content, HasVersion {
    var id: UUID
    var code: String
    var name: String
    var active: Bool
    var version: Int
}

struct CreateDepartmentRequest: Decodable {
    var code: String?
    var name: String?

    func validated() throws -> (code: String, name: String) {
        var check = FieldCheck()
        let code = check.text(code, "code", max: 40)
        if let code, !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            check.fail("code", "may contain only letters, digits, - and _")
        }
        let name = check.text(name, "name", max: 100)
        try check.throwIfAny()
        return (code!, name!)
    }
}

struct UpdateDepartmentRequest: Decodable {
    var name: Patch<String>
    var active: Patch<Bool>

}

extension Department: AuditedModel {
    static let entityType = "department"
    func response(_ ctx: ResponseContext) -> DepartmentResponse {
        DepartmentResponse(id: id!, code: code, name: name, active: active, version: version)
    }
}

struct UserResponse: Content, HasVersion {
    var id: UUID
    var username: String
    var displayName: String
    var email: String?
    var phone: String?
    var departmentId: UUID?
    var role: Role
    var customerId: UUID?
    var active: Bool
    var version: Int
}

extension User: AuditedModel {
    static let entityType = "user"
    func response(_ ctx: ResponseContext) -> UserResponse {
        UserResponse(id: id!, username: username, displayName: displayName, email: email, phone: phone,
                     departmentId: $department.id, role: role, customerId: customerID, active: active, version: version)
    }
}

struct CreateUserRequest: Decodable {
    var username: String?
    var displayName: String?
    var password: String?
    var role: String?
    var departmentId: UUID?
    var customerId: UUID?
    var email: String?
    var phone: String?
}

struct UpdateUserRequest: Decodable {
    var displayName: Patch<String>
    var role: Patch<String>
    var departmentId: Patch<UUID>
    var email: Patch<String>
    var phone: Patch<String>
    var active: Patch<Bool>
    var password: Patch<String>

}

struct CustomerResponse: Content, HasVersion {
    var id: UUID
    var name: String
    var shortName: String?
    var industry: String?
    var address: String?
    var version: Int
}

extension Customer: AuditedModel {
    static let entityType = "customer"
    func response(_ ctx: ResponseContext) -> CustomerResponse {
        CustomerResponse(id: id!, name: name, shortName: shortName, industry: industry, address: address, version: version)
    }
}

/// Create and update share one shape: on create `name` is required, on update every field is optional.
struct CustomerRequest: Decodable {
    var name: Patch<String>
    var shortName: Patch<String>
    var industry: Patch<String>
    var address: Patch<String>

    func apply(to customer: Customer, creating: Bool) throws {
        var check = FieldCheck()
        if creating || !name.isAbsent { customer.name = check.text(name.value, "name", max: 200) ?? "" }
        if !shortName.isAbsent { customer.shortName = check.text(shortName.value, "short_name", max: 60, required: false) }
        if !industry.isAbsent { customer.industry = check.text(industry.value, "industry", max: 100, required: false) }
        if !address.isAbsent { customer.address = check.text(address.value, "address", max: 300, required: false) }
        try check.throwIfAny()
    }
}

struct ContactResponse: Content, HasVersion {
    var id: UUID
    var customerId: UUID
    var name: String
    var title: String?
    var phone: String?
    var email: String?
    var version: Int
}

extension CustomerContact: AuditedModel {
    static let entityType = "customer_contact"
    func response(_ ctx: ResponseContext) -> ContactResponse {
        ContactResponse(id: id!, customerId: $customer.id, name: name, title: title, phone: phone, email: email, version: version)
    }
}

struct ContactRequest: Decodable {
    var name: Patch<String>
    var title: Patch<String>
    var phone: Patch<String>
    var email: Patch<String>

    func apply(to contact: CustomerContact, creating: Bool) throws {
        var check = FieldCheck()
        if creating || !name.isAbsent { contact.name = check.text(name.value, "name", max: 100) ?? "" }
        if !title.isAbsent { contact.title = check.text(title.value, "title", max: 100, required: false) }
        if !phone.isAbsent { contact.phone = check.text(phone.value, "phone", max: 40, required: false) }
        if !email.isAbsent {
            contact.email = check.text(email.value, "email", max: 200, required: false)
            if let e = contact.email, !EmailAddress.isPlausible(e) { check.fail("email", "is not an email address") }
        }
        try check.throwIfAny()
    }
}

enum EmailAddress {
    static func isPlausible(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !s.contains(" ")
    }
}

struct TokenRequest: Decodable {
    var username: String?
    var password: String?
    var name: String?
    var expiresInHours: Int?
}

struct TokenResponse: Content {
    var token: String
    var expiresAt: Date?
}
