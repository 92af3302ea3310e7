import Fluent
import SQLKit
import Vapor

/// A member of a contract's team (issue #5): a user or a whole department, with its role on the contract.
/// The contract's owner and its responsible department are members without a row here.
final class ContractMember: Model, @unchecked Sendable {  // Fluent models are confined to one task; Fluent's convention.
    static let schema = "contract_members"

    @ID(key: .id) var id: UUID?
    @Parent(key: "contract_id") var contract: Contract
    @OptionalParent(key: "user_id") var user: User?
    @OptionalParent(key: "department_id") var department: Department?
    @Field(key: "role_on_contract") var roleOnContract: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

struct CreateContractMembers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ContractMember.schema)
            .id()
            .field("contract_id", .uuid, .required, .references(Contract.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .references(User.schema, "id", onDelete: .cascade))
            .field("department_id", .uuid, .references(Department.schema, "id", onDelete: .cascade))
            .field("role_on_contract", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.sql.raw("CREATE INDEX contract_members_contract ON contract_members (contract_id)").run()
        try await database.sql.raw("CREATE INDEX contract_members_user ON contract_members (user_id)").run()
        try await database.sql.raw("CREATE INDEX contract_members_department ON contract_members (department_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ContractMember.schema).delete()
    }
}

struct ContractMemberResponse: Content, HasVersion {
    var id: UUID
    var contractId: UUID
    var userId: UUID?
    var departmentId: UUID?
    var roleOnContract: String
    var version: Int
}

extension ContractMember: AuditedModel {
    static let entityType = "contract_member"
    func response(_ ctx: ResponseContext) -> ContractMemberResponse {
        ContractMemberResponse(id: id!, contractId: $contract.id, userId: $user.id, departmentId: $department.id,
                               roleOnContract: roleOnContract, version: version)
    }
}

struct ContractMemberInput: Decodable {
    var userId: UUID?
    var departmentId: UUID?
    var roleOnContract: String?

    func apply(to member: ContractMember, db: any Database) async throws {
        var check = FieldCheck()
        if (userId == nil) == (departmentId == nil) { check.fail("user_id", "give exactly one of user_id and department_id") }
        let role = check.text(roleOnContract, "role_on_contract", max: 60, required: false) ?? "member"
        try check.throwIfAny()
        if let userId {
            guard let user = try await User.find(userId, on: db) else { throw AppError.invalid(fields: ["user_id": "no such record"]) }
            if user.role == .customerContact { throw AppError.invalid(fields: ["user_id": "a customer contact cannot be on a contract team"]) }
        }
        try await Writes.requireReference(Department.self, departmentId, field: "department_id", on: db)
        let duplicate = ContractMember.query(on: db).filter(\.$contract.$id == member.$contract.id)
        if let userId { duplicate.filter(\.$user.$id == userId) } else { duplicate.filter(\.$department.$id == departmentId) }
        if try await duplicate.first() != nil { throw AppError.duplicate(field: userId != nil ? "user_id" : "department_id", reason: "already on the team") }
        member.$user.id = userId
        member.$department.id = departmentId
        member.roleOnContract = role
    }
}

/// `GET/POST /contracts/{id}/team`, `DELETE /team-members/{id}`.
struct ContractTeamAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("contracts", ":id", "team", use: list)
        routes.post("contracts", ":id", "team", use: add)
        routes.delete("team-members", ":id", use: remove)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .contractTeam)
        let contract = try await Writes.find(Contract.self, try req.pathID(entity: "contract"), on: req.db)
        let page = try PageRequest(req)
        let rows = try await page.apply(ContractMember.query(on: req.db).filter(\.$contract.$id == contract.id!)).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func add(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .contractTeam)
        let contractID = try req.pathID(entity: "contract")
        let input = try req.decodeJSON(ContractMemberInput.self)
        _ = try await Writes.find(Contract.self, contractID, on: req.db)
        let member = ContractMember()
        member.$contract.id = contractID
        member.id = req.deps.newID()
        let pending = member
        let created = try await Writes.create(req.application, actor: req.actor, pending, prepare: { db in
            try await input.apply(to: pending, db: db)
        })
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func remove(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .contractTeam)
        try await Writes.delete(req.application, actor: req.actor, ContractMember.self, id: try req.pathID(entity: "contract_member"),
                                expectedVersion: try Precondition.expectedVersion(req))
        return Response(status: .noContent)
    }
}

/// Creating a contract: the creator joins its team, so the legal staff who enter a contract can go on to read it
/// clause by clause (the standard's 逐条解读) and record its clauses and responsibilities without waiting for a manager.
enum ContractTeam {
    /// Creates the contract and, in the same transaction, adds the creator to its team (role `creator`) unless they
    /// are on it already (as its owner or through the responsible department); both writes are audited.
    static func createContract(_ app: Application, actor: Actor, _ contract: Contract, input: ContractInput) async throws -> Contract.Response {
        let now = app.deps.now()
        let ctx = ResponseContext(now: now)
        let newID = app.deps.newID
        if contract.id == nil { contract.id = newID() }
        contract.version = 1
        return try await Store.write(app) { db in
            try await input.apply(to: contract, creating: true, db: db)
            try await contract.create(on: db)
            let after = contract.response(ctx)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: Contract.entityType,
                                      entityID: contract.id!.uuidString, after: after)
            try await joinCreator(actor, contractID: contract.id!, on: db, now: now, newID: newID)
            return after
        }
    }

    private static func joinCreator(_ actor: Actor, contractID: UUID, on db: any Database, now: Date,
                                    newID: @Sendable () -> UUID) async throws {
        guard let userID = actor.id, let user = try await User.find(userID, on: db),
              user.role != .customerContact, ContractScope.isScoped(user.role) else { return }
        if try await ContractScope.isMember(user, contractID: contractID, on: db) { return }
        let member = ContractMember()
        member.id = newID()
        member.$contract.id = contractID
        member.$user.id = userID
        member.roleOnContract = "creator"
        member.version = 1
        try await member.create(on: db)
        try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: ContractMember.entityType,
                                  entityID: member.id!.uuidString, after: member.response(ResponseContext(now: now)))
    }
}
