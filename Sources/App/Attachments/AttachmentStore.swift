import Foundation
import Vapor

/// Where attachment bytes live: `$LVYUE_DATA_DIR/attachments` (default `./data/attachments`). Files are named by the
/// attachment id only — a client-supplied name never reaches the file system.
enum AttachmentStore {
    static let maxBytes = 10 * 1024 * 1024
    static let maxBody: ByteCount = "10mb"

    private struct DirectoryKey: StorageKey { typealias Value = String }

    static func directory(_ app: Application) -> String {
        if let set = app.storage[DirectoryKey.self] { return set }
        let base = Environment.get("LVYUE_DATA_DIR").flatMap { $0.isEmpty ? nil : $0 }
            ?? (app.environment == .testing ? FileManager.default.temporaryDirectory.appendingPathComponent("lvyue-data-\(UUID().uuidString)").path : "./data")
        let dir = (base as NSString).appendingPathComponent("attachments")
        app.storage[DirectoryKey.self] = dir
        return dir
    }

    static func setDirectory(_ app: Application, _ path: String) { app.storage[DirectoryKey.self] = path }

    static func path(_ app: Application, _ id: UUID) -> String {
        (directory(app) as NSString).appendingPathComponent(id.uuidString.lowercased())
    }

    static func write(_ app: Application, _ id: UUID, _ data: Data) throws {
        let dir = directory(app)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let final = path(app, id)
        let temp = final + ".part"
        guard FileManager.default.createFile(atPath: temp, contents: data) else {
            throw AppError.conflict(code: "storage_failed", message: "the file could not be stored")
        }
        if FileManager.default.fileExists(atPath: final) { try FileManager.default.removeItem(atPath: final) }
        try FileManager.default.moveItem(atPath: temp, toPath: final)
    }

    static func read(_ app: Application, _ id: UUID) -> Data? { FileManager.default.contents(atPath: path(app, id)) }

    static func remove(_ app: Application, _ id: UUID) { try? FileManager.default.removeItem(atPath: path(app, id)) }
}

/// The content type, decided from the file's first bytes (magic numbers) — what the client claims is ignored.
/// Allowed: PNG, JPEG, WebP images and PDF.
enum FileSniffer {
    static func contentType(of data: Data) -> String? {
        let b = [UInt8](data.prefix(16))
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if b.count >= 12, b.starts(with: Array("RIFF".utf8)), Array(b[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
        if b.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        return nil
    }

    static func fileExtension(_ contentType: String) -> String {
        switch contentType {
        case "image/png": "png"
        case "image/jpeg": "jpg"
        case "image/webp": "webp"
        default: "pdf"
        }
    }
}
