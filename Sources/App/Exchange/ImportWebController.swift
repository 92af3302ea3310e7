import Fluent
import Vapor

/// The contract import page (issue #7): upload a workbook, see every bad row, or the counts of what was written.
struct ImportWebController {
    func register(on routes: any RoutesBuilder) {
        routes.get(ExchangePaths.importContracts.components, use: show)
        routes.on(.POST, ExchangePaths.importContracts.components, body: .collect(maxSize: ImportController.maxBody), use: upload)
    }

    struct UploadForm: Content {
        var file: File?
        var dryRun: String?

        enum CodingKeys: String, CodingKey { case file, dryRun = "dry_run" }
    }

    struct Page: Encodable, Sendable {
        struct Problem: Encodable, Sendable { var sheet: String; var row: Int; var column: String; var reason: String }
        var action: String
        var templateURL: String
        var dryRunChecked: Bool
        var error: String?
        var okMessage: String?
        var counts: String?
        var newCustomers: String?
        var newUsers: String?
        var problems: [Problem]
    }

    static func page(_ req: Request, dryRun: Bool = true, error: String? = nil, result: ImportResult? = nil) -> Page {
        let t = req.strings
        var page = Page(action: ExchangePaths.importContracts.path, templateURL: ExchangePaths.exportLink(.contracts, .xlsx),
                        dryRunChecked: dryRun, error: error, problems: [])
        if let result {
            page.problems = result.problems.map { Page.Problem(sheet: $0.sheet, row: $0.row, column: $0.column, reason: $0.reason) }
            if result.ok {
                page.okMessage = t[result.dryRun ? "exchange_import_ok_dry" : "exchange_import_ok"]
                page.counts = t.format("exchange_import_counts", ["contracts": String(result.contracts), "clauses": String(result.clauses),
                                                                  "responsibilities": String(result.responsibilities),
                                                                  "milestones": String(result.milestones)])
                if !result.createdCustomers.isEmpty { page.newCustomers = result.createdCustomers.joined(separator: "、") }
                if !result.createdUsers.isEmpty { page.newUsers = result.createdUsers.joined(separator: "、") }
            }
        }
        return page
    }

    @Sendable func show(req: Request) async throws -> Response {
        try ImportController.requirePermission(req)
        return try await WebView.render(req, "exchange/import", title: req.strings["exchange_import_title"], Self.page(req))
    }

    @Sendable func upload(req: Request) async throws -> Response {
        try ImportController.requirePermission(req)
        let t = req.strings
        let form = try? req.content.decode(UploadForm.self)
        let dryRun = form?.dryRun != nil
        guard let file = form?.file, file.data.readableBytes > 0 else {
            return try await WebView.render(req, "exchange/import", title: t["exchange_import_title"],
                                            Self.page(req, dryRun: dryRun, error: t["exchange_no_file"]), status: .unprocessableEntity)
        }
        let sheets: [ImportSheet]
        do {
            sheets = try ContractImport.sheets(from: [(file.filename, Data(file.data.readableBytesView))])
        } catch let e as ImportFileError {
            return try await WebView.render(req, "exchange/import", title: t["exchange_import_title"],
                                            Self.page(req, dryRun: dryRun, error: e.description), status: .unprocessableEntity)
        }
        _ = sheets
        // Issue #8: the import runs as a background job; its page shows the progress, then this report.
        let params = try JobWork.validate(.contractImport, ["dry_run": dryRun ? "true" : "false", "filename": String(file.filename.prefix(200))])
        let job = try await JobService.create(req.application, actor: req.actor, kind: .contractImport, params: params,
                                              input: Data(file.data.readableBytesView))
        return req.redirect(to: JobPaths.page(job.id), redirectType: .normal)
    }
}
