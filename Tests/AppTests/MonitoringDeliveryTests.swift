@testable import App
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

@Suite("Monitoring: notifications and demo")
struct MonitoringDeliveryTests {
    /// Each channel kind sends its vendor's documented format, signed where the vendor signs.
    @Test func channelFormats() throws {
        let at = Date(timeIntervalSince1970: 1_773_108_000)
        let msg = ChannelFormats.Message(event: "alert.fired", title: "【预警】HT-1", text: "生产环节延迟3天", link: "https://lvyue.example/contracts/x", at: at)
        let ding = ChannelFormats.request(kind: .dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=t", secret: "SECabc", message: msg)
        let ts = "1773108000000"
        let expected = ChannelFormats.hmac(key: Data("SECabc".utf8), message: Data("\(ts)\nSECabc".utf8)).base64EncodedString()
        #expect(ding.url == "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=\(ts)&sign=\(ChannelFormats.urlEncode(expected))")
        let dingBody = try #require(try JSONSerialization.jsonObject(with: ding.body) as? [String: Any])
        #expect(dingBody["msgtype"] as? String == "markdown")
        #expect((dingBody["markdown"] as? [String: Any])?["title"] as? String == "【预警】HT-1")

        let feishu = ChannelFormats.request(kind: .feishu, url: "https://open.feishu.cn/open-apis/bot/v2/hook/x", secret: "fs", message: msg)
        let fsBody = try #require(try JSONSerialization.jsonObject(with: feishu.body) as? [String: Any])
        #expect(fsBody["msg_type"] as? String == "text")
        #expect(fsBody["timestamp"] as? String == "1773108000")
        #expect(fsBody["sign"] as? String == ChannelFormats.hmac(key: Data("1773108000\nfs".utf8), message: Data()).base64EncodedString())
        #expect(((fsBody["content"] as? [String: Any])?["text"] as? String)?.contains("生产环节延迟3天") == true)

        let wecom = ChannelFormats.request(kind: .wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", secret: nil, message: msg)
        let wBody = try #require(try JSONSerialization.jsonObject(with: wecom.body) as? [String: Any])
        #expect(wBody["msgtype"] as? String == "markdown")
        #expect(((wBody["markdown"] as? [String: Any])?["content"] as? String)?.hasPrefix("**【预警】HT-1**") == true)

        let hook = ChannelFormats.request(kind: .webhook, url: "https://x.example/h", secret: "k", message: msg)
        #expect(hook.headers.first { $0.0 == "X-Lvyue-Signature" }?.1 == "sha256=" + hmacHex("k", hook.body))
        #expect(!ChannelFormats.accepted(kind: .dingtalk, status: 200, body: Data(#"{"errcode":310000,"errmsg":"sign not match"}"#.utf8)))
        #expect(ChannelFormats.accepted(kind: .feishu, status: 200, body: Data(#"{"code":0}"#.utf8)))
    }

    /// A refused delivery stays queued and is retried with backoff; it survives in the database between runs.
    @Test func retriesWithBackoffAndLogsTheResponseCode() async throws {
        try await withTestApp { env in
            let outbound = CapturingOutbound()
            outbound.respond(503)
            env.app.outbound = outbound
            let ch = try await env.api(.POST, "/notification-channels", json: ["name": "bot", "kind": "webhook", "url": "https://x.example/h",
                                                                              "events": ["milestone.late"]])
            let contract = try await env.makeContract()
            _ = try await env.milestone(contract, planned: "2026-03-09")  // late at once
            try await env.sweep()
            var log = try await env.api(.GET, "/notification-channels/\(ch.id)/deliveries").items
            #expect(log.count == 1 && log[0]["status"] as? String == "pending" && log[0]["last_status_code"] as? Int == 503)
            #expect(log[0]["attempts"] as? Int == 1)
            try await env.sweep()  // not due yet: backoff
            #expect(outbound.requests.count == 1)
            outbound.respond(200)
            env.clock.advance(hours: 0.01)  // 36 s > the first 30 s backoff
            try await env.sweep()
            log = try await env.api(.GET, "/notification-channels/\(ch.id)/deliveries").items
            #expect(outbound.requests.count == 2)
            #expect(log[0]["status"] as? String == "delivered" && log[0]["attempts"] as? Int == 2 && log[0]["last_status_code"] as? Int == 200)
        }
    }

    /// The real HTTP path: Vapor's client posts to a receiver listening on loopback.
    @Test func deliversToALocalReceiver() async throws {
        let received = NIOLockedValueBox<[(body: String, signature: String?)]>([])
        let receiver = try await Application.make(.testing)
        receiver.http.server.configuration.hostname = "127.0.0.1"
        receiver.http.server.configuration.port = 0
        receiver.post("hook") { req -> HTTPStatus in
            let body = req.body.string ?? ""
            received.withLockedValue { $0.append((body, req.headers.first(name: "X-Lvyue-Signature"))) }
            return .ok
        }
        try receiver.server.start()
        let port = receiver.http.server.shared.localAddress?.port ?? 0
        do {
        try await withTestApp { env in
            env.app.outbound = VaporOutboundHTTP(client: env.app.client)
            _ = try await env.api(.POST, "/notification-channels", json: ["name": "local", "kind": "webhook", "secret": "loop",
                                                                         "url": "http://127.0.0.1:\(port)/hook"])
            let contract = try await env.makeContract()
            _ = try await env.milestone(contract, planned: "2026-03-09")
            let report = try await env.sweep()
            #expect(report.deliveriesSent == 1)
        }
        } catch {
            await receiver.server.shutdown()
            try? await receiver.asyncShutdown()
            throw error
        }
        await receiver.server.shutdown()
        try? await receiver.asyncShutdown()
        let got = received.withLockedValue { $0 }
        #expect(got.count == 1)
        if let first = got.first {
            #expect(first.body.contains("milestone.late"))
            #expect(first.signature == "sha256=" + hmacHex("loop", Data(first.body.utf8)))
        }
    }

    @Test func inboxIsPerUserAndMarksRead() async throws {
        try await withTestApp { env in
            let admin = try await env.me()
            let contract = try await env.makeContract()
            _ = try await env.api(.PATCH, "/contracts/\(contract)", json: ["owner_id": admin])
            _ = try await env.milestone(contract, planned: "2026-03-09")
            env.app.outbound = CapturingOutbound()
            try await env.sweep()
            let inbox = try await env.api(.GET, "/notifications")
            #expect(inbox["unread_count"] as? Int == 1)
            let id = inbox.items.first?["id"] as? String ?? ""
            #expect(try await env.api(.POST, "/notifications/\(id)/read").status == .ok)
            #expect(try await env.api(.GET, "/notifications?unread=true").items.isEmpty)
            #expect(try await env.api(.GET, "/notifications")["unread_count"] as? Int == 0)
        }
    }

    /// The demo shows it all: a late milestone that fired a risk, alerts in inboxes, escalations on time, late and levelled up.
    @Test func demoDataShowsMonitoring() async throws {
        try await withTestApp { env in
            env.app.outbound = CapturingOutbound()
            try await DemoData.loadOnce(env.app)
            let fired = try await Risk.query(on: env.db).filter(\.$fired == true).all()
            #expect(fired.contains { $0.triggerKind == .milestoneLate })
            #expect(try await env.openAlerts().contains { $0["source"] as? String == "risk" })
            #expect((try await env.api(.GET, "/notifications")["unread_count"] as? Int ?? 0) > 0)  // admin owns a fired risk
            let escalations = try await env.api(.GET, "/escalations").items
            #expect(escalations.count == 7)  // three live ones and four closed ones behind the quarterly report (issue #7)
            #expect(escalations.contains { $0["raised_on_time"] as? Bool == true && $0["status"] as? String == "in_progress" })
            #expect(escalations.contains { $0["raised_on_time"] as? Bool == false && $0["level"] as? Int == 2 })
            #expect(escalations.contains { $0["status"] as? String == "closed" })
            let report = try await env.sweep()
            #expect(report.alertsFired == 0 && report.escalationsOverdue == 0)  // the demo is already evaluated
            #expect(try await AuditVerifier.verify(on: env.db).problem == nil)
        }
    }
}
