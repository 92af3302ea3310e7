import Fluent
import Foundation
import LvyueCore
import Vapor

/// What each kind of job takes and does (issue #8). Parameters are checked when the job is created — a bad one is a
/// 422 then, not a failed job later — and the work is the same code the synchronous endpoints and the CLI run.
enum JobWork {
    static let exportKeys: Set<String> = ExportFilter.keys.union(["form", "format"])
    static let reportKeys: Set<String> = ["quarter", "customer_id", "department_id", "category", "lang"]
    static let importKeys: Set<String> = ["dry_run", "filename"]

    /// The parameters as they will be stored: checked, empty values dropped, defaults filled in.
    static func validate(_ kind: JobKind, _ raw: [String: String]) throws -> [String: String] {
        var params = raw.compactMapValues { v -> String? in
            let t = v.trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? nil : t
        }
        var check = FieldCheck()
        let allowed: Set<String> = switch kind {
        case .export: exportKeys
        case .quarterlyReport: reportKeys
        case .contractImport: importKeys
        }
        for key in params.keys.sorted() where !allowed.contains(key) { check.fail("params.\(key)", "is not a parameter of a \(kind.rawValue) job") }
        try check.throwIfAny()
        switch kind {
        case .export:
            guard let raw = params["form"] else { throw AppError.invalid(fields: ["params.form": "is required: one of " + formList]) }
            guard let form = ExportForm(rawValue: raw) else { throw AppError.invalid(fields: ["params.form": "must be one of " + formList]) }
            let format = params["format"] ?? ExportFormat.xlsx.rawValue
            guard ExportFormat(rawValue: format) != nil else { throw AppError.invalid(fields: ["params.format": "must be xlsx or csv"]) }
            params["format"] = format
            do { _ = try ExportFilter(form, params) } catch let e as AppError { throw prefixed(e) }
        case .quarterlyReport:
            do {
                _ = try ReportParams(quarter: params["quarter"], customerID: params["customer_id"], departmentID: params["department_id"],
                                     category: params["category"])
            } catch let e as AppError { throw prefixed(e) }
            let lang = params["lang"].flatMap(Lang.init(tag:)) ?? .zhCN
            if let l = params["lang"], Lang(tag: l) == nil { throw AppError.invalid(fields: ["params.lang": "must be zh-CN or en"]) }
            params["lang"] = lang.rawValue
        case .contractImport:
            params["dry_run"] = try ImportController.dryRun(params["dry_run"]) ? "true" : "false"
            if let name = params["filename"], name.count > 200 { throw AppError.invalid(fields: ["params.filename": "must be at most 200 characters"]) }
        }
        return params
    }

    static var formList: String { ExportForm.allCases.map(\.rawValue).joined(separator: ", ") }

    private static func prefixed(_ e: AppError) -> AppError {
        guard !e.fields.isEmpty else { return e }
        return .invalid(fields: Dictionary(uniqueKeysWithValues: e.fields.map { ("params." + $0.key, $0.value) }))
    }

    /// Whether `role` may run the work: the permission of the export, report or import itself.
    static func allowed(_ role: Role, _ kind: JobKind, _ params: [String: String]) -> Bool {
        guard Permissions.allows(role, .create, .job) else { return false }
        switch kind {
        case .export:
            guard let form = params["form"].flatMap(ExportForm.init(rawValue:)) else { return true }  // refused as invalid instead
            return Permissions.allows(role, .read, form.resource)
        case .quarterlyReport:
            return Permissions.allows(role, .read, .report)
        case .contractImport:
            return [Resource.contract, .clause, .responsibility, .milestone].allSatisfy { Permissions.allows(role, .create, $0) }
        }
    }

    static func require(_ req: Request, _ kind: JobKind, _ params: [String: String]) throws {
        let user = try req.user
        guard allowed(user.role, kind, params) else {
            throw AppError.forbidden("role \(user.role.rawValue) may not run a \(kind.rawValue) job of this kind")
        }
    }

    /// Does the job's work, reporting progress through `ProgressReporter.current`.
    static func run(_ app: Application, _ job: Job) async throws -> JobService.Outcome {
        let p = job.parameters
        switch job.kind {
        case .export:
            guard let form = p["form"].flatMap(ExportForm.init(rawValue:)), let format = ExportFormat(rawValue: p["format"] ?? "xlsx") else {
                throw AppError.invalid(fields: ["params.form": "must be one of " + formList])
            }
            // Written straight into the jobs directory; `JobService.complete` moves it into place.
            let part = try JobFiles.partPath(app, name: job.id!.uuidString.lowercased() + "-result")
            let file = try await ExportService.file(form, try ExportFilter(form, p), format: format, to: part, on: app.db, now: app.deps.now())
            return .init(filename: file.filename, contentType: format.contentType, file: file.path)
        case .quarterlyReport:
            let params = try ReportParams(quarter: p["quarter"], customerID: p["customer_id"], departmentID: p["department_id"], category: p["category"])
            let t = Localization.shared.strings(p["lang"].flatMap(Lang.init(tag:)) ?? .zhCN)
            let reporter = ProgressReporter.current
            reporter?.expect(2)
            let r = try await QuarterlyReportService.report(params.quarter, filters: params.filters, on: app.db, now: app.deps.now())
            try await reporter?.advance(1)
            let data = try ReportWorkbook.workbook(r, t).data()
            try await reporter?.advance(1)
            return .init(filename: ReportWorkbook.filename(r), contentType: ExportFormat.xlsx.contentType, data: data)
        case .contractImport:
            guard let path = job.inputPath, let data = JobFiles.read(path) else {
                return .init(failure: "the uploaded file is no longer there; upload it again")
            }
            let sheets: [ImportSheet]
            do {
                sheets = try ContractImport.sheets(from: [(p["filename"] ?? "upload.xlsx", data)])
            } catch let e as ImportFileError {
                return .init(failure: e.description)
            }
            let dryRun = p["dry_run"] == "true"
            let actor = Actor(id: job.createdByID, name: job.createdByName)
            let result = try await ContractImport.run(app, actor: actor, sheets: sheets, dryRun: dryRun)
            let counts = "\(result.contracts) contract(s), \(result.clauses) clause(s), \(result.responsibilities) responsibility row(s), "
                + "\(result.milestones) milestone(s)"
            if !result.ok {
                return .init(filename: "import-report.json", contentType: "application/json", report: result,
                             failure: "\(result.problems.count) problem(s); nothing was imported")
            }
            return .init(filename: "import-report.json", contentType: "application/json", report: result,
                         message: dryRun ? "dry run: all rows are good; would import \(counts)" : "imported \(counts)")
        }
    }
}
