import Fluent
import Vapor

/// `/milestones/:id/attachments`, `/escalations/:id/attachments`, `/service/requests/:id/attachments`: the files of a
/// record and an upload form (multipart, CSRF token as a form part), linked from the milestone and escalation pages;
/// the service request page lists its files and posts its upload form here itself.
struct AttachmentsPage: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        var name, type, size, uploadedBy, time, downloadURL, deleteURL: String
        var canDelete: Bool
    }
    var heading: String
    var backURL: String
    var uploadURL: String
    var canUpload: Bool
    var rows: [Row]
    var isEmpty: Bool
    var error: String?
}

struct AttachmentWebController {
    func register(on routes: any RoutesBuilder) {
        for parent in AttachmentParent.allCases {
            routes.get(AttachmentPaths.page(parent), use: { try await page(req: $0, parent) })
            // Multipart adds a little to the 10 MB file; the service checks the file itself.
            routes.on(.POST, AttachmentPaths.page(parent).components, body: .collect(maxSize: "11mb"), use: { try await upload(req: $0, parent) })
        }
        routes.get(AttachmentPaths.download, use: download)
        routes.post(AttachmentPaths.delete, use: delete)
    }

    func page(req: Request, _ parent: AttachmentParent, error: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        try AttachmentService.requireRead(req, parent)
        let id = try req.pathID(entity: parent.rawValue)
        let contractID = try await parent.contractID(id, on: req.db)
        let user = try req.user
        let t = req.strings
        let canUpload = await AttachmentService.mayAdd(req, parent, parentID: id, contractID: contractID)
        let rows = try await AttachmentService.list(parent, id, on: req.db).map { a in
            AttachmentsPage.Row(name: a.filename, type: a.contentType, size: ByteSize.text(a.size), uploadedBy: a.uploadedByName,
                                time: t.time(a.createdAt), downloadURL: AttachmentPaths.download.path(a.id!),
                                deleteURL: AttachmentPaths.delete.path(a.id!),
                                canDelete: AttachmentService.mayDelete(user, a))
        }
        let heading = t["attachments_\(parent.rawValue)_title"]
        let page = AttachmentsPage(heading: heading, backURL: AttachmentPaths.parentPage(parent, id), uploadURL: AttachmentPaths.page(parent).path(id),
                                   canUpload: canUpload, rows: rows, isEmpty: rows.isEmpty, error: error)
        return try await WebView.render(req, "attachments/list", title: heading, page, status: status)
    }

    struct UploadForm: Content {
        var file: File?
    }

    func upload(req: Request, _ parent: AttachmentParent) async throws -> Response {
        let id = try req.pathID(entity: parent.rawValue)
        let contractID = try await parent.contractID(id, on: req.db)
        try await AttachmentService.requireAdd(req, parent, parentID: id, contractID: contractID)
        let t = req.strings
        guard let form = try? req.content.decode(UploadForm.self), let file = form.file, file.data.readableBytes > 0 else {
            return try await page(req: req, parent, error: t["attachments_none_chosen"], status: .unprocessableEntity)
        }
        do {
            _ = try await AttachmentService.add(req.application, actor: req.actor, parent: parent, parentID: id, contractID: contractID,
                                                filename: file.filename, data: Data(file.data.readableBytesView))
        } catch let abort as Abort where abort.status == .unsupportedMediaType {
            return try await page(req: req, parent, error: t["attachments_bad_type"], status: .unsupportedMediaType)
        } catch AppError.payloadTooLarge {
            return try await page(req: req, parent, error: t["attachments_too_large"], status: .payloadTooLarge)
        }
        let back = parent == .serviceRequest ? AttachmentPaths.parentPage(parent, id) : AttachmentPaths.page(parent).path(id)
        return WebView.redirect(req, to: back, notice: .created)
    }

    @Sendable func download(req: Request) async throws -> Response {
        let a = try await Writes.find(Attachment.self, try req.pathID(entity: "attachment"), on: req.db)
        try AttachmentService.requireRead(req, a.parentType)
        return try AttachmentService.download(req, a)
    }

    @Sendable func delete(req: Request) async throws -> Response {
        let a = try await Writes.find(Attachment.self, try req.pathID(entity: "attachment"), on: req.db)
        try Permissions.require(req, .delete, .attachment)
        try await AttachmentService.delete(req, a)
        let back = a.parentType == .serviceRequest ? AttachmentPaths.parentPage(a.parentType, a.parentID) : AttachmentPaths.page(a.parentType).path(a.parentID)
        return WebView.redirect(req, to: back, notice: .saved)
    }
}
