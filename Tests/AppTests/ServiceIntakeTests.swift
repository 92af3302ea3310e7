@testable import App
import Foundation
import Testing
import VaporTesting

/// Issue #6: email intake (known sender, unknown sender → triage, reply to an existing request) and the one-time rating link.
@Suite("Service intake and rating")
struct ServiceIntakeTests {
    func postMail(_ env: TestEnv, _ raw: String) async throws -> APIResult {
        var result: APIResult?
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: env.adminToken)
        headers.replaceOrAdd(name: .contentType, value: "message/rfc822")
        try await env.app.testing().test(.POST, "/api/v1/intake/email", headers: headers, body: ByteBuffer(string: raw)) { res async in
            result = APIResult(status: res.status, headers: res.headers, body: Data(res.body.readableBytesView))
        }
        for problem in SpecValidator.problems(method: "POST", path: "/intake/email", status: Int(result!.status.code), body: result!.body) {
            Issue.record("OpenAPI drift: \(problem)")
        }
        return result!
    }

    func mail(from: String, subject: String, body: String) -> String {
        """
        Return-Path: <bounce@example.cn>\r
        From: \(from)\r
        To: service@lvyue.example.cn\r
        Subject: \(subject)\r
        Message-ID: <abc123@example.cn>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/alternative;\r
         boundary="b1"\r
        \r
        --b1\r
        Content-Type: text/html; charset=utf-8\r
        \r
        <p>ignored</p>\r
        --b1\r
        Content-Type: text/plain; charset=utf-8\r
        Content-Transfer-Encoding: base64\r
        \r
        \(Data(body.utf8).base64EncodedString())\r
        --b1--\r

        """
    }

    @Test func knownSenderUnknownSenderAndReply() async throws {
        try await withTestApp { env in
            // given a customer contact with an email address, under a 7×24 plan
            let plan = try await env.servicePlan()
            let contact = try await env.api(.POST, "/customers/\(plan.customer)/contacts", json: ["name": "黄丽", "email": "HuangLi@nfdw.example.cn"])
            #expect(contact.status == .created)
            // a known sender: a request on the email channel, matched to the customer and its plan
            let subject = "=?UTF-8?B?" + Data("3号开闭所DTU通信中断".utf8).base64EncodedString() + "?="
            let created = try await postMail(env, mail(from: "=?UTF-8?B?6buE5Li9?= <huangli@nfdw.example.cn>", subject: subject,
                                                        body: "终端与主站通信中断，请尽快处理。"))
            #expect(created.status == .created, "\(String(decoding: created.body, as: UTF8.self))")
            #expect(created.string("outcome") == "request")
            let request = try await env.api(.GET, "/service-requests/\(created.string("request_id") ?? "")")
            #expect(request.string("channel") == "email")
            #expect(request.string("title") == "3号开闭所DTU通信中断")
            #expect(request.string("description") == "终端与主站通信中断，请尽快处理。")
            #expect(request.string("contact_name") == "黄丽")
            #expect(request.string("plan_id") == plan.plan)
            #expect(request.due("service.confirm") == "2026-03-10T11:00:00+08:00")
            // a reply carrying the number: a note on that request, no new request
            let number = request.string("number")!
            let reply = try await postMail(env, mail(from: "huangli@nfdw.example.cn", subject: "Re: [\(number)] 补充信息", body: "已重启终端，仍无法通信。"))
            #expect(reply.status == .ok)
            #expect(reply.string("outcome") == "note")
            let events = try await env.api(.GET, "/service-requests/\(request.id)/events").items
            #expect(events.contains { $0["type"] as? String == "note" && ($0["note"] as? String ?? "").contains("仍无法通信") })
            #expect(try await env.api(.GET, "/service-requests").items.count == 1)
            // an unknown sender goes to triage, never dropped
            let unknown = try await postMail(env, mail(from: "Wang <wang@unknown.example.cn>", subject: "报修", body: "设备无法登录"))
            #expect(unknown.status == .created)
            #expect(unknown.string("outcome") == "triage")
            let triage = try await env.api(.GET, "/intake/triage").items
            #expect(triage.count == 1)
            #expect(triage.first?["from_address"] as? String == "wang@unknown.example.cn")
            #expect(triage.first?["body"] as? String == "设备无法登录")
            // customer service turns it into a request
            let tid = triage[0]["id"] as! String
            let fromTriage = try await env.api(.POST, "/intake/triage/\(tid)/create-request", json: ["customer_id": plan.customer, "type": "fault_repair"])
            #expect(fromTriage.status == .created)
            #expect(fromTriage.string("channel") == "email")
            let twice = try await env.api(.POST, "/intake/triage/\(tid)/discard")
            #expect(twice.status == .conflict)
            #expect(try await env.api(.GET, "/intake/triage").items.isEmpty)
            // garbage is refused with 422, a wrong content type with 400
            let garbage = try await postMail(env, "\n\nno headers")
            #expect(garbage.status == .unprocessableEntity)
        }
    }

    func web(_ env: TestEnv, _ method: HTTPMethod, _ path: String, form: String? = nil) async throws -> (HTTPStatus, String) {
        var out: (HTTPStatus, String) = (.ok, "")
        var headers = HTTPHeaders()
        var body = ByteBuffer()
        if let form {
            headers.contentType = .urlEncodedForm
            body.writeString(form)
        }
        try await env.app.testing().test(method, path, headers: headers, body: body) { res async in out = (res.status, res.body.string) }
        return out
    }

    @Test func oneTimeRatingLink() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan()
            let r = try await env.serviceRequest(contract: plan.contract, type: "training")
            let early = try await env.api(.POST, "/service-requests/\(r.id)/rating-link")
            #expect(early.status == .conflict)
            try await env.step(r.id, "confirm")
            try await env.step(r.id, "respond")
            try await env.tickAll(r.id)
            try await env.step(r.id, "resolve", ["solution": "完成培训"])
            let link = try await env.api(.POST, "/service-requests/\(r.id)/rating-link")
            #expect(link.status == .created)
            let token = link.string("token")!
            #expect(link.string("url")?.hasSuffix("/rate/" + token.replacingOccurrences(of: "-", with: "%2D")) == true
                    || link.string("url")?.contains("/rate/") == true)
            #expect(link.string("expires_at") == "2026-03-24T10:00:00+08:00")
            // only the hash is stored
            #expect(try await RatingToken.query(on: env.db).all().allSatisfy { $0.tokenHash != token && $0.tokenHash.count == 64 })
            // the public page, no login, in English on request
            let page = try await web(env, .GET, "/rate/\(token)?lang=en")
            #expect(page.0 == .ok)
            #expect(page.1.contains("Rate our service"))
            let invalid = try await web(env, .POST, "/rate/\(token)", form: "speed=9&solving=5&attitude=5&professionalism=5")
            #expect(invalid.0 == .unprocessableEntity)
            let ok = try await web(env, .POST, "/rate/\(token)", form: "speed=5&solving=4&attitude=5&professionalism=4&comment=%E5%BE%88%E5%A5%BD")
            #expect(ok.0 == .ok)
            #expect(ok.1.contains("感谢您的评价"))
            let rating = try await env.api(.GET, "/service-requests/\(r.id)")["rating"] as? [String: Any]
            #expect(rating?["source"] as? String == "link")
            #expect(rating?["comment"] as? String == "很好")
            // used twice → refused
            let second = try await web(env, .POST, "/rate/\(token)", form: "speed=1&solving=1&attitude=1&professionalism=1")
            #expect(second.0 == .gone)
            #expect(second.1.contains("已使用"))
            #expect(try await web(env, .GET, "/rate/\(token)").0 == .gone)
            #expect(try await web(env, .GET, "/rate/not-a-token").0 == .notFound)
            // expired → refused
            let other = try await env.serviceRequest(contract: plan.contract, type: "training")
            try await env.step(other.id, "confirm")
            try await env.step(other.id, "respond")
            try await env.tickAll(other.id)
            try await env.step(other.id, "resolve", ["solution": "完成"])
            let second_link = try await env.api(.POST, "/service-requests/\(other.id)/rating-link").string("token")!
            env.clock.advance(hours: 14 * 24 + 1)
            let expired = try await web(env, .POST, "/rate/\(second_link)", form: "speed=5&solving=5&attitude=5&professionalism=5")
            #expect(expired.0 == .gone)
            #expect(expired.1.contains("已过期"))
            #expect(try await env.api(.GET, "/service-requests/\(other.id)")["rating"] == nil)
        }
    }
}
