import Fluent
import Foundation

/// The small reference lists forms and tables need (customers, staff, departments), loaded with one query each.
struct Lookups: Sendable {
    var customers: [(id: UUID, name: String)] = []
    var users: [(id: UUID, name: String)] = []
    var departments: [(id: UUID, name: String)] = []

    /// A select never lists more than this many customers; beyond that a search field would be needed.
    static let customerLimit = 1000

    static func load(on db: any Database, customers: Bool = true, users: Bool = true, departments: Bool = true) async throws -> Lookups {
        var l = Lookups()
        if customers {
            l.customers = try await Customer.query(on: db).sort(\.$name).limit(customerLimit).all().map { ($0.id!, $0.name) }
        }
        if users {
            l.users = try await User.query(on: db).filter(\.$active == true).filter(\.$role != .customerContact)
                .sort(\.$displayName).all().map { ($0.id!, $0.displayName) }
        }
        if departments {
            l.departments = try await Department.query(on: db).filter(\.$active == true).sort(\.$code).all().map { ($0.id!, $0.name) }
        }
        return l
    }

    var customerOptions: [(value: String, label: String)] { customers.map { ($0.id.formValue, $0.name) } }
    var userOptions: [(value: String, label: String)] { users.map { ($0.id.formValue, $0.name) } }
    var departmentOptions: [(value: String, label: String)] { departments.map { ($0.id.formValue, $0.name) } }
}

extension Array where Element == (id: UUID, name: String) {
    func name(_ id: UUID?) -> String? { id.flatMap { id in first { $0.id == id }?.name } }
}
