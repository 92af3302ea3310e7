@testable import App
import Fluent
import Foundation
import LvyueCore
import Testing
import VaporTesting

/// `lvyue import contracts` / `POST /imports/contracts` (issue #7): round trip, all-or-nothing, every bad row reported.
@Suite(.serialized) struct ImportTests {
    /// Every cell of every sheet except 更新时间 (the time of the write, which an import is).
    static func cells(_ data: Data) throws -> [String: [[String]]] {
        var out: [String: [[String]]] = [:]
        for sheet in try XlsxReader.read(data) {
            let header = (sheet.rows.first ?? []).map(\.text)
            out[sheet.name] = sheet.rows.map { row in
                // Trailing empty cells are not written; pad to the header's width.
                let padded = row + Array(repeating: ImportCell.empty, count: max(0, header.count - row.count))
                return padded.enumerated().filter { header.indices.contains($0.offset) ? header[$0.offset] != "更新时间" : true }.map(\.element.text)
            }
        }
        return out
    }

    static func importXlsx(_ env: TestEnv, _ data: Data, dryRun: Bool = false, token: String? = nil) async throws -> APIResult {
        try await SecurityFixtures.upload(env, "/imports/contracts" + (dryRun ? "?dry_run=true" : ""), data,
                                          contentType: ExportFormat.xlsx.contentType, token: token)
    }

    @Test func exportImportIntoAnEmptyDatabaseAndExportAgainGivesTheSameCells() async throws {
        // given the contracts workbook of a database with records of every kind
        var exported = Data()
        var csvFiles: [(String, Data)] = []
        try await withTestApp { env in
            _ = try await ExchangeFixture.make(env)
            let r = try await env.export("contracts?format=xlsx")
            #expect(r.status == .ok)
            exported = r.body
            for form in ["contracts", "responsibilities", "milestones"] {
                csvFiles.append(("\(form).csv", try await env.export("\(form)?format=csv").body))
            }
        }
        let before = try Self.cells(exported)
        #expect(before.keys.sorted() == ["合同", "模板1 合同履约责任分工表", "模板2 合同履约关键节点跟踪表"])
        #expect(before["合同"]?.count == 3)
        #expect(before["合同"]?[1] == ["HT-2026-001", "数控机床供货合同", "华东精密机械有限公司", "制造", "1250000", "CNY", "",
                                      "46082", "46295", "履约中", "", "", "7", ""])
        try await withTestApp { env in
            // when imported into an empty database (the admin and the standard departments only)
            let dry = try await Self.importXlsx(env, exported, dryRun: true)
            #expect(dry.status == .ok, "\(String(decoding: dry.body, as: UTF8.self))")
            #expect(try await Contract.query(on: env.db).count() == 0)
            let r = try await Self.importXlsx(env, exported)
            #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
            #expect(r["contracts"] as? Int == 2 && r["clauses"] as? Int == 1 && r["responsibilities"] as? Int == 2 && r["milestones"] as? Int == 3)
            #expect(r["created_customers"] as? [String] == ["华东精密机械有限公司", "客户HT-2026-S01"])
            #expect(r["created_users"] as? [String] == [])
            // every record has its audit event
            #expect(try await AuditEvent.query(on: env.db).filter(\.$action == "import").count() == 2 + 2 + 1 + 2 + 3)
            // then exporting again gives the same cells
            let again = try await env.export("contracts?format=xlsx")
            #expect(try Self.cells(again.body) == before)
        }
        // and the same through CSV files, one per sheet
        try await withTestApp { env in
            let sheets = try ContractImport.sheets(from: csvFiles)
            let result = try await ContractImport.run(env.app, actor: .system, sheets: sheets, dryRun: false)
            #expect(result.ok, "\(result.problems)")
            let again = try await env.export("contracts?format=xlsx")
            #expect(try Self.cells(again.body) == before)
        }
    }

    @Test func badRowsAreAllReportedAndNothingIsWritten() async throws {
        try await withTestApp { env in
            // given a workbook with good rows and bad ones in each sheet
            let workbook = XlsxWorkbook(sheets: [
                XlsxSheet(name: "合同", columns: ExportColumns.contracts, rows: [
                    [.text("HT-1"), .text("好合同"), .text("甲公司"), .text("制造"), .decimal("100.00"), .empty, .empty, .date(LocalDate(iso: "2026-01-01")!),
                     .date(LocalDate(iso: "2026-12-31")!), .text("履约中"), .empty, .text("项目部"), .integer(7), .empty],
                    [.text("HT-2"), .empty, .text("甲公司"), .text("火箭"), .text("12,5"), .empty, .empty, .empty, .empty, .empty, .empty,
                     .text("宣传部"), .integer(10), .empty],
                    [.text("HT-1"), .text("重复"), .text("甲公司"), .text("制造"), .decimal("1"), .empty, .empty, .empty, .empty, .empty, .empty,
                     .empty, .empty, .empty],
                ]),
                XlsxSheet(name: "模板2", columns: ExportColumns.milestones, rows: [
                    [.text("HT-1"), .text("采购"), .integer(40), .date(LocalDate(iso: "2026-03-01")!), .empty, .text("未开始"), .empty, .empty,
                     .empty, .empty, .empty, .empty],
                    [.text("HT-1"), .text("生产"), .text("abc"), .text("2026-02-30"), .empty, .text("完成了"), .empty, .text("外星人"),
                     .empty, .empty, .empty, .empty],
                    [.text("HT-9"), .text("验收"), .integer(60), .date(LocalDate(iso: "2026-06-01")!), .empty, .empty, .empty, .empty,
                     .empty, .empty, .empty, .empty],
                    [.text("HT-2"), .text("验收"), .integer(60), .date(LocalDate(iso: "2026-06-01")!), .empty, .text("已完成"), .empty, .empty,
                     .empty, .empty, .empty, .empty],
                ]),
            ])
            let data = try workbook.data()
            let auditBefore = try await AuditEvent.query(on: env.db).count()
            let expected: [[String]] = [
                ["合同", "3", "合同名称", "is required"],
                ["合同", "3", "责任部门", "no department named 宣传部"],
                ["合同", "3", "类别", "must be one of: 制造, 服务, 工程建设, 其他"],
                ["合同", "3", "更新周期（天）", "must be 7 (weekly) or 14 (fortnightly)"],
                ["合同", "3", "金额", "must be a decimal amount such as 1250000.00"],
                ["合同", "4", "合同编号", "appears twice in this sheet (also row 2)"],
                ["模板2", "3", "权重", "must be a number greater than 0 and at most 100"],
                ["模板2", "3", "计划完成时间", "must be a date (an Excel date or YYYY-MM-DD)"],
                ["模板2", "3", "状态", "must be one of 未开始, 进行中, 已完成, 已延迟, optionally with a percentage (进行中 60%)"],
                ["模板2", "3", "延迟原因类别", "must be one of: 原材料供应, 供应商, 生产, 设计变更, 客户原因, 质量问题, 物流运输, 天气, 政策影响, 资源不足, 其他"],
                ["模板2", "4", "合同编号", "no contract HT-9 in the contracts sheet or the database"],
                ["模板2", "5", "合同编号", "contract HT-2 has errors in the contracts sheet"],
                ["模板2", "5", "实际完成时间", "is required when 状态 is 已完成"],
            ]
            for dryRun in [true, false] {
                // when
                let r = try await Self.importXlsx(env, data, dryRun: dryRun)
                // then every bad cell is named, by sheet, row and column, and nothing is written
                #expect(r.status == .unprocessableEntity)
                #expect(r["ok"] as? Bool == false)
                let problems = (r["problems"] as? [[String: Any]] ?? []).map {
                    [$0["sheet"] as? String ?? "", String($0["row"] as? Int ?? 0), $0["column"] as? String ?? "", $0["reason"] as? String ?? ""]
                }
                #expect(problems.sorted { $0.lexicographicallyPrecedes($1) } == expected.sorted { $0.lexicographicallyPrecedes($1) })
                #expect(try await Contract.query(on: env.db).count() == 0)
                #expect(try await Milestone.query(on: env.db).count() == 0)
                #expect(try await Customer.query(on: env.db).count() == 0)
                #expect(try await AuditEvent.query(on: env.db).count() == auditBefore)
            }
        }
    }

    @Test func onlyRolesThatMayCreateContractsAndTheirRowsImport() async throws {
        try await withTestApp { env in
            // given
            let legal = try await SecurityFixtures.person(env, "fawu", role: .legal, department: "legal")
            let manager = try await SecurityFixtures.person(env, "jingli", role: .manager)
            let data = try XlsxWorkbook(sheets: [XlsxSheet(name: "合同", columns: ExportColumns.contracts, rows: [
                [.text("HT-7"), .text("合同"), .text("甲公司"), .text("服务"), .decimal("5.5"), .empty, .empty, .empty, .empty, .empty, .empty,
                 .empty, .empty, .empty],
            ])]).data()
            // when / then: legal may not create milestones, so not import; a manager may
            #expect(try await Self.importXlsx(env, data, token: legal.token).status == .forbidden)
            let r = try await Self.importXlsx(env, data, token: manager.token)
            #expect(r.status == .created)
            let c = try #require(try await Contract.query(on: env.db).filter(\.$number == "HT-7").first())
            #expect(c.amountMinor == 550 && c.category == .service && c.status == .draft)
            // garbage is a 400, not a 500
            let junk = try await SecurityFixtures.upload(env, "/imports/contracts", Data("PK\u{3}\u{4}garbage".utf8))
            #expect(junk.status == .badRequest)
        }
    }

    @Test func theWebPageReportsBadRowsAndImportsGoodFiles() async throws {
        try await withTestApp { env in
            // given a signed-in administrator on the contracts list
            let browser = WebBrowser(env)
            try await browser.signIn()
            let list = try await browser.get("/contracts")
            #expect(list.html.contains("href=\"/imports/contracts\""))
            #expect(list.html.contains("formaction=\"/exports/contracts\""))
            let form = try await browser.get("/imports/contracts")
            #expect(form.status == .ok)
            let csrf = try #require(form.csrf)
            let csv = Data("\u{FEFF}合同编号,合同名称,客户,类别,金额\r\nHT-W1,网页导入,乙公司,服务,99.90\r\nHT-W2,,乙公司,服务,1\r\n".utf8)
            // when a file with a bad row is uploaded
            let bad = try await Self.multipart(env, browser, csrf: csrf, file: csv, dryRun: false)
            // then it runs as a job (issue #8) whose page shows the row and column; nothing is written
            #expect(bad.status == .seeOther)
            #expect(try await JobRunner.runOnce(env.app))
            let badJob = try await browser.get(try #require(bad.location))
            #expect(badJob.html.contains("<td data-label=\"行\">3</td>"))
            #expect(badJob.html.contains("合同名称"))
            #expect(try await Contract.query(on: env.db).count() == 0)
            // and a good file is imported
            let good = Data("合同编号,合同名称,客户,类别,金额\r\nHT-W1,网页导入,乙公司,服务,99.90\r\n".utf8)
            let upload = try await Self.multipart(env, browser, csrf: csrf, file: good, dryRun: false)
            #expect(try await JobRunner.runOnce(env.app))
            let ok = try await browser.get(try #require(upload.location))
            #expect(ok.status == .ok)
            #expect(ok.html.contains("合同 1 份"))
            #expect(try await Contract.query(on: env.db).filter(\.$number == "HT-W1").first()?.amountMinor == 9_990)
        }
    }

    static func multipart(_ env: TestEnv, _ browser: WebBrowser, csrf: String, file: Data, dryRun: Bool) async throws -> WebBrowser.Page {
        let boundary = "lvyue-test-boundary"
        var body = Data()
        func part(_ header: String, _ content: Data) {
            body.append(Data("--\(boundary)\r\n\(header)\r\n\r\n".utf8))
            body.append(content)
            body.append(Data("\r\n".utf8))
        }
        part("Content-Disposition: form-data; name=\"csrf_token\"", Data(csrf.utf8))
        if dryRun { part("Content-Disposition: form-data; name=\"dry_run\"", Data("1".utf8)) }
        part("Content-Disposition: form-data; name=\"file\"; filename=\"contracts.csv\"\r\nContent-Type: text/csv", file)
        body.append(Data("--\(boundary)--\r\n".utf8))
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cookie, value: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        var page: WebBrowser.Page?
        try await env.app.testing().test(.POST, "/imports/contracts", headers: headers, body: ByteBuffer(data: body)) { res async in
            page = WebBrowser.Page(status: res.status, headers: res.headers, html: String(decoding: res.body.readableBytesView, as: UTF8.self))
        }
        return try #require(page)
    }
}
