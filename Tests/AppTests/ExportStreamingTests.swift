@testable import App
import Fluent
import Foundation
import LvyueCore
import Testing
import VaporTesting

/// Exports are written a page at a time (issue #9, resident memory ≤ 300 MB): the writer takes pages and puts each on
/// disk before the next is read, a file written in many pages is the file written in one, and the files an export
/// leaves on disk are removed.
@Suite(.serialized) struct ExportStreamingTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    @Test func eachPageIsOnDiskBeforeTheNextAndTheWorkbookHasEveryCell() throws {
        // given a writer and three pages of two rows
        let path = XlsxWriter.temporaryPath(extension: "xlsx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = XlsxWriter(path: path, timeZone: Self.shanghai)
        try writer.beginSheet("模板4", columns: [XlsxColumn(header: "需求编号", width: 16), XlsxColumn(header: "次数", width: 6)],
                              freezeHeader: true)
        let work = writer.workFile(sheet: 1)
        var sizes: [Int] = []
        // when the pages come one after another
        for page in 0..<3 {
            try writer.append([[.text("SR-\(page * 2 + 1)"), .integer(page * 2 + 1)], [.text("SR-\(page * 2 + 2)"), .empty]])
            // then the page's rows are in the sheet's file before the next page is given
            let written = String(decoding: try #require(FileManager.default.contents(atPath: work)), as: UTF8.self)
            #expect(written.hasSuffix(#"<row r="\#(page * 2 + 3)"><c r="A\#(page * 2 + 3)" t="s"><v>\#(page * 2 + 3)</v></c></row>"#))
            sizes.append(written.utf8.count)
        }
        #expect(sizes[0] < sizes[1] && sizes[1] < sizes[2])
        try writer.finish()
        // and the work files are gone, the workbook has the header, six rows and the dimension of all of them
        #expect(!FileManager.default.fileExists(atPath: work))
        #expect(!FileManager.default.fileExists(atPath: path + ".strings.part"))
        let data = try #require(FileManager.default.contents(atPath: path))
        let parts = try XlsxZip.read(data).mapValues { String(decoding: $0, as: UTF8.self) }
        let sheet = try #require(parts["xl/worksheets/sheet1.xml"])
        #expect(sheet.contains(#"<dimension ref="A1:B7"/>"#))
        #expect(sheet.contains(#"<row r="4"><c r="A4" t="s"><v>4</v></c><c r="B4"><v>3</v></c></row>"#))
        #expect(try #require(parts["xl/sharedStrings.xml"]).contains(#"count="8" uniqueCount="8""#))
        let rows = try #require(try XlsxReader.read(data).first).rows
        // (the reader leaves out a row's trailing empty cells)
        #expect(rows.map(texts) == [["需求编号", "次数"], ["SR-1", "1"], ["SR-2"], ["SR-3", "3"], ["SR-4"], ["SR-5", "5"], ["SR-6"]])
    }

    @Test func anExportReadInPagesOfTwoIsTheExportReadInOnePage() async throws {
        try await withTestApp { env in
            // given five requests, numbered in the order they were entered and received in another order
            _ = try await ExchangeFixture.make(env)
            let plan = try await env.servicePlan(number: "HT-2026-S02")
            for received in ["2026-03-09T08:00:00+08:00", "2026-03-02T10:30:00+08:00", "2026-03-10T08:15:00+08:00", "2026-03-05T16:00:00+08:00"] {
                _ = try await env.serviceRequest(contract: plan.contract, urgency: "urgent", receivedAt: received)
            }
            // when 模板4 is written in pages of two (three pages: the last number of each page is where the next starts)
            let paged = XlsxWriter.temporaryPath(extension: "xlsx")
            defer { try? FileManager.default.removeItem(atPath: paged) }
            _ = try await ExportService.$pageSize.withValue(2) {
                try await ExportService.file(.serviceRequests, try ExportFilter(.serviceRequests, [:]), format: .xlsx, to: paged,
                                             on: env.db, now: env.clock.now)
            }
            let whole = try await env.export("service-requests")
            // then it is byte for byte the export of one page, and every row is there in number order with its own cells
            let data = try #require(FileManager.default.contents(atPath: paged))
            #expect(data == whole.body)
            let rows = try #require(try XlsxReader.read(data).first).rows
            #expect(rows.count == 6)
            #expect(rows.dropFirst().map { $0[0].text } == ["SR-2026-000001", "SR-2026-000002", "SR-2026-000003", "SR-2026-000004", "SR-2026-000005"])
            #expect(rows.dropFirst().map { $0[2].text } == ["HT-2026-S01", "HT-2026-S02", "HT-2026-S02", "HT-2026-S02", "HT-2026-S02"])
            #expect(rows.dropFirst().map { $0[5].text } == ["一般", "紧急", "紧急", "紧急", "紧急"])
            // received: 03-10 09:00, 03-09 08:00, 03-02 10:30, 03-10 08:15, 03-05 16:00 (46091 is 2026-03-10)
            let received = rows.dropFirst().map { number($0[6]) ?? -1 }
            let expected = [serial(46_091, 9), serial(46_090, 8), serial(46_083, 10, 30), serial(46_091, 8, 15), serial(46_086, 16)]
            #expect(zip(received, expected).allSatisfy { abs($0 - $1) < 1e-9 })
            // the fixture's rating on the first request only
            #expect(Array(texts(rows[1])[16...19]) == ["5", "4", "5", "3"])
            #expect(rows[2].count <= 16)
        }
    }

    @Test func everyFormAndTheContractsWorkbookAreTheSameInPagesOfOne() async throws {
        try await withTestApp { env in
            // given the fixture (two contracts, two 模板1 rows, three milestones, …)
            _ = try await ExchangeFixture.make(env)
            for form in ExportForm.allCases {
                for format in ExportFormat.allCases {
                    // when each form is written a record at a time
                    let path = XlsxWriter.temporaryPath(extension: format.rawValue)
                    defer { try? FileManager.default.removeItem(atPath: path) }
                    let file = try await ExportService.$pageSize.withValue(1) {
                        try await ExportService.file(form, try ExportFilter(form, [:]), format: format, to: path, on: env.db, now: env.clock.now)
                    }
                    // then it is the endpoint's file
                    let sync = try await env.export("\(form.rawValue)?format=\(format.rawValue)")
                    #expect(FileManager.default.contents(atPath: path) == sync.body, "\(form.rawValue).\(format.rawValue)")
                    #expect(file.size == sync.body.count)
                }
            }
            let contracts = try XlsxReader.read(try await env.export("contracts").body)
            #expect(contracts.map(\.rows.count) == [3, 3, 4])
        }
    }

    @Test func theFilesOfAnExportAreRemovedOnceSentOrWhenLeftBehind() async throws {
        try await withTestApp { env in
            // given
            _ = try await ExchangeFixture.make(env)
            let dir = ExportFiles.directory(env.app)
            func left() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() }
            // when an export is sent, and another asked for with HEAD (no body goes out)
            #expect(try await env.export("milestones").status == .ok)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: env.adminToken)
            var head: (HTTPStatus, String?)?
            try await env.app.testing().test(.HEAD, "/api/v1/exports/milestones", headers: headers) { res async in
                head = (res.status, res.headers.first(name: .contentLength))
            }
            // then neither left a file
            #expect(left() == [])
            let size = try await env.export("milestones").body.count
            #expect(head?.0 == .ok && head?.1 == String(size))
            // and a file left by a response that never went out is removed by the sweeper's pass once an hour old
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for name in ["old.xlsx", "new.xlsx"] {
                #expect(FileManager.default.createFile(atPath: (dir as NSString).appendingPathComponent(name), contents: Data("x".utf8)))
            }
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3_700)],
                                                  ofItemAtPath: (dir as NSString).appendingPathComponent("old.xlsx"))
            try await JobService.sweep(env.app)
            #expect(left() == ["new.xlsx"])
        }
    }

    @Test func aCancelledExportJobLeavesNoFile() async throws {
        try await withTestApp { env in
            // given a claimed export job, cancelled by its owner before its first progress write
            _ = try await ExchangeFixture.make(env)
            let created = try await env.api(.POST, "/jobs", json: ["kind": "export", "params": ["form": "service-requests"]])
            let job = try #require(try await JobService.claim(env.app))
            #expect(try await env.api(.POST, "/jobs/\(created.id)/cancel", ifMatch: "\"2\"").string("status") == "cancelled")
            // when the runner runs it
            await JobRunner.run(env.app, job)
            // then the half-written file and its work files are gone
            let files = (try? FileManager.default.contentsOfDirectory(atPath: JobFiles.directory(env.app))) ?? []
            #expect(files == [])
        }
    }
}
