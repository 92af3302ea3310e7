import Fluent
import Foundation
import LvyueCore
import Vapor

struct TemplateVersionResponse: Content, HasVersion {
    var id: UUID
    var templateId: UUID
    var kind: TemplateKind
    var number: Int
    var state: TemplateVersionState
    var effectiveOn: String?
    var author: String
    var changeNote: String
    var columns: [String]
    var rows: [[String]]
    var createdAt: Date
    var approvedBy: String?
    var approvedAt: Date?
    var version: Int
}

extension TemplateVersion: AuditedModel {
    static let entityType = "template_version"
    func response(_ ctx: ResponseContext) -> TemplateVersionResponse {
        TemplateVersionResponse(id: id!, templateId: templateID, kind: kind, number: number, state: state, effectiveOn: effectiveOn,
                                author: author, changeNote: changeNote, columns: kind.columns, rows: rows, createdAt: createdAt,
                                approvedBy: approvedBy, approvedAt: approvedAt, version: version)
    }
}

/// A version in a template's list (without its table).
struct TemplateVersionSummary: Content {
    var id: UUID
    var number: Int
    var state: TemplateVersionState
    var effectiveOn: String?
    var author: String
    var changeNote: String
    var createdAt: Date

    init(_ v: TemplateVersion) {
        id = v.id!
        number = v.number
        state = v.state
        effectiveOn = v.effectiveOn
        author = v.author
        changeNote = v.changeNote
        createdAt = v.createdAt
    }
}

struct TemplateResponse: Content, HasVersion {
    var id: UUID
    var kind: TemplateKind
    var scope: String
    var name: String
    /// The version in force today (nil before the first one takes effect).
    var effectiveVersion: TemplateVersionSummary?
    /// The next approved version waiting for its date.
    var scheduledVersion: TemplateVersionSummary?
    var dueForRevision: Bool
    var versions: [TemplateVersionSummary]
    var version: Int
}

extension LibraryTemplate {
    static let entityType = "template"
}

struct TemplateList: Content {
    var items: [TemplateResponse]
}

struct TemplateCreateInput: Decodable, Sendable {
    var kind: String?
    var scope: String?
    var name: String?
    var changeNote: String?
    var rows: [[String]]?
}

struct TemplateVersionCreateInput: Decodable, Sendable {
    var changeNote: String?
    var effectiveOn: String?
    /// Absent: a copy of the newest version's table.
    var rows: [[String]]?
}

struct TemplateVersionPatch: Decodable, Sendable {
    var changeNote: String?
    var effectiveOn: Patch<String>
    var rows: [[String]]?

    enum CodingKeys: String, CodingKey { case changeNote, effectiveOn, rows }
    init(changeNote: String?, effectiveOn: Patch<String>, rows: [[String]]?) {
        self.changeNote = changeNote
        self.effectiveOn = effectiveOn
        self.rows = rows
    }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        changeNote = try c.decodeIfPresent(String.self, forKey: .changeNote)
        effectiveOn = try c.patch(String.self, .effectiveOn)
        rows = try c.decodeIfPresent([[String]].self, forKey: .rows)
    }
}

struct TemplateApproveInput: Decodable, Sendable {
    var effectiveOn: String?
}

struct TemplateDiffRow: Content {
    var change: TemplateDiff.Change
    var left: [String]?
    var right: [String]?
    var changedColumns: [String]
}

struct TemplateDiffResponse: Content {
    var templateId: UUID
    var kind: TemplateKind
    var columns: [String]
    var from: Int
    var to: Int
    var added: Int
    var removed: Int
    var changed: Int
    var unchanged: Int
    var rows: [TemplateDiffRow]
}

struct TemplateApplyInput: Decodable, Sendable {
    /// Which kinds to apply (default all three); each uses the given version, else the one in force for the
    /// contract's category today.
    var kinds: [String]?
    var responsibilityVersionId: UUID?
    var milestoneVersionId: UUID?
    var riskVersionId: UUID?
    /// Calendar for working-day offsets (default cn-workday).
    var calendarId: String?
}

struct TemplateUsageItem: Content {
    var kind: TemplateKind
    var templateId: UUID
    var templateName: String
    var versionId: UUID
    var number: Int
}

struct TemplateUsageResponse: Content {
    var entityType: String
    var entityId: UUID
    var versions: [TemplateUsageItem]
}

struct TemplateApplyResponse: Content {
    var contractId: UUID
    var versions: [TemplateUsageItem]
    var clauses: Int
    var responsibilities: Int
    var milestones: Int
    var risks: Int
    var risksSkipped: Int
}
