import Fluent
import Foundation
import LvyueCore
import Vapor

/// `lvyue report …` (issue #7).
struct ReportCommands: AsyncCommandGroup {
    var help: String { "The quarterly fulfilment and service report." }
    var commands: [String: any AnyAsyncCommand] { ["quarterly": QuarterlyReportCommand()] }
}

/// `lvyue report quarterly 2026Q3 --format html|json|xlsx --out FILE [--customer ID] [--department CODE|ID] [--category C]
/// [--lang zh-CN|en]` — the same report as the API and the web page (the snapshot when the quarter is frozen).
struct QuarterlyReportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "quarter", help: "the quarter, e.g. 2026Q3") var quarter: String
        @Option(name: "format", help: "html, json or xlsx (default html)") var format: String?
        @Option(name: "out", help: "the file to write; standard output for html and json when absent") var out: String?
        @Option(name: "customer", help: "customer id") var customer: String?
        @Option(name: "department", help: "department code or id") var department: String?
        @Option(name: "category", help: "contract category: \(ContractCategory.allCases.map(\.rawValue).joined(separator: ", "))") var category: String?
        @Option(name: "lang", help: "zh-CN (default) or en") var lang: String?
    }
    var help: String { "Write the quarterly report as HTML (printable, SVG charts), JSON or XLSX." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Lvyue.prepare(app, demo: false, quiet: true)
        let format = signature.format ?? "html"
        guard ["html", "json", "xlsx"].contains(format) else { throw CLIError("--format must be html, json or xlsx") }
        if format == "xlsx" && signature.out == nil { throw CLIError("--out FILE is required for xlsx") }
        var departmentID = signature.department
        if let d = signature.department, UUID(uuidString: d) == nil {
            guard let found = try await Department.query(on: app.db).filter(\.$code == d).first() else { throw CLIError("no department with code \(d)") }
            departmentID = found.id!.uuidString
        }
        let params: ReportParams
        do {
            params = try ReportParams(quarter: signature.quarter, customerID: signature.customer, departmentID: departmentID, category: signature.category)
        } catch let e as AppError {
            throw CLIError(e.fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; "))
        }
        let lang = signature.lang.flatMap(Lang.init(tag:)) ?? .zhCN
        let t = Localization.shared.strings(lang)
        // Issue #8: a bar on a terminal (the figures, then the file); nothing more when piped.
        let (r, data) = try await ProgressReporter.withTerminalBar("report \(params.quarter)") { () async throws -> (QuarterlyReport, Data) in
            ProgressReporter.current?.expect(2)
            let r = try await QuarterlyReportService.report(params.quarter, filters: params.filters, on: app.db, now: app.deps.now())
            try await ProgressReporter.current?.advance(1)
            let data: Data
            switch format {
            case "json":
                data = try JSONCoding.encoder.encode(r)
            case "xlsx":
                data = try ReportWorkbook.workbook(r, t).data()
            default:
                let css = (try? String(contentsOfFile: Resources.publicDirectory + "css/report.css", encoding: .utf8)) ?? ""
                let filters = try await ReportWebController.filterText(params.filters, t, on: app.db)
                data = Data(ReportDocument.document(r, t, filterText: filters, inlineCSS: css).utf8)
            }
            try await ProgressReporter.current?.advance(1)
            return (r, data)
        }
        if let out = signature.out {
            do { try data.write(to: URL(fileURLWithPath: out)) } catch { throw CLIError("cannot write \(out): \(error.localizedDescription)") }
            context.console.print("wrote \(r.quarter) report (\(format)\(r.frozen ? ", frozen" : "")) to \(out)")
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
