import Fluent
import Foundation
import LvyueCore
import Vapor

enum ExportFormat: String, CaseIterable, Sendable {
    case xlsx, csv

    var contentType: String {
        switch self {
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .csv: "text/csv; charset=utf-8"
        }
    }
}

/// An exported file: bytes, type and a name.
struct ExportFile: Sendable {
    var data: Data
    var format: ExportFormat
    var filename: String
}

extension ExportService {
    /// The form as a file, filtered; the name says what and when ("milestones-2026-03-02.xlsx").
    static func file(_ form: ExportForm, _ filter: ExportFilter, format: ExportFormat, on db: any Database, now: Date) async throws -> ExportFile {
        let sheet = try await sheet(form, filter, on: db, now: now)
        let data: Data
        switch format {
        case .xlsx where form == .contracts:
            // The import workbook: the contracts and their 模板1 and 模板2 rows, filtered alike.
            var rows = filter
            rows.status = nil
            rows.departmentID = nil
            rows.from = nil
            rows.to = nil
            if filter.status != nil || filter.departmentID != nil || filter.from != nil || filter.to != nil {
                rows.contractIDs = try await contractQuery(filter, on: db).all(\.$id)
            }
            data = try XlsxWorkbook(sheets: [sheet, try await self.sheet(.responsibilities, rows, on: db, now: now),
                                             try await self.sheet(.milestones, rows, on: db, now: now)]).data()
        case .xlsx: data = try XlsxWorkbook(sheets: [sheet]).data()
        case .csv: data = CsvWriter.data(sheet)
        }
        let day = LocalDate(date: now, in: JSONCoding.displayTimeZone)
        return ExportFile(data: data, format: format, filename: "\(form.rawValue)-\(day).\(format.rawValue)")
    }
}

/// Web paths of exports and imports; routes and links both come from here.
enum ExchangePaths {
    static let export = SiteRoute(template: "/exports/:form")
    static let importContracts = SiteRoute(template: "/imports/contracts")

    /// The export link of a list page: the form, the format and the list's current filters.
    static func exportLink(_ form: ExportForm, _ format: ExportFormat, _ filters: [String: String?] = [:]) -> String {
        var items = [URLQueryItem(name: "format", value: format.rawValue)]
        for (k, v) in filters.sorted(by: { $0.key < $1.key }) {
            if let v, !v.isEmpty { items.append(URLQueryItem(name: k, value: v)) }
        }
        var c = URLComponents()
        c.queryItems = items
        return "/exports/\(form.rawValue)" + (c.percentEncodedQuery.map { "?" + $0 } ?? "")
    }
}

/// The export links of one contract's pages (模板1, 模板2, risks).
struct ContractExportLinks: Encodable, Sendable {
    var responsibilities = "", milestones = "", risks = ""

    init() {}

    init(_ contract: UUID) {
        let filter = ["contract_id": contract.uuidString.lowercased()]
        responsibilities = ExchangePaths.exportLink(.responsibilities, .xlsx, filter)
        milestones = ExchangePaths.exportLink(.milestones, .xlsx, filter)
        risks = ExchangePaths.exportLink(.risks, .xlsx, filter)
    }
}

/// `GET /api/v1/exports/{form}` and `GET /exports/{form}` (the list pages' buttons): the same checks and the same file.
/// Whoever may read the list may export it (`Permissions`); customer contacts never reach either route
/// (`StaffOnlyMiddleware`), the portal has no export.
struct ExportController {
    func register(api: any RoutesBuilder) {
        api.get("exports", ":form", use: download)
    }

    func register(web: any RoutesBuilder) {
        // Issue #8: the list pages' buttons start a background job (a start page, then the job's progress and its file).
        web.get(ExchangePaths.export.components, use: JobWebController.startExport)
    }

    @Sendable func download(req: Request) async throws -> Response {
        guard let raw = req.parameters.get("form"), let form = ExportForm(rawValue: raw) else {
            throw AppError.notFound(entity: "export form", id: req.parameters.get("form") ?? "")
        }
        try Permissions.require(req, .read, form.resource)
        var values: [String: String] = [:]
        for key in ExportFilter.keys.union(["format"]) {
            if let v = req.query[String.self, at: key] { values[key] = v }
        }
        var check = FieldCheck()
        let format = values["format"].flatMap { $0.isEmpty ? nil : $0 }.map { check.oneOf($0, "format", ExportFormat.self) } ?? .xlsx
        try check.throwIfAny()
        let filter = try ExportFilter(form, values)
        guard let format else { throw AppError.invalid(fields: ["format": "must be xlsx or csv"]) }
        let file = try await ExportService.file(form, filter, format: format, on: req.db, now: req.now)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: format.contentType)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(file.filename)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: file.data))
    }
}
