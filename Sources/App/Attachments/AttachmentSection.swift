import Fluent
import Vapor

/// The files of a record as a section of its own page (the staff service request page, the portal's request page):
/// the list, and an upload form when the viewer may add files. Engineers get a camera-first photo input.
struct AttachmentSection: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        var name, type, size, uploadedBy, time, downloadURL, deleteURL: String
        var canDelete: Bool
    }
    var rows: [Row]
    var isEmpty: Bool
    var canUpload: Bool
    var uploadURL: String
    /// `accept="image/*" capture="environment"`: the phone opens its camera (engineers on site).
    var photoCapture: Bool

    /// The staff side: downloads through `/attachments/:id/download`, uploads to `/service/requests/:id/attachments`.
    static func staff(_ req: Request, _ parent: AttachmentParent, _ parentID: UUID, contractID: UUID?) async throws -> AttachmentSection {
        let user = try req.user
        guard Permissions.allows(user.role, .read, .attachment) else {
            return AttachmentSection(rows: [], isEmpty: true, canUpload: false, uploadURL: "", photoCapture: false)
        }
        let rows = try await AttachmentService.list(parent, parentID, on: req.db).map { a in
            Row(name: a.filename, type: a.contentType, size: ByteSize.text(a.size), uploadedBy: a.uploadedByName,
                time: req.strings.time(a.createdAt), downloadURL: AttachmentPaths.download.path(a.id!), deleteURL: AttachmentPaths.delete.path(a.id!),
                canDelete: AttachmentService.mayDelete(user, a))
        }
        let canUpload = await AttachmentService.mayAdd(req, parent, parentID: parentID, contractID: contractID)
        return AttachmentSection(rows: rows, isEmpty: rows.isEmpty, canUpload: canUpload, uploadURL: AttachmentPaths.page(parent).path(parentID),
                                 photoCapture: user.role == .engineer)
    }

    /// The portal side: one of the customer's own requests (the caller has checked it through `CustomerScope`).
    static func portal(_ req: Request, requestID: UUID, canUpload: Bool) async throws -> AttachmentSection {
        let rows = try await AttachmentService.list(.serviceRequest, requestID, on: req.db).map { a in
            Row(name: a.filename, type: a.contentType, size: ByteSize.text(a.size), uploadedBy: a.uploadedByName,
                time: req.strings.time(a.createdAt), downloadURL: PortalPaths.attachment.path(a.id!), deleteURL: "", canDelete: false)
        }
        return AttachmentSection(rows: rows, isEmpty: rows.isEmpty, canUpload: canUpload,
                                 uploadURL: PortalServicePaths.requestAttachments.path(requestID), photoCapture: false)
    }
}
