import Fluent
import Foundation
import Vapor

/// `lvyue export FORM --format xlsx|csv --out FILE [filters]` — the same file as `GET /api/v1/exports/{form}`.
/// Contracts, customers and departments may be named (contract number, customer name, department code or name)
/// as well as given by id.
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "form", help: "one of: \(ExportForm.allCases.map(\.rawValue).joined(separator: ", "))") var form: String
        @Option(name: "format", help: "xlsx (default) or csv") var format: String?
        @Option(name: "out", help: "the file to write") var out: String?
        @Option(name: "contract", help: "contract number or id") var contract: String?
        @Option(name: "customer", help: "customer name or id") var customer: String?
        @Option(name: "department", help: "department code, name or id") var department: String?
        @Option(name: "category", help: "contract category") var category: String?
        @Option(name: "status", help: "status, as the form's list takes it") var status: String?
        @Option(name: "from", help: "YYYY-MM-DD, on the form's date") var from: String?
        @Option(name: "to", help: "YYYY-MM-DD, inclusive") var to: String?
        @Option(name: "quarter", help: "e.g. 2026Q3 (instead of from/to)") var quarter: String?
        @Option(name: "level", help: "escalation level 1–3") var level: String?
        @Option(name: "urgency", help: "service requests: urgent, normal, periodic") var urgency: String?
        @Option(name: "type", help: "service requests: request type") var type: String?
        @Option(name: "engineer", help: "service requests: engineer's user id") var engineer: String?
        @Option(name: "breached", help: "service requests: true or false") var breached: String?
        @Option(name: "q", help: "service requests: number, title or description contains") var q: String?
    }
    var help: String { "Export a form of the standard (模板1–4, risks, satisfaction) as XLSX or CSV." }

    func run(using context: CommandContext, signature s: Signature) async throws {
        let app = context.application
        guard let form = ExportForm(rawValue: s.form) else {
            throw CLIError("unknown form \(s.form); one of: \(ExportForm.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let format = ExportFormat(rawValue: s.format ?? "xlsx") else { throw CLIError("--format must be xlsx or csv") }
        guard let out = s.out, !out.isEmpty else { throw CLIError("--out FILE is required") }
        try await Lvyue.prepare(app, demo: false, quiet: true)
        var values: [String: String] = [:]
        values["contract_id"] = try await CLINames.contract(s.contract, on: app.db)
        values["customer_id"] = try await CLINames.customer(s.customer, on: app.db)
        values["department_id"] = try await CLINames.department(s.department, on: app.db)
        values["category"] = s.category
        values["status"] = s.status
        values["from"] = s.from
        values["to"] = s.to
        values["quarter"] = s.quarter
        values["level"] = s.level
        values["urgency"] = s.urgency
        values["type"] = s.type
        values["engineer_id"] = s.engineer
        values["breached"] = s.breached
        values["q"] = s.q
        let file: ExportFile
        do {
            let filter = try ExportFilter(form, values)
            // Issue #8: a bar on a terminal; nothing more when piped.
            file = try await ProgressReporter.withTerminalBar("export \(form.rawValue)") {
                // Written beside FILE and renamed when complete: a failed export leaves FILE as it was.
                try await ExportService.file(form, filter, format: format, to: out + ".part", on: app.db, now: app.deps.now())
            }
        } catch let e as AppError {
            throw CLIError(e.fields.isEmpty ? e.message : e.fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; "))
        } catch let e as CocoaError {
            throw CLIError("cannot write \(out): \(e.localizedDescription)")
        } catch is XlsxError {
            throw CLIError("cannot write \(out)")
        }
        do {
            if FileManager.default.fileExists(atPath: out) { try FileManager.default.removeItem(atPath: out) }
            try FileManager.default.moveItem(atPath: file.path, toPath: out)
        } catch {
            try? FileManager.default.removeItem(atPath: file.path)
            throw CLIError("cannot write \(out): \(error.localizedDescription)")
        }
        context.console.print("wrote \(out) (\(file.size) bytes)")
    }
}

/// Names on the command line → ids.
enum CLINames {
    static func contract(_ value: String?, on db: any Database) async throws -> String? {
        guard let value, !value.isEmpty else { return nil }
        if let id = UUID(uuidString: value) { return id.uuidString }
        guard let c = try await Contract.query(on: db).filter(\.$number == value).first() else { throw CLIError("no contract \(value)") }
        return c.id!.uuidString
    }

    static func customer(_ value: String?, on db: any Database) async throws -> String? {
        guard let value, !value.isEmpty else { return nil }
        if let id = UUID(uuidString: value) { return id.uuidString }
        guard let c = try await Customer.query(on: db).filter(\.$name == value).first() else { throw CLIError("no customer \(value)") }
        return c.id!.uuidString
    }

    static func department(_ value: String?, on db: any Database) async throws -> String? {
        guard let value, !value.isEmpty else { return nil }
        if let id = UUID(uuidString: value) { return id.uuidString }
        let d = try await Department.query(on: db).group(.or) { $0.filter(\.$code == value).filter(\.$name == value) }.first()
        guard let d else { throw CLIError("no department \(value)") }
        return d.id!.uuidString
    }
}

struct ImportCommands: AsyncCommandGroup {
    var help: String { "Import records from XLSX or CSV files." }
    var commands: [String: any AnyAsyncCommand] { ["contracts": ImportContractsCommand()] }
}

/// `lvyue import contracts FILE [--dry-run]` — FILE is an XLSX workbook (the layout of `lvyue export contracts`), one CSV
/// sheet, or a directory of CSV files (one per sheet, recognised by their header rows). Every bad row is printed
/// (sheet, row, column, reason) and the exit status is non-zero; then nothing was written.
struct ImportContractsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "an .xlsx workbook, a .csv sheet, or a directory of .csv sheets") var file: String
        @Flag(name: "dry-run", help: "check every row and report, write nothing") var dryRun: Bool
    }
    var help: String { "Import contracts with their clauses, 模板1 and 模板2 rows (all or nothing)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        var files: [(name: String, data: Data)] = []
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: signature.file, isDirectory: &isDirectory) else {
            throw CLIError("cannot read \(signature.file)")
        }
        if isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: signature.file)) ?? []
            for name in names.sorted() where name.lowercased().hasSuffix(".csv") || name.lowercased().hasSuffix(".xlsx") {
                let path = (signature.file as NSString).appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
                files.append((name, data))
            }
            if files.isEmpty { throw CLIError("\(signature.file) holds no .csv or .xlsx file") }
        } else {
            guard let data = FileManager.default.contents(atPath: signature.file) else { throw CLIError("cannot read \(signature.file)") }
            files.append(((signature.file as NSString).lastPathComponent, data))
        }
        try await Lvyue.prepare(app, demo: false, quiet: true)
        // A new database gets its standard departments (and first administrator) before the rows that name them.
        try await Bootstrap.ensureAdministrator(app)
        let sheets: [ImportSheet]
        do { sheets = try ContractImport.sheets(from: files) } catch let e as ImportFileError { throw CLIError(e.description) }
        let actor = Actor(id: nil, name: "import (cli)")
        let result = try await ProgressReporter.withTerminalBar(signature.dryRun ? "check contracts" : "import contracts") {  // issue #8
            try await ContractImport.run(app, actor: actor, sheets: sheets, dryRun: signature.dryRun)
        }
        for name in result.ignoredSheets { context.console.print("ignored sheet \(name): its header row is not 合同, 模板1 or 模板2") }
        if !result.problems.isEmpty {
            context.console.print("sheet\trow\tcolumn\treason")
            for p in result.problems { context.console.print("\(p.sheet)\t\(p.row)\t\(p.column)\t\(p.reason)") }
            throw CLIError("\(result.problems.count) problem(s); nothing was imported")
        }
        let what = "\(result.contracts) contract(s), \(result.clauses) clause(s), \(result.responsibilities) responsibility row(s), "
            + "\(result.milestones) milestone(s)"
        if !result.createdCustomers.isEmpty { context.console.print("new customers: " + result.createdCustomers.joined(separator: ", ")) }
        if !result.createdUsers.isEmpty {
            context.console.print("new inactive accounts for named people: " + result.createdUsers.joined(separator: ", "))
        }
        context.console.print(signature.dryRun ? "dry run: all rows are good; would import \(what)" : "imported \(what)")
    }
}
