@testable import App
import Fluent
import Foundation
import LvyueCore
import Testing
import VaporTesting

/// Exports of the standard's forms (issue #7): header rows of DESIGN.md §2, typed cells, filters, permissions.
@Suite(.serialized) struct ExportTests {
    @Test func responsibilitiesAreTemplate1WithTypedCells() async throws {
        try await withTestApp { env in
            // given
            _ = try await ExchangeFixture.make(env)
            // when
            let rows = try await env.exportRows("responsibilities?format=xlsx")
            // then
            #expect(texts(rows[0]) == ["合同编号", "条款类别", "条款内容", "责任部门", "责任人", "具体职责", "完成时限", "协作部门", "状态"])
            #expect(rows.count == 3)
            #expect(texts(rows[1]) == ["HT-2026-001", "交付时间", "2026年9月30日前交付全部设备", "法务部", "系统管理员",
                                       "审核交付条款, 跟踪\"延期\"风险", "46101", "技术部、项目部", "进行中"])
            #expect(number(rows[1][6]) == 46_101)  // 2026-03-20 as an Excel date
            #expect(texts(rows[2]) == ["HT-2026-001", "", "", "项目部", "", "组织生产排期", "", "", "待开始"])
        }
    }

    @Test func milestonesAreTemplate2WithDatesNumbersAndDerivedStatus() async throws {
        try await withTestApp { env in
            // given
            _ = try await ExchangeFixture.make(env)
            // when
            let r = try await env.export("milestones")
            let rows = try #require(try XlsxReader.read(r.body).first).rows
            // then
            #expect(r.headers.first(name: .contentType) == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(r.headers.first(name: .contentDisposition) == "attachment; filename=\"milestones-2026-03-10.xlsx\"")
            #expect(texts(rows[0]) == ["合同编号", "节点", "权重", "计划完成时间", "实际完成时间", "状态", "延迟天数", "延迟原因类别",
                                       "延迟原因", "下一步计划", "责任部门", "更新时间"])
            #expect(rows.count == 4)
            #expect(Array(texts(rows[1]).prefix(11)) == ["HT-2026-001", "原材料采购完成", "20", "46086", "46089", "已完成", "3", "原材料供应",
                                                         "钢材到货晚", "排产", "项目部"])
            #expect(Array(texts(rows[2]).prefix(11)) == ["HT-2026-001", "生产完成50%", "30", "46127", "", "进行中 60%", "0", "", "", "", ""])
            #expect(Array(texts(rows[3]).prefix(11)) == ["HT-2026-001", "出厂检验", "50", "46082", "", "已延迟", "9", "", "", "", "技术部"])
            // the cell types: weight and delay numbers, dates with the date style, update time a date-time
            let sheet = String(decoding: try #require(try XlsxZip.read(r.body)["xl/worksheets/sheet1.xml"]), as: UTF8.self)
            #expect(sheet.contains(#"<c r="C2"><v>20</v></c>"#))
            #expect(sheet.contains(#"<c r="D2" s="2"><v>46086</v></c>"#))
            #expect(sheet.contains(#"<c r="E2" s="2"><v>46089</v></c>"#))
            #expect(sheet.contains(#"<c r="G4"><v>9</v></c>"#))
            #expect(sheet.contains(#"<c r="L2" s="3">"#))
            #expect(sheet.contains(#"state="frozen""#))
        }
    }

    @Test func risksEscalationsServiceRequestsAndSatisfaction() async throws {
        try await withTestApp { env in
            // given
            _ = try await ExchangeFixture.make(env)
            // when
            let risks = try await env.exportRows("risks")
            let escalations = try await env.exportRows("escalations")
            let requests = try await env.exportRows("service-requests")
            let ratings = try await env.exportRows("satisfaction")
            // then 风险预判表
            #expect(texts(risks[0]) == ["合同编号", "风险描述", "类别", "可能性", "影响", "触发条件", "应对措施", "责任人", "状态"])
            #expect(texts(risks[1]) == ["HT-2026-001", "供应商延期交货", "供应", "3", "3", "任一节点延迟 ≥ 3 天", "启用备用供应商", "", "已触发"])
            #expect(number(risks[1][3]) == 3)
            // 模板3: raised 2026-03-09 20:30, resolve by two days later
            #expect(texts(escalations[0]) == ["问题编号", "合同编号", "发现时间", "上报时间", "问题详情", "影响范围", "初步解决方案", "级别",
                                              "协调部门", "处理时限", "处理结果", "闭环时间", "状态"])
            let e = escalations[1]
            #expect(e[0].text == "ESC-2026-0001" && e[1].text == "HT-2026-001")
            #expect(abs(number(e[2])! - serial(46_090, 8)) < 1e-9)
            #expect(abs(number(e[3])! - serial(46_090, 20, 30)) < 1e-9)
            #expect(abs(number(e[9])! - serial(46_092, 20, 30)) < 1e-9)
            #expect(Array(texts(e)[4...8]) == ["出厂检验延期", "交付推迟", "", "2", "项目部"])
            #expect(Array(texts(e)[10...12]) == ["", "", "待处理"])
            // 模板4: signer and sign-off time split, the four satisfaction dimensions in their own columns
            #expect(texts(requests[0]) == ["需求编号", "客户", "合同编号", "渠道", "类型", "紧急程度", "受理时间", "确认时间", "响应时间",
                                           "远程支持时间", "到场时间", "解决时间", "处理人", "处理过程", "客户签字", "签字时间",
                                           "满意度-响应速度", "满意度-解决问题能力", "满意度-服务态度", "满意度-专业性", "回访时间", "异议及处理"])
            #expect(requests.count == 2)
            let sr = requests[1]
            #expect(Array(texts(sr)[1...5]) == ["客户HT-2026-S01", "HT-2026-S01", "电话", "故障报修", "一般"])
            #expect(abs(number(sr[6])! - serial(46_091, 9)) < 1e-9)
            #expect(Array(texts(sr)[16...19]) == ["5", "4", "5", "3"])
            // 客户满意度评价表
            #expect(texts(ratings[0]) == ["需求编号", "客户", "合同编号", "评价时间", "响应速度", "解决问题能力", "服务态度", "专业性", "意见"])
            #expect(ratings.count == 2)
            #expect(ratings[1][0].text == sr[0].text)
            #expect(abs(number(ratings[1][3])! - serial(46_091, 9, 45)) < 1e-9)
            #expect(Array(texts(ratings[1])[4...8]) == ["5", "4", "5", "3", "响应及时"])
        }
    }

    @Test func csvHasTheBomAndQuotesFieldsWithCommasAndQuotes() async throws {
        try await withTestApp { env in
            // given
            _ = try await ExchangeFixture.make(env)
            // when
            let r = try await env.export("responsibilities?format=csv")
            // then
            #expect(r.status == .ok)
            #expect(r.headers.first(name: .contentType) == "text/csv; charset=utf-8")
            #expect(r.body.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
            let text = String(decoding: r.body.dropFirst(3), as: UTF8.self)
            #expect(text == "合同编号,条款类别,条款内容,责任部门,责任人,具体职责,完成时限,协作部门,状态\r\n"
                + "HT-2026-001,交付时间,2026年9月30日前交付全部设备,法务部,系统管理员,\"审核交付条款, 跟踪\"\"延期\"\"风险\",2026-03-20,技术部、项目部,进行中\r\n"
                + "HT-2026-001,,,项目部,,组织生产排期,,,待开始\r\n")
        }
    }

    @Test func filtersAreTheListsFilters() async throws {
        try await withTestApp { env in
            // given
            let f = try await ExchangeFixture.make(env)
            // when / then: the derived milestone status, the date range on the planned date, a quarter
            #expect(try await env.exportRows("milestones?status=delayed").dropFirst().map { $0[1].text } == ["出厂检验"])
            #expect(try await env.exportRows("milestones?from=2026-03-01&to=2026-03-31").dropFirst().map { $0[1].text } == ["原材料采购完成", "出厂检验"])
            #expect(try await env.exportRows("milestones?quarter=2026Q2").dropFirst().map { $0[1].text } == ["生产完成50%"])
            #expect(try await env.exportRows("milestones?department_id=\(f.technical)").dropFirst().map { $0[1].text } == ["出厂检验"])
            #expect(try await env.exportRows("responsibilities?status=pending").count == 2)
            #expect(try await env.exportRows("responsibilities?contract_id=\(f.serviceContract)").count == 1)
            #expect(try await env.exportRows("escalations?status=closed").count == 1)
            #expect(try await env.exportRows("escalations?level=2").count == 2)
            #expect(try await env.exportRows("service-requests?urgency=urgent").count == 1)
            #expect(try await env.exportRows("satisfaction?from=2026-03-11").count == 1)
            #expect(try await env.exportRows("satisfaction?quarter=2026Q1").count == 2)
            // bad filters: every one named, never a 500
            let bad = try await env.export("milestones?status=late&quarter=2026Q5&from=2026-02-30&level=2&format=pdf")
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.errorFields.keys) == ["format"])
            let bad2 = try await env.export("milestones?status=late&quarter=2026Q5&from=2026-02-30&level=2")
            #expect(Set(bad2.errorFields.keys) == ["status", "quarter", "from", "level"])
            #expect(try await env.export("contracts-and-more").status == .notFound)
        }
    }

    @Test func customerContactsAndRolesThatCannotReadAreRefused() async throws {
        try await withTestApp { env in
            // given
            let f = try await ExchangeFixture.make(env)
            let contract = try #require(try await Contract.find(UUID(uuidString: f.contract), on: env.db))
            let customer = try await SecurityFixtures.person(env, "kehu.a", role: .customerContact, customer: contract.$customer.id)
            let viewer = try await SecurityFixtures.person(env, "guest", role: .viewer)
            // when / then: a customer contact gets nothing from the staff exports, on the API or the web
            for form in ExportForm.allCases {
                #expect(try await env.export(form.rawValue, token: customer.token).status == .forbidden)
            }
            let browser = try await SecurityFixtures.browser(env, "kehu.a")
            let page = try await browser.get("/exports/milestones?format=csv")
            #expect(page.status == .seeOther || page.status == .found)
            #expect(!page.html.contains("出厂检验"))
            // a staff role that reads the lists exports them
            #expect(try await env.export("milestones", token: viewer.token).status == .ok)
            // and the web button of a staff user starts a job that gives the same file (issue #8)
            let staff = try await SecurityFixtures.browser(env, "guest")
            let start = try await staff.get("/exports/milestones?format=csv&status=delayed")
            #expect(start.status == .ok)
            let job = try await staff.post("/jobs", [("csrf_token", start.csrf ?? ""), ("kind", "export"), ("form", "milestones"),
                                                     ("format", "csv"), ("status", "delayed")])
            #expect(try await JobRunner.runOnce(env.app))
            let csv = try await staff.get(try #require(job.location) + "/result")
            #expect(csv.status == .ok)
            #expect(csv.html.contains("HT-2026-001,出厂检验,50,2026-03-01,,已延迟,9,,,,技术部,"))
            // the contract pages link to this contract's 模板1, 模板2 and risks
            let detail = try await staff.get("/contracts/\(f.contract)")
            #expect(detail.html.contains("/exports/responsibilities?format=xlsx&amp;contract_id=\(f.contract)"))
            #expect(detail.html.contains("/exports/milestones?format=xlsx&amp;contract_id=\(f.contract)"))
            let monitor = try await staff.get("/contracts/\(f.contract)/monitor")
            #expect(monitor.html.contains("/exports/risks?format=xlsx&amp;contract_id=\(f.contract)"))
        }
    }
}
