import Fluent
import Foundation
import LvyueCore
import Vapor

/// A file in the demo: the engineer's diagnosis report (a small generated PDF) on the on-site urgent fault, so the
/// request page shows an attachment that downloads and opens. Runs inside the demo loader's transaction; the bytes
/// go to the attachment store like an upload's.
enum DemoAttachments {
    static let requestTitle = "开关柜终端电源模块故障"
    static let filename = "故障诊断报告.pdf"

    static func seed(_ app: Application, db: any Database, now: Date, newID: @escaping @Sendable () -> UUID) async throws {
        guard let r = try await ServiceRequest.query(on: db).filter(\.$title == requestTitle).first() else { return }
        let engineer = try await User.query(on: db).filter(\.$username == "sunwei").first()
        let data = pdf(lines: ["Fault diagnosis report - \(r.number)", "Power module of the terminal unit failed; replacement on site.",
                               "Engineer: \(engineer?.username ?? "sunwei")   Date: \(LocalDate(date: now, in: JSONCoding.displayTimeZone))"])
        let a = Attachment()
        a.id = newID()
        a.parentType = .serviceRequest
        a.parentID = r.id!
        a.contractID = nil
        a.filename = filename
        a.contentType = FileSniffer.contentType(of: data) ?? "application/pdf"
        a.size = data.count
        a.sha256 = Hex.sha256(data)
        a.uploadedByID = engineer?.id
        a.uploadedByName = engineer?.displayName ?? "demo"
        a.createdAt = now.addingTimeInterval(-1800)
        a.version = 1
        try AttachmentStore.write(app, a.id!, data)
        try await a.create(on: db)
    }

    /// A one-page PDF 1.4 with the lines in Helvetica, its cross-reference table computed from the byte offsets.
    static func pdf(lines: [String]) -> Data {
        func escape(_ s: String) -> String {
            String(s.unicodeScalars.filter { $0.isASCII }.map { Character($0) })
                .replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(of: ")", with: "\\)")
        }
        var text = "BT /F1 14 Tf 56 780 Td 18 TL\n"
        for l in lines { text += "(\(escape(l))) Tj T*\n" }
        text += "ET\n"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(text.utf8.count) >>\nstream\n\(text)endstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, o) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(i + 1) 0 obj\n\(o)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for o in offsets { out += String(format: "%010d 00000 n \n", o) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(out.utf8)
    }
}
