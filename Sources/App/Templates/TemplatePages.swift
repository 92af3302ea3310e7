import Fluent
import Foundation
import LvyueCore
import Vapor

/// Web paths of the template library (issue #7); routes and links both come from here.
enum TemplateWebPaths {
    static let list = SiteRoute(template: "/templates")
    static let due = SiteRoute(template: "/templates/due")
    static let show = SiteRoute1(template: "/templates/:id")
    static let newVersion = SiteRoute1(template: "/templates/:id/versions")
    static let diff = SiteRoute1(template: "/templates/:id/diff")
    static let version = SiteRoute1(template: "/template-versions/:id")
    static let approve = SiteRoute1(template: "/template-versions/:id/approve")
    static let discard = SiteRoute1(template: "/template-versions/:id/discard")
    static let apply = SiteRoute1(template: "/contracts/:id/templates")

    static func diff(_ id: UUID, from: Int, to: Int) -> String { diff.path(id) + "?from=\(from)&to=\(to)" }
}

/// Labels shared by the pages.
enum TemplateLabels {
    static func scope(_ kind: TemplateKind, _ scope: String, _ t: Strings) -> String {
        switch kind {
        case .responsibility, .milestonePlan, .riskChecklist: return t["contract_category.\(scope)"]
        case .workInstruction: return t["svc_type.\(scope)"]
        case .satisfactionSurvey, .slaPolicy: return t["tpl_scope_default"]
        }
    }

    static func effective(_ on: String?, _ t: Strings) -> String { on ?? t["tpl_from_start"] }

    static func errors(_ error: AppError, _ t: Strings) -> [String] {
        if case .staleVersion = error { return [t["err_stale"]] }
        let fields = error.fields
        if fields.isEmpty { return [error.message] }
        return fields.sorted { $0.key < $1.key }.map { "\($0.key): \(FieldMessages.localize($0.value, t))" }
    }
}

/// `/templates` and `/templates/due`: every template with the version in force, the next one scheduled, and the yearly
/// revision flag.
struct TemplateListPage: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        var url, kind, scope, name, effective, scheduled: String
        var due: Bool
    }
    var heading: String
    var dueOnly: Bool
    var dueCount: Int
    var dueURL: String
    var listURL: String
    var kindOptions: [OptionView]
    var rows: [Row]
    /// The shared list controls on `/templates` (the yearly revision list is a short derived list without them).
    var list: ListView?

    static func row(_ r: TemplateResponse, _ t: Strings) -> Row {
        Row(url: TemplateWebPaths.show.path(r.id), kind: t.label("tpl_kind", r.kind), scope: TemplateLabels.scope(r.kind, r.scope, t), name: r.name,
            effective: r.effectiveVersion.map { "v\($0.number) · \(TemplateLabels.effective($0.effectiveOn, t))" } ?? "—",
            scheduled: r.scheduledVersion.map { "v\($0.number) · \($0.effectiveOn ?? "")" } ?? "—", due: r.dueForRevision)
    }

    static func query(on db: any Database, today: LocalDate, kind: TemplateKind?, dueOnly: Bool, t: Strings) async throws -> TemplateListPage {
        let all = try await TemplateLibrary.list(on: db, today: today, kind: kind)
        let rows = all.filter { !dueOnly || $0.dueForRevision }.map { row($0, t) }
        return TemplateListPage(heading: dueOnly ? t["tpl_due_title"] : t["tpl_title"], dueOnly: dueOnly, dueCount: all.filter(\.dueForRevision).count,
                                dueURL: TemplateWebPaths.due.path, listURL: TemplateWebPaths.list.path,
                                kindOptions: t.options("tpl_kind", TemplateKind.self, selected: kind?.rawValue, blank: t["tpl_all_kinds"]), rows: rows)
    }

    static func spec(_ t: Strings) -> ListSpec {
        ListSpec(
            path: TemplateWebPaths.list.path,
            columns: [.sortable(t["tpl_f_kind"], "kind", .field("kind")), .sortable(t["tpl_f_scope"], "scope", .field("scope")),
                      .sortable(t["tpl_f_name"], "name", .field("name")), .plain(t["tpl_f_effective"]), .plain(t["tpl_f_scheduled"])],
            defaultSort: "kind",
            filters: [ListFilterSpec(name: "kind", label: t["tpl_f_kind"], options: ListQuery.options(t, "tpl_kind", TemplateKind.self, any: t["tpl_all_kinds"]))],
            searchPlaceholder: t["list_templates_search"],
            emptyText: t["list_empty_templates"])
    }

    /// `/templates` on the shared list mechanism: one page of templates, then the versions of those templates only.
    static func list(_ req: Request, today: LocalDate) async throws -> TemplateListPage {
        let t = req.strings, db = req.db
        let (templates, list) = try await ListQuery.run(req, spec(t), base: { LibraryTemplate.query(on: db) }, search: ["name", "scope"]) { q, s in
            if let v = s.value("kind"), let k = TemplateKind(rawValue: v) { q.filter(\.$kind == k) }
        }
        let ids = templates.compactMap(\.id)
        let versions = ids.isEmpty ? [] : try await TemplateVersion.query(on: db).filter(\.$templateID ~~ ids).sort(\.$number).all()
        let byTemplate = Dictionary(grouping: versions, by: \.templateID)
        let due = try await TemplateLibrary.list(on: db, today: today, dueOnly: true).count
        var page = TemplateListPage(heading: t["tpl_title"], dueOnly: false, dueCount: due, dueURL: TemplateWebPaths.due.path,
                                    listURL: TemplateWebPaths.list.path, kindOptions: [],
                                    rows: templates.map { row(TemplateLibrary.response($0, byTemplate[$0.id!] ?? [], today: today), t) })
        page.list = list
        return page
    }
}

/// `/templates/:id`: the versions, with approve / discard / new draft / diff.
struct TemplateShowPage: Encodable, Sendable {
    struct Version: Encodable, Sendable {
        var url, number, state, stateClass, effective, author, note, created: String
        var isDraft: Bool
        var approveURL, discardURL: String
        var etag: Int
        var suggestedDate: String
    }
    var name, kind, scope: String
    var listURL: String
    var versions: [Version]
    var canDraft: Bool
    var canApprove: Bool
    var newVersionURL: String
    var diffURL: String
    var numbers: [OptionView]
    var numbersTo: [OptionView]
    var due: Bool
    var errors: [String]

    static func query(_ id: UUID, on db: any Database, today: LocalDate, role: Role, t: Strings, errors: [String] = []) async throws -> TemplateShowPage {
        let tpl = try await TemplateLibrary.find(id, on: db)
        let versions = try await TemplateLibrary.versions(of: id, on: db)
        let summary = TemplateLibrary.response(tpl, versions, today: today)
        let canDraft = Permissions.allows(role, .create, .template) && (TemplateLibrary.canManage(role) || tpl.kind.draftingRoles.contains(role))
        let rows = versions.reversed().map { v in
            Version(url: TemplateWebPaths.version.path(v.id!), number: "v\(v.number)", state: t.label("tpl_state", v.state),
                    stateClass: "tpl-\(v.state.rawValue)", effective: v.state == .draft ? (v.effectiveOn ?? "—") : TemplateLabels.effective(v.effectiveOn, t),
                    author: v.author, note: v.changeNote, created: t.time(v.createdAt), isDraft: v.state == .draft,
                    approveURL: TemplateWebPaths.approve.path(v.id!), discardURL: TemplateWebPaths.discard.path(v.id!), etag: v.version,
                    suggestedDate: max(today, v.effectiveDay ?? today).description)
        }
        let last = versions.last?.number ?? 1
        let previous = versions.count > 1 ? versions[versions.count - 2].number : last
        return TemplateShowPage(
            name: tpl.name, kind: t.label("tpl_kind", tpl.kind), scope: TemplateLabels.scope(tpl.kind, tpl.scope, t), listURL: TemplateWebPaths.list.path,
            versions: rows, canDraft: canDraft, canApprove: TemplateLibrary.canManage(role), newVersionURL: TemplateWebPaths.newVersion.path(id),
            diffURL: TemplateWebPaths.diff.path(id),
            numbers: versions.map { OptionView(value: String($0.number), label: "v\($0.number)", selected: $0.number == previous) },
            numbersTo: versions.map { OptionView(value: String($0.number), label: "v\($0.number)", selected: $0.number == last) },
            due: summary.dueForRevision, errors: errors)
    }
}

/// `/template-versions/:id`: a version's table; a draft is edited in place as a table form (blank rows to add,
/// clear a row to remove it).
struct TemplateVersionPage: Encodable, Sendable {
    struct Cell: Encodable, Sendable { var name, value, label: String }
    struct Row: Encodable, Sendable { var cells: [Cell] }
    var title: String
    var templateURL: String
    var state, stateClass, effective, author, note: String
    var columns: [String]
    var hints: [String]
    var rows: [Row]
    var editable: Bool
    var canApprove: Bool
    var isDraft: Bool
    var saveURL, approveURL: String
    var etag: Int
    var rowCount: Int
    var effectiveOn: String
    var errors: [String]

    static let blankRows = 3

    static func query(_ id: UUID, on db: any Database, today: LocalDate, role: Role, t: Strings, submitted: [[String]]? = nil, note: String? = nil,
                      effectiveOn: String? = nil, errors: [String] = []) async throws -> TemplateVersionPage {
        let v = try await Writes.find(TemplateVersion.self, id, on: db)
        let tpl = try await TemplateLibrary.find(v.templateID, on: db)
        let editable = v.state == .draft && Permissions.allows(role, .update, .template)
            && (TemplateLibrary.canManage(role) || tpl.kind.draftingRoles.contains(role))
        let columns = tpl.kind.columns
        var data = submitted ?? v.rows
        if editable { data += Array(repeating: Array(repeating: "", count: columns.count), count: blankRows) }
        let labels = columns.map { t["tpl_col.\($0)"] }
        let rows = data.enumerated().map { i, row in
            Row(cells: columns.enumerated().map { j, _ in Cell(name: "cell_\(i)_\(j)", value: j < row.count ? row[j] : "", label: labels[j]) })
        }
        return TemplateVersionPage(
            title: "\(tpl.name) · v\(v.number)", templateURL: TemplateWebPaths.show.path(tpl.id!), state: t.label("tpl_state", v.state),
            stateClass: "tpl-\(v.state.rawValue)", effective: v.state == .draft ? (v.effectiveOn ?? "—") : TemplateLabels.effective(v.effectiveOn, t),
            author: v.author, note: note ?? v.changeNote, columns: labels, hints: columns.map { t["tpl_hint.\($0)"] }, rows: rows, editable: editable,
            canApprove: TemplateLibrary.canManage(role) && v.state == .draft, isDraft: v.state == .draft,
            saveURL: TemplateWebPaths.version.path(id), approveURL: TemplateWebPaths.approve.path(id), etag: v.version, rowCount: rows.count,
            effectiveOn: effectiveOn ?? v.effectiveOn ?? max(today, today).description, errors: errors)
    }

    /// The submitted table: `row_count` rows of `cell_<row>_<column>`.
    static func rows(from body: FormBody, columns: Int) -> [[String]] {
        let count = min(TemplateContent.maxRows + blankRows, max(0, Int(body.string("row_count") ?? "") ?? 0))
        return (0..<count).map { i in (0..<columns).map { j in body.string("cell_\(i)_\(j)") ?? "" } }
    }
}

/// `/templates/:id/diff?from=&to=`: the two versions side by side, rows added / removed / changed highlighted.
struct TemplateDiffPage: Encodable, Sendable {
    struct Cell: Encodable, Sendable { var value: String; var changed: Bool }
    struct Row: Encodable, Sendable { var change, changeClass: String; var left: [Cell]; var right: [Cell] }
    var title: String
    var templateURL: String
    var fromLabel, toLabel: String
    var columns: [String]
    var rows: [Row]
    var summary: String

    static func query(_ id: UUID, from: Int, to: Int, on db: any Database, t: Strings) async throws -> TemplateDiffPage {
        let tpl = try await TemplateLibrary.find(id, on: db)
        let d = try await TemplateLibrary.diff(templateID: id, from: from, to: to, on: db)
        let rows = d.rows.map { r in
            Row(change: t.label("tpl_change", r.change), changeClass: "diff-\(r.change.rawValue)",
                left: d.columns.enumerated().map { j, c in Cell(value: r.left?[j] ?? "", changed: r.changedColumns.contains(c)) },
                right: d.columns.enumerated().map { j, c in Cell(value: r.right?[j] ?? "", changed: r.changedColumns.contains(c)) })
        }
        return TemplateDiffPage(title: "\(tpl.name) · v\(from) → v\(to)", templateURL: TemplateWebPaths.show.path(id), fromLabel: "v\(from)", toLabel: "v\(to)",
                                columns: d.columns.map { t["tpl_col.\($0)"] }, rows: rows,
                                summary: t.format("tpl_diff_summary", ["added": String(d.added), "removed": String(d.removed),
                                                                       "changed": String(d.changed), "unchanged": String(d.unchanged)]))
    }
}

/// `/contracts/:id/templates`: choose the responsibility, milestone and risk templates for a new contract.
struct TemplateApplyPage: Encodable, Sendable {
    struct Choice: Encodable, Sendable { var kind, name, label: String; var options: [OptionView] }
    var contractNumber: String
    var contractURL: String
    var formAction: String
    var choices: [Choice]
    var calendarOptions: [OptionView]
    var startsOn: String
    var errors: [String]

    static func query(contractID: UUID, on db: any Database, today: LocalDate, t: Strings, errors: [String] = []) async throws -> TemplateApplyPage {
        let contract = try await Writes.find(Contract.self, contractID, on: db)
        let templates = try await LibraryTemplate.query(on: db).all()
        let versions = try await TemplateVersion.query(on: db).filter(\.$state != .draft).sort(\.$number).all()
        var choices: [Choice] = []
        for kind in TemplateApply.kinds {
            let inForce = try await TemplateLibrary.effective(kind, scope: contract.category.rawValue, on: today, db: db)
            var options = [OptionView(value: "", label: t["tpl_apply_skip"], selected: inForce == nil)]
            for tpl in templates.filter({ $0.kind == kind }).sorted(by: { $0.scope < $1.scope }) {
                for v in versions where v.templateID == tpl.id {
                    options.append(OptionView(value: v.id!.uuidString.lowercased(),
                                              label: "\(tpl.name) v\(v.number) · \(t.label("tpl_state", v.state))",
                                              selected: v.id == inForce?.1.id))
                }
            }
            choices.append(Choice(kind: kind.rawValue, name: TemplateApply.field(kind), label: t.label("tpl_kind", kind), options: options))
        }
        let calendars = try await StoredCalendar.query(on: db).sort(\.$id).all()
        return TemplateApplyPage(
            contractNumber: contract.number, contractURL: SitePath.contract.path(contractID), formAction: TemplateWebPaths.apply.path(contractID),
            choices: choices,
            calendarOptions: calendars.map { OptionView(value: $0.id ?? "", label: $0.name, selected: $0.id == "cn-workday") },
            startsOn: contract.startsOn ?? "—", errors: errors)
    }
}
