import Fluent
import Foundation
import Vapor

/// `POST /api/v1/imports/contracts[?dry_run=true]`: the body is an XLSX workbook (contracts, 模板1, 模板2 sheets) or one
/// CSV sheet. 200 with the report for a dry run, 201 when everything was written, 422 with the report (every bad row
/// and column) when anything was refused — then nothing was written.
struct ImportController {
    static let maxBody: ByteCount = "20mb"

    func register(api: any RoutesBuilder) {
        api.on(.POST, "imports", "contracts", body: .collect(maxSize: Self.maxBody), use: importContracts).runningLong()
    }

    /// Importing creates contracts, clauses, 模板1 and 模板2 rows: the role must be allowed all four.
    static func requirePermission(_ req: Request) throws {
        for resource in [Resource.contract, .clause, .responsibility, .milestone] { try Permissions.require(req, .create, resource) }
    }

    static func dryRun(_ raw: String?) throws -> Bool {
        switch raw {
        case nil, "", "false", "0": return false
        case "true", "1": return true
        default: throw AppError.invalid(fields: ["dry_run": "must be true or false"])
        }
    }

    @Sendable func importContracts(req: Request) async throws -> Response {
        try Self.requirePermission(req)
        let dryRun = try Self.dryRun(req.query[String.self, at: "dry_run"])
        guard let buffer = req.body.data, buffer.readableBytes > 0 else {
            throw AppError.badRequest("the body must be an XLSX workbook or a CSV file")
        }
        let sheets: [ImportSheet]
        do {
            sheets = try ContractImport.sheets(from: [("upload.csv", Data(buffer.readableBytesView))])
        } catch let e as ImportFileError {
            throw AppError.badRequest(e.description)
        }
        let result = try await ContractImport.run(req.application, actor: req.actor, sheets: sheets, dryRun: dryRun)
        return try .json(result, status: !result.ok ? .unprocessableEntity : dryRun ? .ok : .created)
    }
}
