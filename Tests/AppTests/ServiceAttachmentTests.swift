@testable import App
import Fluent
import Foundation
import LvyueCore
import Testing
import VaporTesting

extension WebBrowser {
    /// A multipart form post, as a browser sends a form with a file input.
    func postMultipart(_ path: String, _ fields: [(String, String)], file: (name: String, data: Data)?) async throws -> Page {
        let boundary = "----lvyue-test-boundary"
        var body = Data()
        for (name, value) in fields {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += file.data + Data("\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        var page: Page?
        try await env.app.testing().test(.POST, path, headers: headers, body: ByteBuffer(data: body)) { res async in
            page = Page(status: res.status, headers: res.headers, html: String(decoding: res.body.readableBytesView, as: UTF8.self))
        }
        return page!
    }
}

@Suite("Attachments on service requests: API, staff pages, engineers, the portal")
struct ServiceAttachmentTests {
    @Test func filesOnARequestThroughTheAPIAreAuditedAndHaveNoContract() async throws {
        try await withTestApp { env in
            // given
            let plan = try await env.servicePlan()
            let request = try await env.serviceRequest(contract: plan.contract)
            // when
            let added = try await SecurityFixtures.upload(env, "/service-requests/\(request.id)/attachments?filename=fault.png", SecurityFixtures.png,
                                                          contentType: "image/png")
            // then
            #expect(added.status == .created, "\(String(decoding: added.body, as: UTF8.self))")
            #expect(added.string("parent_type") == "service_request")
            #expect(!(added.json["contract_id"] is String), "a request's file belongs to no contract")
            #expect(added.string("filename") == "fault.png")
            #expect(added.json["size"] as? Int == SecurityFixtures.png.count)
            let list = try await env.api(.GET, "/service-requests/\(request.id)/attachments")
            #expect(list.items.map { $0["id"] as? String } == [added.id])
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: env.adminToken)
            try await env.app.testing().test(.GET, "/api/v1/attachments/\(added.id)/content", headers: headers) { res async in
                #expect(res.status == .ok)
                #expect(Data(res.body.readableBytesView) == SecurityFixtures.png)
            }
            // a disallowed type and an unknown request
            let html = try await SecurityFixtures.upload(env, "/service-requests/\(request.id)/attachments", Data("<html><script>alert(1)</script>".utf8),
                                                         contentType: "image/png")
            #expect(html.status == .unsupportedMediaType)
            let unknown = try await SecurityFixtures.upload(env, "/service-requests/\(UUID().uuidString)/attachments", SecurityFixtures.png)
            #expect(unknown.status == .notFound)
            // removal, audited like the upload
            #expect(try await env.api(.DELETE, "/attachments/\(added.id)").status == .noContent)
            #expect(try await env.api(.GET, "/service-requests/\(request.id)/attachments").items.count == 0)
            let audit = try await AuditEvent.query(on: env.db).filter(\.$entityType == "attachment").sort(\.$id).all()
            #expect(audit.map(\.action) == ["create", "delete"])
            #expect(AttachmentStore.read(env.app, UUID(uuidString: added.id)!) == nil)
        }
    }

    @Test func engineersAddFilesOnlyToTheirOwnRequests() async throws {
        try await withTestApp { env in
            // given: two engineers, a request assigned to the first
            let sun = try await SecurityFixtures.person(env, "sun.wei", role: .engineer, department: "service")
            let zhou = try await SecurityFixtures.person(env, "zhou.li", role: .engineer, department: "service")
            let finance = try await SecurityFixtures.person(env, "qian.fen", role: .finance, department: "finance")
            let plan = try await env.servicePlan()
            let request = try await env.serviceRequest(contract: plan.contract)
            try await env.step(request.id, "confirm")
            try await env.step(request.id, "assign", ["engineer_id": sun.id.uuidString])
            let path = "/service-requests/\(request.id)/attachments"
            // when / then: API
            #expect(try await SecurityFixtures.upload(env, path, SecurityFixtures.png, token: zhou.token).status == .forbidden)
            #expect(try await SecurityFixtures.upload(env, path, SecurityFixtures.png, token: finance.token).status == .forbidden)
            #expect(try await env.api(.GET, path, token: zhou.token).status == .ok, "others may read")
            #expect(try await SecurityFixtures.upload(env, path, SecurityFixtures.png, token: sun.token).status == .created)
            // the phone page: a camera input for the assigned engineer only
            let own = try await SecurityFixtures.browser(env, "sun.wei")
            let ownPage = try await own.get(ServiceSitePaths.request.path(UUID(uuidString: request.id)!))
            #expect(ownPage.status == .ok)
            #expect(ownPage.html.contains(#"accept="image/*" capture="environment""#))
            #expect(ownPage.html.contains("attachment.png"))
            let other = try await SecurityFixtures.browser(env, "zhou.li")
            let otherPage = try await other.get(ServiceSitePaths.request.path(UUID(uuidString: request.id)!))
            #expect(otherPage.status == .ok)
            #expect(!otherPage.html.contains("capture=\"environment\""))
            #expect(otherPage.html.contains("attachment.png"), "the file is listed for every reader")
            let refused = try await other.postMultipart(AttachmentPaths.serviceRequest.path(UUID(uuidString: request.id)!),
                                                        [("csrf_token", otherPage.csrf ?? "")], file: ("p.png", SecurityFixtures.png))
            #expect(refused.status == .forbidden)
            let taken = try await own.postMultipart(AttachmentPaths.serviceRequest.path(UUID(uuidString: request.id)!),
                                                    [("csrf_token", ownPage.csrf ?? "")], file: ("现场照片.jpg", Data([0xFF, 0xD8, 0xFF, 0xE0]) + Data(count: 32)))
            #expect(taken.status == .seeOther)
            #expect(taken.location?.hasPrefix(ServiceSitePaths.request.path(UUID(uuidString: request.id)!)) == true)
            #expect(try await Attachment.query(on: env.db).filter(\.$parentType == .serviceRequest).count() == 2)
        }
    }

    @Test func staffPageListsFilesWithTheirNamesEscaped() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan()
            let request = try await env.serviceRequest(contract: plan.contract)
            let name = "<img src=x onerror=alert(1)>.png".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await SecurityFixtures.upload(env, "/service-requests/\(request.id)/attachments?filename=\(name)", SecurityFixtures.png).status == .created)
            let admin = try await SecurityFixtures.browser(env, "admin")
            let page = try await admin.get(ServiceSitePaths.request.path(UUID(uuidString: request.id)!))
            #expect(page.status == .ok)
            #expect(page.html.contains("&lt;img src=x onerror=alert(1)&gt;.png"))
            #expect(!page.html.contains("<img src=x"))
            #expect(page.html.contains(#"enctype="multipart/form-data""#))
            #expect(page.html.contains(#"accept="image/png,image/jpeg,image/webp,application/pdf""#))
            // the files page of the request answers too
            let files = try await admin.get(AttachmentPaths.serviceRequest.path(UUID(uuidString: request.id)!))
            #expect(files.status == .ok)
            #expect(files.html.contains("&lt;img src=x onerror=alert(1)&gt;.png"))
        }
    }

    @Test func aCustomerAttachesAPhotoToANewRequestAndOnlyTheyCanReachIt() async throws {
        try await withTestApp { env in
            // given
            let w = try await PortalTests.world(env)
            let a = try await SecurityFixtures.browser(env, "kehu.a")
            let b = try await SecurityFixtures.browser(env, "kehu.b")
            let form = try await a.get(PortalServicePaths.newRequest.path)
            #expect(form.html.contains(#"enctype="multipart/form-data""#))
            let fields: [(String, String)] = [("contract_id", w.contractA), ("type", "fault_repair"), ("urgency", "urgent"),
                                               ("title", "主轴异响<img src=x onerror=alert(1)>"), ("description", "见照片")]
            // a wrong CSRF token: refused, nothing written
            let forged = try await a.postMultipart(PortalServicePaths.requests.path, [("csrf_token", "forged")] + fields, file: ("fault.png", SecurityFixtures.png))
            #expect(forged.status == .forbidden)
            // a disallowed file: refused before the request is created
            let bad = try await a.postMultipart(PortalServicePaths.requests.path, [("csrf_token", form.csrf ?? "")] + fields,
                                                file: ("fault.png", Data("<svg onload=alert(1)>".utf8)))
            #expect(bad.status == .unsupportedMediaType)
            #expect(bad.html.contains("主轴异响&lt;img"), "the form keeps what was typed, escaped")
            #expect(try await ServiceRequest.query(on: env.db).count() == 0)
            #expect(try await Attachment.query(on: env.db).count() == 0)
            // when
            let created = try await a.postMultipart(PortalServicePaths.requests.path, [("csrf_token", form.csrf ?? "")] + fields,
                                                    file: ("<b>fault<b>.png", SecurityFixtures.png))
            // then
            #expect(created.status == .seeOther, "\(created.status) \(created.html.prefix(300))")
            let request = try #require(try await ServiceRequest.query(on: env.db).first())
            let file = try #require(try await Attachment.query(on: env.db).first())
            #expect(file.parentType == .serviceRequest && file.parentID == request.id && file.contractID == nil)
            #expect(file.uploadedByName == "kehu.a")
            let detail = try await a.get(PortalServicePaths.request.path(request.id!))
            #expect(detail.status == .ok)
            #expect(detail.html.contains("&lt;b&gt;fault&lt;b&gt;.png"))
            #expect(detail.html.contains(PortalPaths.attachment.path(file.id!)))
            #expect(detail.html.contains("<p class=\"prewrap\">见照片</p>"), "the description, not the record's internals")
            #expect(!detail.html.contains("calendar_id"))
            #expect(try await a.get(PortalPaths.attachment.path(file.id!)).status == .ok)
            // a second file on the same request
            let more = try await a.postMultipart(PortalServicePaths.requestAttachments.path(request.id!), [("csrf_token", detail.csrf ?? "")],
                                                 file: ("report.pdf", SecurityFixtures.pdf))
            #expect(more.status == .seeOther)
            let exe = try await a.postMultipart(PortalServicePaths.requestAttachments.path(request.id!), [("csrf_token", detail.csrf ?? "")],
                                                file: ("x.exe", Data([0x4D, 0x5A, 0x90, 0x00])))
            #expect(exe.status == .unsupportedMediaType)
            #expect(try await Attachment.query(on: env.db).count() == 2)
            // the other customer: not found by every path — the page, the file, an upload
            let bHome = try await b.get(PortalServicePaths.newRequest.path)
            #expect(try await b.get(PortalServicePaths.request.path(request.id!)).status == .notFound)
            #expect(try await b.get(PortalPaths.attachment.path(file.id!)).status == .notFound)
            let bUpload = try await b.postMultipart(PortalServicePaths.requestAttachments.path(request.id!), [("csrf_token", bHome.csrf ?? "")],
                                                    file: ("p.png", SecurityFixtures.png))
            #expect(bUpload.status == .notFound)
            #expect(try await Attachment.query(on: env.db).count() == 2)
            // staff see the customer's photo on the request page
            let staff = try await SecurityFixtures.browser(env, "admin")
            #expect(try await staff.get(ServiceSitePaths.request.path(request.id!)).html.contains("&lt;b&gt;fault&lt;b&gt;.png"))
            // uploads by the customer are in the audit trail
            #expect(try await AuditEvent.query(on: env.db).filter(\.$entityType == "attachment").filter(\.$action == "create").count() == 2)
        }
    }

    /// The migration that lets files hang off service requests keeps the files already there (SQLite rebuilds the
    /// table; PostgreSQL drops the constraint in place) — run again here over a table with a row in it.
    @Test func theMigrationKeepsExistingFiles() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract()
            let milestone = try await SecurityFixtures.milestone(env, contract: UUID(uuidString: contract)!)
            let before = try await SecurityFixtures.upload(env, "/milestones/\(milestone)/attachments?filename=report.pdf", SecurityFixtures.pdf)
            #expect(before.status == .created)
            try await AttachmentsOnServiceRequests().prepare(on: env.db)
            let rows = try await Attachment.query(on: env.db).all()
            #expect(rows.count == 1)
            #expect(rows.first?.id?.uuidString.lowercased() == before.id.lowercased())
            #expect(rows.first?.contractID?.uuidString.lowercased() == contract.lowercased())
            #expect(rows.first?.filename == "report.pdf")
            #expect(rows.first?.sha256 == Hex.sha256(SecurityFixtures.pdf))
            let plan = try await env.servicePlan(number: "HT-2026-S09")
            let request = try await env.serviceRequest(contract: plan.contract)
            #expect(try await SecurityFixtures.upload(env, "/service-requests/\(request.id)/attachments", SecurityFixtures.png).status == .created)
            #expect(try await env.api(.GET, "/milestones/\(milestone)/attachments").items.count == 1)
        }
    }
}
