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

/// An exported file on disk: where, how large, its type and the name it is offered under.
struct ExportFile: Sendable {
    var path: String
    var size: Int
    var format: ExportFormat
    var filename: String
}

extension ExportService {
    /// Writes the form, filtered, into the file at `path` (replaced if there), a page of records at a time; the name
    /// says what and when ("milestones-2026-03-02.xlsx"). On failure nothing is left at `path`. The endpoint, the
    /// background job and `lvyue export` all write through here.
    static func file(_ form: ExportForm, _ filter: ExportFilter, format: ExportFormat, to path: String, on db: any Database,
                     now: Date) async throws -> ExportFile {
        let writer: any SheetWriter = switch format {
        case .xlsx: XlsxWriter(path: path)
        case .csv: CsvFileWriter(path: path)
        }
        do {
            try await writeSheet(form, filter, to: writer, on: db, now: now)
            if format == .xlsx, form == .contracts {
                // The import workbook: the contracts and their 模板1 and 模板2 rows, filtered alike.
                var rows = filter
                rows.status = nil
                rows.departmentID = nil
                rows.from = nil
                rows.to = nil
                if filter.status != nil || filter.departmentID != nil || filter.from != nil || filter.to != nil {
                    rows.contractIDs = try await contractQuery(filter, on: db).all(\.$id)
                }
                try await writeSheet(.responsibilities, rows, to: writer, on: db, now: now)
                try await writeSheet(.milestones, rows, to: writer, on: db, now: now)
            }
            try writer.finish()
        } catch {
            writer.discard()
            throw error
        }
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        let day = LocalDate(date: now, in: JSONCoding.displayTimeZone)
        return ExportFile(path: path, size: size, format: format, filename: "\(form.rawValue)-\(day).\(format.rawValue)")
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
        let path = try ExportFiles.newPath(req.application, format: format)
        let file = try await ExportService.file(form, filter, format: format, to: path, on: req.db, now: req.now)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: format.contentType)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(file.filename)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return FileBody.response(req, path: file.path, size: file.size, headers: headers, removeAfter: true)
    }
}

/// Exports answered over HTTP are written here and removed once sent (`FileBody`); the sweeper removes any older than
/// an hour, left by a response that never went out.
enum ExportFiles {
    static let staleAfter: TimeInterval = 3600

    static func directory(_ app: Application) -> String {
        ((AttachmentStore.directory(app) as NSString).deletingLastPathComponent as NSString).appendingPathComponent("exports")
    }

    static func newPath(_ app: Application, format: ExportFormat) throws -> String {
        let dir = directory(app)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return (dir as NSString).appendingPathComponent("\(UUID().uuidString.lowercased()).\(format.rawValue)")
    }

    /// Removes files last written more than `staleAfter` ago (by the file system's clock, as the files are).
    @discardableResult
    static func purgeStale(_ app: Application, now: Date = Date()) -> Int {
        let dir = directory(app)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return 0 }
        var n = 0
        for name in names {
            let path = (dir as NSString).appendingPathComponent(name)
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  now.timeIntervalSince(modified) > staleAfter else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { n += 1 }
        }
        return n
    }
}

/// A file on disk as a response body, read in chunks while it is sent (an export or a job's result is not loaded whole).
/// `removeAfter`: the file is removed once sent, or at once for a HEAD request (which sends no body).
enum FileBody {
    static func response(_ req: Request, path: String, size: Int, headers: HTTPHeaders, removeAfter: Bool) -> Response {
        if req.method == .HEAD {
            if removeAfter { try? FileManager.default.removeItem(atPath: path) }
            var h = headers
            h.replaceOrAdd(name: .contentLength, value: String(size))
            return Response(status: .ok, version: req.version, headersNoUpdate: h, body: .empty)
        }
        let fileio = req.fileio
        let body = Response.Body(asyncStream: { stream in
            defer { if removeAfter { try? FileManager.default.removeItem(atPath: path) } }
            do {
                let chunks = try await fileio.readFile(at: path)
                do {
                    for try await chunk in chunks { try await stream.writeBuffer(chunk) }
                    try? await chunks.closeHandle()
                } catch {
                    try? await chunks.closeHandle()
                    throw error
                }
                try await stream.write(.end)
            } catch {
                try? await stream.write(.error(error))
            }
        }, count: size)
        return Response(status: .ok, headers: headers, body: body)
    }
}
