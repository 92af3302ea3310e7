@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Attachments: sniffed types, limits, access, audit")
struct AttachmentTests {
    @Test func uploadSniffsTheTypeAndServesItSafely() async throws {
        try await withTestApp { env in
            // given
            let contract = try await env.makeContract()
            let milestone = try await SecurityFixtures.milestone(env, contract: UUID(uuidString: contract)!)
            // when: a PDF sent as text/html with a path in its name
            let r = try await SecurityFixtures.upload(env, "/milestones/\(milestone)/attachments?filename=" + "../../etc/验收报告.pdf".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
                                                      SecurityFixtures.pdf, contentType: "text/html")
            // then
            #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
            #expect(r.string("content_type") == "application/pdf")
            #expect(r.string("filename") == "验收报告.pdf")
            #expect(try await env.api(.GET, "/milestones/\(milestone)/attachments").items.count == 1)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: env.adminToken)
            try await env.app.testing().test(.GET, "/api/v1/attachments/\(r.id)/content", headers: headers) { res async in
                #expect(res.status == .ok)
                #expect(res.headers.contentType?.description == "application/pdf")
                #expect(res.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
                #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(res.headers.first(name: "Content-Security-Policy")?.contains("sandbox") == true)
                #expect(Data(res.body.readableBytesView) == SecurityFixtures.pdf)
            }
            let audit = try await AuditEvent.query(on: env.db).filter(\.$entityType == "attachment").all()
            #expect(audit.map(\.action) == ["create"])
        }
    }

    @Test func disallowedAndOversizedFilesAreRefused() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract()
            let milestone = try await SecurityFixtures.milestone(env, contract: UUID(uuidString: contract)!)
            let html = try await SecurityFixtures.upload(env, "/milestones/\(milestone)/attachments?filename=x.png",
                                                         Data("<html><script>alert(1)</script>".utf8), contentType: "image/png")
            #expect(html.status == .unsupportedMediaType)
            let exe = try await SecurityFixtures.upload(env, "/milestones/\(milestone)/attachments", Data([0x4D, 0x5A, 0x90, 0x00]))
            #expect(exe.status == .unsupportedMediaType)
            let empty = try await SecurityFixtures.upload(env, "/milestones/\(milestone)/attachments", Data())
            #expect(empty.status == .unprocessableEntity)
            let big = try await SecurityFixtures.upload(env, "/milestones/\(milestone)/attachments", SecurityFixtures.png + Data(count: 10 * 1024 * 1024))
            #expect(big.status == .payloadTooLarge)
            #expect(try await Attachment.query(on: env.db).count() == 0)
        }
    }

    @Test func onlyThoseWhoWorkTheRecordMayAddFiles() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract()
            let milestone = try await SecurityFixtures.milestone(env, contract: UUID(uuidString: contract)!)
            let viewer = try await SecurityFixtures.person(env, "viewer", role: .viewer)
            let project = try await SecurityFixtures.person(env, "li.qiang", role: .project, department: "project")
            #expect(try await SecurityFixtures.upload(env, "/milestones/\(milestone)/attachments", SecurityFixtures.png, token: viewer.token).status == .forbidden)
            #expect(try await SecurityFixtures.upload(env, "/milestones/\(milestone)/attachments", SecurityFixtures.png, token: project.token).status == .forbidden,
                    "not on the contract's team")
            try await env.api(.POST, "/contracts/\(contract)/team", json: ["user_id": project.id.uuidString])
            let added = try await SecurityFixtures.upload(env, "/milestones/\(milestone)/attachments", SecurityFixtures.png, token: project.token)
            #expect(added.status == .created)
            #expect(try await env.api(.GET, "/attachments/\(added.id)", token: viewer.token).status == .ok)
            #expect(try await env.api(.DELETE, "/attachments/\(added.id)", token: viewer.token).status == .forbidden)
            #expect(try await env.api(.DELETE, "/attachments/\(added.id)", token: project.token).status == .noContent)
        }
    }

    @Test func webUploadFormTakesAMultipartFileWithItsCsrfToken() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract()
            let milestone = try await SecurityFixtures.milestone(env, contract: UUID(uuidString: contract)!)
            let browser = try await SecurityFixtures.browser(env, "admin")
            let page = try await browser.get("/milestones/\(milestone)/attachments")
            #expect(page.status == .ok)
            #expect(page.html.contains("enctype=\"multipart/form-data\""))
            #expect(try await browser.get("/milestones/\(milestone)").html.contains(AttachmentPaths.milestone.path(milestone)))
            func post(_ csrf: String, _ file: Data) async throws -> HTTPStatus {
                let boundary = "----lvyue-test"
                var body = Data()
                body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n\(csrf)\r\n".utf8)
                body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fault.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
                body += file + Data("\r\n--\(boundary)--\r\n".utf8)
                var headers = HTTPHeaders()
                headers.replaceOrAdd(name: .cookie, value: "lvyue_session=\(browser.cookies[WebCookies.session]!)")
                headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                var status: HTTPStatus = .ok
                try await env.app.testing().test(.POST, "/milestones/\(milestone)/attachments", headers: headers, body: ByteBuffer(data: body)) { res async in
                    status = res.status
                }
                return status
            }
            #expect(try await post("wrong", SecurityFixtures.png) == .forbidden)
            #expect(try await post(page.csrf ?? "", Data("GIF89a".utf8)) == .unsupportedMediaType)
            #expect(try await post(page.csrf ?? "", SecurityFixtures.png) == .seeOther)
            #expect(try await Attachment.query(on: env.db).count() == 1)
        }
    }
}
