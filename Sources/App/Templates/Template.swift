import Fluent
import Foundation
import LvyueCore

/// The kinds of template the standard revises every year (issue #7). Each kind's content is a table with fixed
/// columns; `keyColumns` pair rows of two versions in a diff.
enum TemplateKind: String, Codable, CaseIterable, Sendable {
    case responsibility
    case milestonePlan = "milestone_plan"
    case riskChecklist = "risk_checklist"
    case workInstruction = "work_instruction"
    case satisfactionSurvey = "satisfaction_survey"
    case slaPolicy = "sla_policy"

    var columns: [String] {
        switch self {
        case .responsibility: return ["clause_category", "clause_text", "department", "duty", "due_offset_days"]
        case .milestonePlan: return ["name", "weight", "offset", "offset_unit", "department", "people_department", "person_days"]
        case .riskChecklist: return ["description", "category", "likelihood", "impact", "mitigation", "trigger_kind", "trigger_days", "trigger_percent"]
        case .workInstruction: return ["section", "text", "mandatory", "tool_category", "quantity"]
        case .satisfactionSurvey: return ["dimension", "label_zh", "label_en", "question"]
        case .slaPolicy: return ["clock", "target_unit", "target_value", "calendar", "warning_ratio"]
        }
    }

    /// Columns added after version 1 was written, all optional: rows saved before them are read (and may still be
    /// sent) with those cells empty. The milestone plan's people need (department, person-days) came with issue #10.
    var legacyWidth: Int? {
        self == .milestonePlan ? 5 : nil
    }

    /// Rows of the legacy width padded with empty cells to the current columns.
    func widen(_ rows: [[String]]) -> [[String]] {
        guard let legacy = legacyWidth else { return rows }
        return rows.map { $0.count == legacy ? $0 + Array(repeating: "", count: columns.count - legacy) : $0 }
    }

    var keyColumns: [String] {
        switch self {
        case .responsibility: return ["clause_category", "department"]
        case .milestonePlan: return ["name"]
        case .riskChecklist: return ["description"]
        case .workInstruction: return ["section", "text"]
        case .satisfactionSurvey: return ["dimension"]
        case .slaPolicy: return ["clock"]
        }
    }

    /// What a template of this kind is per: a contract category, a request type, or one for the whole company.
    var scopes: [String] {
        switch self {
        case .responsibility, .milestonePlan, .riskChecklist: return ContractCategory.allCases.map(\.rawValue)
        case .workInstruction: return RequestType.allCases.map(\.rawValue)
        case .satisfactionSurvey, .slaPolicy: return ["default"]
        }
    }

    /// The department whose head drafts new versions: legal reads the clauses, the project department plans the
    /// milestones and runs the risk review, technical and the service desk own the field work and the service rules.
    var draftingRoles: Set<Role> {
        switch self {
        case .responsibility: return [.legal]
        case .milestonePlan: return [.project]
        case .riskChecklist: return [.project, .legal]
        case .workInstruction: return [.technical, .serviceDesk]
        case .satisfactionSurvey, .slaPolicy: return [.serviceDesk]
        }
    }

    /// The kinds applied to a contract, and the contract column recording the version used.
    var contractColumn: String? {
        switch self {
        case .responsibility: return "responsibility_template_version_id"
        case .milestonePlan: return "milestone_template_version_id"
        case .riskChecklist: return "risk_template_version_id"
        default: return nil
        }
    }
}

/// One template: a kind for one scope (the milestone plan of manufacturing contracts, the SLA policy, …).
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class LibraryTemplate: Model, @unchecked Sendable {
    static let schema = "templates"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: TemplateKind
    @Field(key: "scope") var scope: String
    @Field(key: "name") var name: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "version") var version: Int

    init() {}
}

/// One version of a template: its table, who wrote it and why, when it takes effect and where it stands in
/// draft → approved → effective → retired.
final class TemplateVersion: Model, @unchecked Sendable {
    static let schema = "template_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "template_id") var templateID: UUID
    /// The template's kind, kept on the version so a version reads its columns alone.
    @Field(key: "kind") var kind: TemplateKind
    @Field(key: "number") var number: Int
    @Field(key: "state") var state: TemplateVersionState
    /// nil: in force from the start (the built-in content seeded as version 1).
    @OptionalField(key: "effective_on") var effectiveOn: String?
    @Field(key: "author") var author: String
    @Field(key: "change_note") var changeNote: String
    /// JSON `[[String]]`, one array per row in the kind's column order.
    @Field(key: "rows") var rowsJSON: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "approved_by") var approvedBy: String?
    @OptionalField(key: "approved_at") var approvedAt: Date?
    @Field(key: "version") var version: Int

    init() {}

    var rows: [[String]] {
        get { kind.widen((try? JSONDecoder().decode([[String]].self, from: Data(rowsJSON.utf8))) ?? []) }
        set { rowsJSON = JSONText.encode(newValue) }
    }

    var effectiveDay: LocalDate? { effectiveOn.flatMap(LocalDate.init(iso:)) }

    func facts() -> TemplateVersionFacts {
        TemplateVersionFacts(number: number, state: state, effectiveOn: effectiveDay,
                             createdOn: LocalDate(date: createdAt, in: JSONCoding.displayTimeZone))
    }

    /// The rows as column → text, for the diff and for applying.
    func records() -> [[String: String]] {
        rows.map { row in
            var r: [String: String] = [:]
            for (i, c) in kind.columns.enumerated() { r[c] = i < row.count ? row[i] : "" }
            return r
        }
    }
}
