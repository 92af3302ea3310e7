@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Monitoring: web pages")
struct MonitoringWebTests {
    /// Every monitoring page renders for a signed-in user on the demo data, in both languages, without inline styles.
    @Test func pagesRender() async throws {
        try await withTestApp { env in
            env.app.outbound = CapturingOutbound()
            try await DemoData.loadOnce(env.app)
            let admin = try #require(try await User.query(on: env.db).filter(\.$username == "admin").first())
            let token = try await WebSessionService.start(env.app, user: admin, replacing: nil)
            let session = try #require(try await WebSession.query(on: env.db).filter(\.$tokenHash == TokenHash.of(token)).first())
            var headers = HTTPHeaders()
            headers.add(name: .cookie, value: "lvyue_session=\(token)")
            let contract = try #require(try await Contract.query(on: env.db).filter(\.$number == "HT-2026-0012").first())
            let escalation = try #require(try await Escalation.query(on: env.db).filter(\.$raisedOnTime == false).first())
            let pages = ["/dashboard", "/dashboard?lang=en", "/alerts", "/alerts?status=all", "/escalations",
                         "/escalations/\(escalation.id!.uuidString.lowercased())", "/notifications",
                         "/contracts/\(contract.id!.uuidString.lowercased())/monitor"]
            for path in pages {
                try await env.app.testing().test(.GET, path, headers: headers) { res async in
                    #expect(res.status == .ok, "\(path): \(res.status) \(res.body.string.prefix(300))")
                    #expect(!res.body.string.contains("style=\""), "\(path) has an inline style")
                }
            }
            try await env.app.testing().test(.GET, "/dashboard", headers: headers) { res async in
                #expect(res.body.string.contains("整体进度"))
                #expect(res.body.string.contains("HT-2026-0012"))
            }
            try await env.app.testing().test(.GET, "/contracts/\(contract.id!.uuidString.lowercased())/monitor", headers: headers) { res async in
                #expect(res.body.string.contains("<svg"))
                #expect(res.body.string.contains("heat-critical"))
            }
            // the meeting form: a missing deadline re-renders with the error (422); a valid one records it
            var form = headers
            form.contentType = .urlEncodedForm
            let meetingPath = "/escalations/\(escalation.id!.uuidString.lowercased())/meetings"
            try await env.app.testing().test(.POST, meetingPath, headers: form,
                                             body: ByteBuffer(string: "csrf_token=\(session.csrfToken)&attendees=a&decisions=b")) { res async in
                #expect(res.status == .unprocessableEntity)
            }
            try await env.app.testing().test(.POST, meetingPath, headers: form,
                                             body: ByteBuffer(string: "csrf_token=\(session.csrfToken)&attendees=a&decisions=b&resolve_within_hours=24")) { res async in
                #expect(res.status == .seeOther || res.status == .found)
            }
            #expect(try await EscalationMeeting.query(on: env.db).filter(\.$escalation.$id == escalation.id!).count() == 2)
            // issue #8: the history reads in words and local times, not the stored codes and ISO instants
            try await env.app.testing().test(.GET, "/escalations/\(escalation.id!.uuidString.lowercased())", headers: headers) { res async in
                let body = res.body.string
                #expect(body.contains("→ 超过24小时上报"))
                #expect(!body.contains("→ late"))
                #expect(body.contains("逾期升级 L1 → L2"))
                #expect(!body.contains("+08:00 →"), "a meeting's deadline shown as an ISO instant")
            }
        }
    }
}
