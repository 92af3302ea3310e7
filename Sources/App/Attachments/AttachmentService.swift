import Fluent
import LvyueCore
import Vapor

enum AttachmentService {
    /// A file name fit to show and to put in `Content-Disposition`: no path, no control or quote characters, ≤ 120
    /// characters, with the extension of the sniffed type.
    static func cleanName(_ raw: String?, contentType: String) -> String {
        let base = (raw ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var name = String(base.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\"" && $0 != "\u{7f}" && $0 != ";" }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        if name.count > 120 { name = String(name.prefix(120)) }
        let ext = FileSniffer.fileExtension(contentType)
        if name.isEmpty || name.hasPrefix(".") { name = "attachment" }
        if !name.lowercased().hasSuffix("." + ext) && !(ext == "jpg" && name.lowercased().hasSuffix(".jpeg")) { name += "." + ext }
        return name
    }

    /// Who may see and who may add files on a parent: the parent's own rule (and the attachment row of the matrix).
    static func requireRead(_ req: Request, _ parent: AttachmentParent) throws {
        try Permissions.require(req, .read, .attachment)
        try Permissions.require(req, .read, parent.resource)
    }

    /// Milestones and escalations: whoever works the parent and is on the contract's team. Service requests: whoever
    /// works requests (`ServicePermissions`), engineers only on requests assigned to them (`EngineerScope`).
    static func requireAdd(_ req: Request, _ parent: AttachmentParent, parentID: UUID, contractID: UUID?) async throws {
        let user = try req.user
        try Permissions.require(req, .create, .attachment)
        let role = user.role
        let worksParent = Permissions.allows(role, .update, parent.resource)
            || (parent == .escalation && Permissions.allows(role, .create, .escalation))
        guard worksParent else { throw AppError.forbidden("role \(role.rawValue) may not add files to a \(parent.rawValue)") }
        if parent == .serviceRequest { try await EngineerScope.requireOwn(req, requestID: parentID) }
        if let contractID { try await ContractScope.requireWrite(user, contractID: contractID, on: req.db) }
    }

    /// Whether `requireAdd` would pass (pages decide whether to show the upload form).
    static func mayAdd(_ req: Request, _ parent: AttachmentParent, parentID: UUID, contractID: UUID?) async -> Bool {
        (try? await requireAdd(req, parent, parentID: parentID, contractID: contractID)) != nil
    }

    /// The checks `add` makes on the bytes, for callers that must refuse a file before writing anything else (the
    /// portal's new request with a photo): 422 empty, 413 too large, 415 not an allowed type.
    static func check(_ data: Data) throws -> String {
        if data.isEmpty { throw AppError.invalid(fields: ["file": "is empty"]) }
        if data.count > AttachmentStore.maxBytes { throw AppError.payloadTooLarge(limit: "10 MB") }
        guard let type = FileSniffer.contentType(of: data) else {
            throw Abort(.unsupportedMediaType, reason: "only PNG, JPEG and WebP images and PDF files can be attached (checked from the file's content)")
        }
        return type
    }

    /// Stores the bytes, then the row and its audit event in one transaction; the file is removed again if the
    /// transaction fails. Refuses empty, oversized and disallowed files.
    static func add(_ app: Application, actor: Actor, parent: AttachmentParent, parentID: UUID, contractID: UUID?,
                    filename: String?, data: Data) async throws -> AttachmentResponse {
        let type = try check(data)
        let a = Attachment()
        a.id = app.deps.newID()
        a.parentType = parent
        a.parentID = parentID
        a.contractID = contractID
        a.contentType = type
        a.filename = cleanName(filename, contentType: type)
        a.size = data.count
        a.sha256 = Hex.sha256(data)
        a.uploadedByID = actor.id
        a.uploadedByName = actor.name
        a.createdAt = app.deps.now()
        let id = a.id!
        try AttachmentStore.write(app, id, data)
        do {
            return try await Writes.create(app, actor: actor, a)
        } catch {
            AttachmentStore.remove(app, id)
            throw error
        }
    }

    static func list(_ parent: AttachmentParent, _ parentID: UUID, on db: any Database) async throws -> [Attachment] {
        try await Attachment.query(on: db).filter(\.$parentType == parent).filter(\.$parentID == parentID).sort(\.$createdAt).sort(\.$id).all()
    }

    /// The file as a download: sniffed type, `attachment` disposition, no sniffing, no scripts even if opened inline.
    static func download(_ req: Request, _ a: Attachment) throws -> Response {
        guard let data = AttachmentStore.read(req.application, a.id!) else {
            throw AppError.notFound(entity: "attachment file", id: a.id!.uuidString)
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: a.contentType)
        let ascii = String(a.filename.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? Character($0) : "_" })
        let encoded = a.filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "attachment"
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; sandbox")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    /// Whether `user` may remove the file: its uploader, a manager or an administrator.
    static func mayDelete(_ user: User, _ a: Attachment) -> Bool {
        user.role == .administrator || user.role == .manager || (a.uploadedByID != nil && a.uploadedByID == user.id)
    }

    /// Deletes the row (audited) and then the file. The uploader, managers and administrators may.
    static func delete(_ req: Request, _ a: Attachment) async throws {
        let user = try req.user
        guard mayDelete(user, a) else {
            throw AppError.forbidden("only the uploader, a manager or an administrator may remove a file")
        }
        let id = a.id!
        try await Writes.delete(req.application, actor: req.actor, Attachment.self, id: id, expectedVersion: try Precondition.expectedVersion(req))
        AttachmentStore.remove(req.application, id)
    }
}
