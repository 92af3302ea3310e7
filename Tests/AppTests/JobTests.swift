@testable import App
import Fluent
import Foundation
import LvyueCore
import Testing
import VaporTesting

/// Background jobs (issue #8): lifecycle and progress, results equal to the synchronous endpoints, imports all or nothing,
/// permissions, one claim per job, abandoned jobs and expired results.
@Suite(.serialized) struct JobTests {
    /// A job's file (the document validator reads JSON bodies only).
    func download(_ env: TestEnv, _ id: String) async throws -> APIResult {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: env.adminToken)
        var result: APIResult?
        try await env.app.testing().test(.GET, "/api/v1/jobs/\(id)/result", headers: headers) { res async in
            result = APIResult(status: res.status, headers: res.headers, body: Data(res.body.readableBytesView))
        }
        return try #require(result)
    }

    func auditActions(_ env: TestEnv, _ id: String) async throws -> [String] {
        try await AuditEvent.query(on: env.db).filter(\.$entityType == "job").filter(\.$entityID == id.uppercased())
            .sort(\.$id).all().map(\.action)
    }

    @Test func anExportJobRunsWithExactProgressAndGivesTheSynchronousBytes() async throws {
        try await withTestApp { env in
            // given the fixture's three milestones (one delayed)
            _ = try await ExchangeFixture.make(env)
            // when an export job is started
            let created = try await env.api(.POST, "/jobs", json: ["kind": "export", "params": ["form": "milestones", "format": "xlsx"]])
            #expect(created.status == .accepted, "\(String(decoding: created.body, as: UTF8.self))")
            #expect(created.headers.first(name: .location) == "/api/v1/jobs/\(created.id)")
            #expect(created.string("status") == "queued")
            #expect(created["progress_done"] as? Int == 0 && created["progress_total"] as? Int == 0)
            #expect(created["percent"] == nil)
            #expect(try await env.api(.GET, "/jobs/\(created.id)/result").status == .conflict)
            // and the runner takes it
            #expect(try await JobRunner.runOnce(env.app))
            #expect(try await JobRunner.runOnce(env.app) == false)
            // then it is done with every row counted
            let job = try await env.api(.GET, "/jobs/\(created.id)")
            #expect(job.string("status") == "done")
            #expect(job["progress_done"] as? Int == 3 && job["progress_total"] as? Int == 3)
            #expect(job["percent"] as? Int == 100)
            #expect(job.string("result_filename") == "milestones-2026-03-10.xlsx")
            #expect(job.string("result_url") == "/api/v1/jobs/\(created.id)/result")
            #expect(job.string("result_expires_at") == "2026-03-17T10:00:00+08:00")
            #expect(job.etag == "\"3\"")
            // and its file is, byte for byte, what the synchronous endpoint answers
            let result = try await download(env, created.id)
            let sync = try await env.export("milestones?format=xlsx")
            #expect(result.status == .ok)
            #expect(result.headers.first(name: .contentDisposition) == "attachment; filename=\"milestones-2026-03-10.xlsx\"")
            #expect(result.body == sync.body)
            #expect(result.body.count == job["result_size"] as? Int)
            // every state change is audited
            #expect(try await auditActions(env, created.id) == ["create", "start", "complete"])
        }
    }

    @Test func filteredCsvAndTheReportWorkbookEqualTheirSynchronousFiles() async throws {
        try await withTestApp { env in
            // given
            _ = try await ExchangeFixture.make(env)
            // when
            let csv = try await env.api(.POST, "/jobs", json: ["kind": "export", "params": ["form": "milestones", "format": "csv", "status": "delayed"]])
            let report = try await env.api(.POST, "/jobs", json: ["kind": "quarterly_report", "params": ["quarter": "2026Q1", "lang": "en"]])
            #expect(csv.status == .accepted && report.status == .accepted)
            while try await JobRunner.runOnce(env.app) {}
            // then
            let csvJob = try await env.api(.GET, "/jobs/\(csv.id)")
            #expect(csvJob["progress_done"] as? Int == 1 && csvJob["progress_total"] as? Int == 1)
            #expect(try await download(env, csv.id).body == (try await env.export("milestones?format=csv&status=delayed")).body)
            let reportJob = try await env.api(.GET, "/jobs/\(report.id)")
            #expect(reportJob.string("status") == "done")
            #expect(reportJob["progress_done"] as? Int == 2 && reportJob["progress_total"] as? Int == 2)
            #expect(reportJob.string("result_filename") == "lvyue-report-2026Q1.xlsx")
            let r = try await QuarterlyReportService.report(try #require(Quarter.parse("2026Q1").get()), filters: .init(), on: env.db, now: env.clock.now)
            let expected = try ReportWorkbook.workbook(r, Localization.shared.strings(.en)).data()
            #expect(try await download(env, report.id).body == expected)
        }
    }

    @Test func badParametersAreRefusedWhenTheJobIsCreated() async throws {
        try await withTestApp { env in
            let r = try await env.api(.POST, "/jobs", json: ["kind": "export", "params": ["form": "milestones", "status": "lost", "level": 2]])
            #expect(r.status == .unprocessableEntity)
            #expect(r.errorFields["params.status"] != nil && r.errorFields["params.level"] != nil)
            let k = try await env.api(.POST, "/jobs", json: ["kind": "nothing"])
            #expect(k.errorFields["kind"] != nil)
            let u = try await env.api(.POST, "/jobs", json: ["kind": "quarterly_report", "params": ["quarter": "2026Q5", "colour": "red"]])
            #expect(u.errorFields["params.colour"] != nil)
            #expect(try await env.api(.POST, "/jobs", json: ["kind": "export", "params": ["form": "invoices"]]).errorFields["params.form"] != nil)
            #expect(try await Job.query(on: env.db).count() == 0)
        }
    }

    @Test func aRefusedImportJobWritesNothingAndReportsEveryBadRow() async throws {
        try await withTestApp { env in
            // given a sheet with one good and one bad row
            let csv = Data("合同编号,合同名称,客户,类别,金额\r\nHT-J1,好合同,乙公司,服务,10\r\nHT-J2,,乙公司,服务,1\r\n".utf8)
            // when
            let created = try await SecurityFixtures.upload(env, "/jobs/contract-import?filename=contracts.csv", csv, contentType: "text/csv")
            #expect(created.status == .accepted, "\(String(decoding: created.body, as: UTF8.self))")
            #expect((created["params"] as? [String: String]) == ["dry_run": "false", "filename": "contracts.csv"])
            #expect(try await JobRunner.runOnce(env.app))
            // then the job failed with the report, and nothing was written
            let job = try await env.api(.GET, "/jobs/\(created.id)")
            #expect(job.string("status") == "failed")
            #expect(job.string("error") == "1 problem(s); nothing was imported")
            #expect(job["progress_done"] as? Int == 2 && job["progress_total"] as? Int == 2, "\(job.json)")
            let report = try await env.api(.GET, "/jobs/\(created.id)/result")
            #expect(report.status == .ok)
            let problems = try #require(report["problems"] as? [[String: Any]])
            #expect(problems.count == 1)
            #expect(problems[0]["row"] as? Int == 3 && problems[0]["column"] as? String == "合同名称")
            #expect(report["ok"] as? Bool == false)
            #expect(try await Contract.query(on: env.db).count() == 0)
            #expect(try await auditActions(env, created.id) == ["create", "start", "fail"])
            // and the uploaded file is gone
            #expect(try await Job.find(UUID(uuidString: created.id), on: env.db)?.inputPath == nil)
            // a good file (dry run first) imports
            let good = Data("合同编号,合同名称,客户,类别,金额\r\nHT-J1,好合同,乙公司,服务,10\r\n".utf8)
            let dry = try await SecurityFixtures.upload(env, "/jobs/contract-import?dry_run=true", good, contentType: "text/csv")
            let real = try await SecurityFixtures.upload(env, "/jobs/contract-import", good, contentType: "text/csv")
            while try await JobRunner.runOnce(env.app) {}
            #expect(try await env.api(.GET, "/jobs/\(dry.id)").string("message") == "dry run: all rows are good; would import 1 contract(s), 0 clause(s), 0 responsibility row(s), 0 milestone(s)")
            #expect(try await env.api(.GET, "/jobs/\(real.id)").string("status") == "done")
            #expect(try await Contract.query(on: env.db).count() == 1)
        }
    }

    @Test func onlyTheCreatorAndAdministratorsSeeAJobAndTheWorkNeedsItsOwnPermission() async throws {
        try await withTestApp { env in
            // given
            let viewer = try await SecurityFixtures.person(env, "guest", role: .viewer)
            let other = try await SecurityFixtures.person(env, "guest2", role: .viewer)
            let customerID = UUID(uuidString: try await env.makeCustomer())!
            let contact = try await SecurityFixtures.person(env, "kehu.j", role: .customerContact, customer: customerID)
            // when / then: a viewer may export (it reads the lists) but not import
            let job = try await env.api(.POST, "/jobs", json: ["kind": "export", "params": ["form": "risks"]], token: viewer.token)
            #expect(job.status == .accepted)
            let csv = Data("合同编号,合同名称,客户,类别,金额\r\n".utf8)
            #expect(try await SecurityFixtures.upload(env, "/jobs/contract-import", csv, token: viewer.token).status == .forbidden)
            // the job is the viewer's: another user gets 404 everywhere, an administrator sees it
            #expect(try await env.api(.GET, "/jobs/\(job.id)", token: other.token).status == .notFound)
            #expect(try await env.api(.GET, "/jobs/\(job.id)/result", token: other.token).status == .notFound)
            #expect(try await env.api(.POST, "/jobs/\(job.id)/cancel", token: other.token).status == .notFound)
            #expect(try await env.api(.GET, "/jobs", token: other.token).items.isEmpty)
            #expect(try await env.api(.GET, "/jobs", token: viewer.token).items.count == 1)
            #expect(try await env.api(.GET, "/jobs/\(job.id)").status == .ok)
            #expect(try await env.api(.GET, "/jobs").items.isEmpty, "an administrator's own list is theirs")
            #expect(try await env.api(.GET, "/jobs?all=true").items.count == 1)
            // customer contacts have no jobs at all
            #expect(try await env.api(.GET, "/jobs", token: contact.token).status == .forbidden)
            #expect(try await env.api(.POST, "/jobs", json: ["kind": "export", "params": ["form": "risks"]], token: contact.token).status == .forbidden)
            // the owner cancels a queued job; it never runs
            let cancelled = try await env.api(.POST, "/jobs/\(job.id)/cancel", token: viewer.token)
            #expect(cancelled.string("status") == "cancelled")
            #expect(try await JobRunner.runOnce(env.app) == false)
            #expect(try await env.api(.POST, "/jobs/\(job.id)/cancel", token: viewer.token).status == .conflict)
        }
    }

    @Test func aRunningJobCancelledByItsOwnerStopsAndKeepsNothing() async throws {
        try await withTestApp { env in
            // given a job a runner has claimed
            _ = try await ExchangeFixture.make(env)
            let created = try await env.api(.POST, "/jobs", json: ["kind": "export", "params": ["form": "milestones"]])
            let job = try #require(try await JobService.claim(env.app))
            // when its owner cancels it before the work writes its progress
            let cancelled = try await env.api(.POST, "/jobs/\(created.id)/cancel", ifMatch: "\"2\"")
            #expect(cancelled.string("status") == "cancelled")
            await JobRunner.run(env.app, job)
            // then the work stopped at its first progress write and nothing was kept
            let after = try await env.api(.GET, "/jobs/\(created.id)")
            #expect(after.string("status") == "cancelled")
            #expect(after["result_url"] == nil)
            #expect(try await auditActions(env, created.id) == ["create", "start", "cancel"])
            #expect(try await env.api(.POST, "/jobs/\(created.id)/cancel").status == .conflict)
        }
    }

    @Test func twoRunnersRacingClaimAJobOnce() async throws {
        try await withTestApp { env in
            // given one queued job
            let job = try await env.api(.POST, "/jobs", json: ["kind": "export", "params": ["form": "contracts", "format": "csv"]])
            // when two runners look at once
            async let a = JobRunner.runOnce(env.app)
            async let b = JobRunner.runOnce(env.app)
            let ran = try await [a, b]
            // then exactly one ran it, once
            #expect(ran.filter { $0 }.count == 1)
            #expect(try await auditActions(env, job.id) == ["create", "start", "complete"])
            #expect(try await env.api(.GET, "/jobs/\(job.id)").string("status") == "done")
        }
    }

    @Test func aJobLeftRunningByAStoppedProcessFailsAndOldResultsAreRemoved() async throws {
        try await withTestApp { env in
            // given a job claimed by a runner that then stopped, and a fresh one still beating
            let stale = try await env.api(.POST, "/jobs", json: ["kind": "export", "params": ["form": "risks"]])
            _ = try #require(try await JobService.claim(env.app))
            env.clock.advance(hours: 1)
            let live = try await env.api(.POST, "/jobs", json: ["kind": "export", "params": ["form": "escalations"]])
            _ = try #require(try await JobService.claim(env.app))
            // when the sweeper (or a start) looks
            #expect(try await JobService.recoverStale(env.app, everyRunning: false) == 1)
            // then the abandoned one failed and says why; the live one runs on
            let s = try await env.api(.GET, "/jobs/\(stale.id)")
            #expect(s.string("status") == "failed")
            #expect(s.string("error") == JobService.interruptedMessage)
            #expect(try await env.api(.GET, "/jobs/\(live.id)").string("status") == "running")
            // at a start on SQLite every running job is such a job
            #expect(try await JobService.recoverStale(env.app, everyRunning: true) == 1)
            #expect(try await auditActions(env, live.id) == ["create", "start", "fail"])

            // given a finished job with its file
            let done = try await env.api(.POST, "/jobs", json: ["kind": "export", "params": ["form": "risks", "format": "csv"]])
            #expect(try await JobRunner.runOnce(env.app))
            let path = try #require(try await Job.find(UUID(uuidString: done.id), on: env.db)?.resultPath)
            #expect(FileManager.default.fileExists(atPath: path))
            // when less than a week passed, nothing goes; after it, the file does
            env.clock.advance(hours: 24 * 7 - 1)
            #expect(try await JobService.purgeExpired(env.app) == 0)
            env.clock.advance(hours: 2)
            _ = try await Sweeper.runOnce(env.app)
            #expect(!FileManager.default.fileExists(atPath: path))
            let gone = try await env.api(.GET, "/jobs/\(done.id)/result")
            #expect(gone.status == .conflict && gone.errorCode == "result_removed")
            #expect(try await auditActions(env, done.id) == ["create", "start", "complete", "expire"])
        }
    }

    @Test func theExportButtonStartsAJobWhosePageWorksWithoutJavaScript() async throws {
        try await withTestApp { env in
            // given
            _ = try await ExchangeFixture.make(env)
            _ = try await SecurityFixtures.person(env, "guest", role: .viewer)
            let browser = try await SecurityFixtures.browser(env, "guest")
            // when the list's export button is followed
            let start = try await browser.get("/exports/milestones?format=csv&status=delayed")
            #expect(start.status == .ok)
            #expect(start.html.contains("<input type=\"hidden\" name=\"status\" value=\"delayed\">"))
            #expect(start.html.contains("导出 模板2 合同履约关键节点跟踪表（CSV）"))
            let posted = try await browser.post("/jobs", [("csrf_token", start.csrf ?? ""), ("kind", "export"), ("form", "milestones"),
                                                         ("format", "csv"), ("status", "delayed")])
            #expect(posted.status == .seeOther)
            let location = try #require(posted.location)
            // then the job's page shows the queued state, a bar and a refresh link
            let queued = try await browser.get(location)
            #expect(queued.html.contains("<progress class=\"job-bar\" max=\"100\" value=\"0\""))
            #expect(queued.html.contains("排队中"))
            #expect(queued.html.contains("href=\"\(location)\" data-job-refresh>刷新</a>"))
            #expect(queued.html.contains("/js/jobs.js"))
            // and once it ran, the download
            #expect(try await JobRunner.runOnce(env.app))
            let done = try await browser.get(location)
            #expect(done.html.contains("value=\"100\""))
            #expect(done.html.contains("100%"))
            #expect(done.html.contains("href=\"\(location)/result\" download"))
            let file = try await browser.get(location + "/result")
            #expect(file.html.contains("HT-2026-001,出厂检验,50,2026-03-01,,已延迟,9,,,,技术部,"))
            let status = try await browser.get(location + "/status")
            #expect(status.html.contains("\"percent\":100") && status.html.contains("\"finished\":true"))
            // my jobs, newest first
            let list = try await browser.get("/jobs")
            #expect(list.html.contains(location))
            // a job page is its creator's: the administrator sees it, another viewer does not
            _ = try await SecurityFixtures.person(env, "guest2", role: .viewer)
            let other = try await SecurityFixtures.browser(env, "guest2")
            #expect(try await other.get(location).status == .notFound)
        }
    }
}
