@testable import App
import Fluent
import Foundation
import LvyueCore
import Testing
import VaporTesting

@Suite("Demo data")
struct DemoDataTests {
    @Test func loadsOnceAndNeverTwice() async throws {
        try await withTestApp { env in
            // when
            try await DemoData.loadOnce(env.app)
            let counts = try await (Contract.query(on: env.db).count(), Milestone.query(on: env.db).count(),
                                    Customer.query(on: env.db).count(), AuditEvent.query(on: env.db).count())
            try await DemoData.loadOnce(env.app)
            // then
            #expect(counts.0 == 8)  // six live contracts and two finished ones behind the quarterly report (issue #7)
            #expect(counts.2 == 3)
            #expect(try await Contract.query(on: env.db).count() == counts.0)
            #expect(try await Milestone.query(on: env.db).count() == counts.1)
            #expect(try await AuditEvent.query(on: env.db).count() == counts.3)
            #expect(try await AuditVerifier.verify(on: env.db).problem == nil)
        }
    }

    /// The demo carries a file: the on-site fault's diagnosis report, a generated PDF that downloads byte for byte.
    @Test func aServiceRequestHasAnAttachedReport() async throws {
        try await withTestApp { env in
            try await DemoData.loadOnce(env.app)
            let r = try #require(try await ServiceRequest.query(on: env.db).filter(\.$title == "开关柜终端电源模块故障").first())
            let files = try await env.api(.GET, "/service-requests/\(r.id!.uuidString.lowercased())/attachments").items
            #expect(files.count == 1)
            #expect(files.first?["filename"] as? String == "故障诊断报告.pdf" && files.first?["content_type"] as? String == "application/pdf")
            let id = try #require(files.first?["id"] as? String)
            let content = try await env.api(.GET, "/attachments/\(id)/content")
            #expect(content.status == .ok && content.body.starts(with: Data("%PDF-1.4".utf8)) && content.body.count == files.first?["size"] as? Int)
            #expect(Hex.sha256(content.body) == files.first?["sha256"] as? String)
            #expect(String(decoding: content.body, as: UTF8.self).contains("(Fault diagnosis report - \(r.number)) Tj"))
        }
    }

    @Test func showsLateMilestonesWithReasonsAndAllCategories() async throws {
        try await withTestApp { env in
            try await DemoData.loadOnce(env.app)
            let contracts = try await env.api(.GET, "/contracts?limit=200")
            #expect(Set(contracts.items.compactMap { $0["category"] as? String }) == ["manufacturing", "service", "construction"])
            let first = try #require(contracts.items.first { $0["number"] as? String == "HT-2026-0012" })
            let milestones = try await env.api(.GET, "/contracts/\(first["id"] as! String)/milestones")
            let late = milestones.items.filter { $0["status"] as? String == "delayed" }
            #expect(late.count == 1)
            #expect(late.first?["delay_reason"] as? String == "原材料供应滞后")
            #expect(late.first?["delay_days"] as? Int == 3)
            // Demo users can log in.
            let login = try await env.api(.POST, "/auth/token", json: ["username": "wangfang", "password": DemoData.password], anonymous: true)
            #expect(login.status == .created)
        }
    }
}
