import Fluent
import Vapor

enum Commands {
    static func register(on app: Application) {
        app.asyncCommands.use(MigrateCommand(), as: "migrate")
        app.asyncCommands.use(UserCommands(), as: "user")
        app.asyncCommands.use(AuditCommands(), as: "audit")
        app.asyncCommands.use(CalendarCommands(), as: "calendar")
        app.asyncCommands.use(SweepCommand(), as: "sweep")
        app.asyncCommands.use(ServiceCommands(), as: "service")  // issue #6
        app.asyncCommands.use(TemplateCommands(), as: "template")  // issue #7
        app.asyncCommands.use(ExportCommand(), as: "export")  // issue #7
        app.asyncCommands.use(ImportCommands(), as: "import")  // issue #7
        app.asyncCommands.use(ReportCommands(), as: "report")  // issue #7
        app.asyncCommands.use(DemoScaleCommand(), as: "demo")  // issue #9
        app.asyncCommands.use(BackupCommand(), as: "backup")  // issue #9
        app.asyncCommands.use(RestoreCommand(), as: "restore")  // issue #9
    }
}

/// `lvyue migrate` — applies pending migrations (no prompt) and creates the first administrator.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Apply database migrations and create the first administrator if there is none." }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await Lvyue.prepare(context.application, demo: false)
        context.console.print("migrations applied")
    }
}

struct UserCommands: AsyncCommandGroup {
    var help: String { "Manage users." }
    var commands: [String: any AnyAsyncCommand] { ["create": UserCreateCommand()] }
}

/// `lvyue user create --username wang.fang --name 王芳 --role legal --department legal --password …`
struct UserCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "username", help: "login name") var username: String?
        @Option(name: "name", help: "display name") var name: String?
        @Option(name: "role", help: "one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))") var role: String?
        @Option(name: "department", help: "department code, e.g. legal") var department: String?
        @Option(name: "password", help: "password (8–128 characters); prompted for when absent") var password: String?
        @Option(name: "email", help: "email address") var email: String?
        @Option(name: "customer", help: "customer id or exact name, for a customer_contact") var customer: String?
    }
    var help: String { "Create a user." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Lvyue.prepare(app, demo: false)
        var departmentID: UUID?
        if let code = signature.department {
            guard let d = try await Department.query(on: app.db).filter(\.$code == code).first() else {
                throw CLIError("no department with code \(code)")
            }
            departmentID = d.id
        }
        var customerID: UUID?
        if let customer = signature.customer {  // issue #5: portal users belong to one customer
            var found: Customer?
            if let id = UUID(uuidString: customer) { found = try await Customer.find(id, on: app.db) }
            if found == nil { found = try await Customer.query(on: app.db).filter(\.$name == customer).first() }
            guard let found else { throw CLIError("no customer \(customer)") }
            customerID = found.id
        }
        let password = signature.password ?? context.console.ask("Password for \(signature.username ?? "the user"):", isSecure: true)
        let request = CreateUserRequest(username: signature.username, displayName: signature.name ?? signature.username,
                                        password: password, role: signature.role ?? Role.viewer.rawValue,
                                        departmentId: departmentID, customerId: customerID, email: signature.email, phone: nil)
        do {
            let user = try await UserService.makeUser(app, request)
            let created = try await Writes.create(app, actor: .system, user)
            context.console.print("created user \(created.username) (\(created.role.rawValue)) id \(created.id)")
        } catch let error as AppError {
            throw CLIError(error.fields.isEmpty ? error.message : error.fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; "))
        }
    }
}

struct AuditCommands: AsyncCommandGroup {
    var help: String { "Inspect the audit trail." }
    var commands: [String: any AnyAsyncCommand] { ["verify": AuditVerifyCommand()] }
}

/// `lvyue audit verify` — exit 0 on an intact chain; otherwise names the first bad event and exits non-zero.
struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Verify the audit trail's hash chain." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let result = try await AuditVerifier.verify(on: context.application.db)
        if let problem = result.problem {
            throw CLIError("audit chain BROKEN after \(result.checked) good event(s): \(problem)")
        }
        context.console.print("audit chain intact: \(result.checked) event(s) verified")
    }
}

/// A command-line failure: its message is printed, the process exits non-zero.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}
