import Fluent
import Foundation
import LvyueCore
import SQLKit
import Vapor

/// The template library (issue #7): templates per kind and scope, their versions and the rules that move a version
/// from draft to approved to effective to retired. Every write is one transaction with its audit events.
enum TemplateLibrary {
    // MARK: - Reading

    static func versions(of templateID: UUID, on db: any Database) async throws -> [TemplateVersion] {
        try await TemplateVersion.query(on: db).filter(\.$templateID == templateID).sort(\.$number).all()
    }

    static func response(_ t: LibraryTemplate, _ versions: [TemplateVersion], today: LocalDate) -> TemplateResponse {
        let facts = versions.map { $0.facts() }
        let inForce = TemplateRules.effective(on: today, among: facts)
        let current = inForce.flatMap { f in versions.first { $0.number == f.number } }
        let next = versions.filter { $0.state.isScheduled && ($0.effectiveDay.map { $0 > today } ?? false) }
            .min { ($0.effectiveDay!, $0.number) < ($1.effectiveDay!, $1.number) }
        return TemplateResponse(id: t.id!, kind: t.kind, scope: t.scope, name: t.name, effectiveVersion: current.map(TemplateVersionSummary.init),
                                scheduledVersion: next.map(TemplateVersionSummary.init),
                                dueForRevision: inForce.map { TemplateRules.isDueForRevision($0, today: today) } ?? false,
                                versions: versions.map(TemplateVersionSummary.init), version: t.version)
    }

    /// Every template (of a kind), ordered by kind then scope; `dueOnly`: those due for their yearly revision.
    static func list(on db: any Database, today: LocalDate, kind: TemplateKind? = nil, dueOnly: Bool = false) async throws -> [TemplateResponse] {
        let q = LibraryTemplate.query(on: db)
        if let kind { q.filter(\.$kind == kind) }
        let templates = try await q.all()
        let all = try await TemplateVersion.query(on: db).sort(\.$number).all()
        let byTemplate = Dictionary(grouping: all, by: \.templateID)
        let order = Dictionary(uniqueKeysWithValues: TemplateKind.allCases.enumerated().map { ($1, $0) })
        return templates
            .sorted { (order[$0.kind]!, $0.kind.scopes.firstIndex(of: $0.scope) ?? 99, $0.scope) < (order[$1.kind]!, $1.kind.scopes.firstIndex(of: $1.scope) ?? 99, $1.scope) }
            .map { response($0, byTemplate[$0.id!] ?? [], today: today) }
            .filter { !dueOnly || $0.dueForRevision }
    }

    static func find(_ id: UUID, on db: any Database) async throws -> LibraryTemplate {
        guard let t = try await LibraryTemplate.find(id, on: db) else { throw AppError.notFound(entity: "template", id: id.uuidString) }
        return t
    }

    /// The version in force on `day` for a kind and scope, with its template.
    static func effective(_ kind: TemplateKind, scope: String, on day: LocalDate, db: any Database) async throws -> (LibraryTemplate, TemplateVersion)? {
        guard let t = try await LibraryTemplate.query(on: db).filter(\.$kind == kind).filter(\.$scope == scope).first() else { return nil }
        let versions = try await versions(of: t.id!, on: db)
        guard let f = TemplateRules.effective(on: day, among: versions.map { $0.facts() }),
              let v = versions.first(where: { $0.number == f.number }) else { return nil }
        return (t, v)
    }

    private static func versionsText(_ count: Int) -> SQLText {
        SQLText("SELECT t.kind, t.scope, v.id, v.number, v.state, v.effective_on, v.created_at "
                + "FROM \(LibraryTemplate.schema) t JOIN \(TemplateVersion.schema) v ON v.template_id = t.id WHERE "
                + Array(repeating: "(t.kind = ? AND t.scope = ?)", count: count).joined(separator: " OR "))
    }

    /// A new request's two (its work instruction and its survey).
    private static let versionsOfTwo = versionsText(2)

    /// The ids of the versions in force on `day` of the templates named by kind and scope, from one query that reads
    /// each version's dates and state but not its rows. This runs on every new request, inside the write lock.
    static func effectiveVersionIDs(_ wanted: [(kind: TemplateKind, scope: String)], on day: LocalDate,
                                    db: any Database) async throws -> [TemplateKind: UUID] {
        guard !wanted.isEmpty else { return [:] }
        // A fixed statement: every new service request runs this inside the write lock.
        let text = wanted.count == 2 ? versionsOfTwo : versionsText(wanted.count)
        let rows = try await db.sql.all(text(wanted.flatMap { [$0.kind.rawValue, $0.scope] }))
        var candidates: [String: [(id: UUID, facts: TemplateVersionFacts)]] = [:]
        for row in rows {
            let key = try row.decode(column: "kind", as: String.self) + "\u{1F}" + row.decode(column: "scope", as: String.self)
            let facts = TemplateVersionFacts(
                number: try row.decode(column: "number", as: Int.self), state: try row.decode(column: "state", as: TemplateVersionState.self),
                effectiveOn: try row.decode(column: "effective_on", as: String?.self).flatMap(LocalDate.init(iso:)),
                createdOn: LocalDate(date: try row.decode(column: "created_at", as: Date.self), in: JSONCoding.displayTimeZone))
            candidates[key, default: []].append((try row.decode(column: "id", as: UUID.self), facts))
        }
        var found: [TemplateKind: UUID] = [:]
        for w in wanted {
            let versions = candidates[w.kind.rawValue + "\u{1F}" + w.scope] ?? []
            if let f = TemplateRules.effective(on: day, among: versions.map(\.facts)), let v = versions.first(where: { $0.facts.number == f.number }) {
                found[w.kind] = v.id
            }
        }
        return found
    }

    static func diff(templateID: UUID, from: Int, to: Int, on db: any Database) async throws -> TemplateDiffResponse {
        let t = try await find(templateID, on: db)
        let versions = try await versions(of: templateID, on: db)
        guard let left = versions.first(where: { $0.number == from }) else { throw AppError.notFound(entity: "template version", id: "\(t.name) v\(from)") }
        guard let right = versions.first(where: { $0.number == to }) else { throw AppError.notFound(entity: "template version", id: "\(t.name) v\(to)") }
        let columns = t.kind.columns
        let rows = TemplateDiff.diff(columns: columns, keyColumns: t.kind.keyColumns, left: left.records(), right: right.records())
        let s = TemplateDiff.summary(rows)
        return TemplateDiffResponse(
            templateId: templateID, kind: t.kind, columns: columns, from: from, to: to, added: s.added, removed: s.removed, changed: s.changed,
            unchanged: s.unchanged,
            rows: rows.map { r in
                TemplateDiffRow(change: r.change, left: r.left.map { l in columns.map { l[$0] ?? "" } },
                                right: r.right.map { l in columns.map { l[$0] ?? "" } }, changedColumns: r.changedColumns)
            })
    }

    // MARK: - Who may write

    static func canManage(_ role: Role) -> Bool { Permissions.allows(role, .approve, .template) }

    /// Managers and administrators draft any kind; a department drafts its own kinds.
    static func requireDrafting(_ role: Role, _ kind: TemplateKind) throws {
        if canManage(role) || kind.draftingRoles.contains(role) { return }
        throw AppError.forbidden("role \(role.rawValue) may not draft \(kind.rawValue) templates; that is the work of " +
                                 kind.draftingRoles.map(\.rawValue).sorted().joined(separator: " or "))
    }

    static func ruleError(_ error: any Error) -> any Error {
        guard let e = error as? TemplateRuleError else { return error }
        switch e {
        case .notDraft: return AppError.conflict(code: "version_not_draft", message: e.message)
        case .effectiveDateTaken: return AppError.conflict(code: "effective_date_taken", message: e.message)
        case .effectiveDateRequired, .effectiveDateInPast: return AppError.invalid(fields: ["effective_on": e.message])
        }
    }

    // MARK: - Writing

    /// A new template with its built-in content as version 1, in force from the start (the seed).
    static func insert(_ seed: TemplateDefaults.Seed, author: String, changeNote: String, on db: any Database, now: Date,
                       newID: @Sendable () -> UUID) async throws -> (LibraryTemplate, TemplateVersion) {
        let t = LibraryTemplate()
        t.id = newID()
        t.kind = seed.kind
        t.scope = seed.scope
        t.name = seed.name
        t.createdAt = now
        t.version = 1
        try await t.create(on: db)
        let v = newVersion(t, number: 1, rows: seed.rows, author: author, note: changeNote, now: now, newID: newID)
        v.state = .effective
        v.approvedBy = author
        v.approvedAt = now
        try await v.create(on: db)
        return (t, v)
    }

    static func newVersion(_ t: LibraryTemplate, number: Int, rows: [[String]], author: String, note: String, now: Date,
                           newID: @Sendable () -> UUID) -> TemplateVersion {
        let v = TemplateVersion()
        v.id = newID()
        v.templateID = t.id!
        v.kind = t.kind
        v.number = number
        v.state = .draft
        v.effectiveOn = nil
        v.author = author
        v.changeNote = note
        v.rows = rows
        v.createdAt = now
        v.version = 1
        return v
    }

    static func checkRows(_ kind: TemplateKind, _ rows: [[String]], on db: any Database) async throws -> [[String]] {
        let clean = kind.widen(TemplateContent.normalise(rows))
        let departments = Set(try await Department.query(on: db).all(\.$code))
        let calendars = Set(try await StoredCalendar.query(on: db).all().compactMap(\.id))
        let problems = TemplateContent.problems(kind, clean, departments: departments, calendars: calendars)
        if !problems.isEmpty { throw AppError.invalid(fields: problems) }
        return clean
    }

    /// A new template (a kind for a scope that has none yet) with a first draft. Managers only.
    static func createTemplate(_ app: Application, actor: Actor, role: Role, _ input: TemplateCreateInput) async throws -> TemplateResponse {
        var check = FieldCheck()
        let kind = check.oneOf(input.kind, "kind", TemplateKind.self)
        let name = check.text(input.name, "name", max: 200)
        let note = check.text(input.changeNote ?? "新建模板", "change_note", max: 1000)
        if let kind, !kind.scopes.contains(input.scope ?? "") { check.fail("scope", "must be one of: \(kind.scopes.joined(separator: ", "))") }
        if input.rows == nil { check.fail("rows", "is required") }
        try check.throwIfAny()
        guard canManage(role) else { throw AppError.forbidden("only managers and administrators add templates") }
        let now = app.deps.now(), newID = app.deps.newID
        return try await Store.write(app) { db in
            if try await LibraryTemplate.query(on: db).filter(\.$kind == kind!).filter(\.$scope == input.scope!).first() != nil {
                throw AppError.duplicate(field: "scope", reason: "a \(kind!.rawValue) template for \(input.scope!) exists; add a version to it")
            }
            let rows = try await checkRows(kind!, input.rows ?? [], on: db)
            let t = LibraryTemplate()
            t.id = newID()
            t.kind = kind!
            t.scope = input.scope!
            t.name = name!
            t.createdAt = now
            t.version = 1
            try await t.create(on: db)
            let v = newVersion(t, number: 1, rows: rows, author: actor.name, note: note!, now: now, newID: newID)
            try await v.create(on: db)
            let ctx = ResponseContext(now: now)
            let out = response(t, [v], today: ctx.today)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: LibraryTemplate.entityType,
                                      entityID: t.id!.uuidString, after: out)
            return out
        }
    }

    /// A draft: the next number, the given table or a copy of the newest version's.
    static func createDraft(_ app: Application, actor: Actor, role: Role, templateID: UUID, _ input: TemplateVersionCreateInput) async throws -> TemplateVersionResponse {
        var check = FieldCheck()
        let note = check.text(input.changeNote, "change_note", max: 1000)
        let effectiveOn = check.day(input.effectiveOn, "effective_on")
        try check.throwIfAny()
        let now = app.deps.now(), newID = app.deps.newID
        return try await Store.write(app) { db in
            let t = try await find(templateID, on: db)
            try requireDrafting(role, t.kind)
            let existing = try await versions(of: templateID, on: db)
            let rows = try await checkRows(t.kind, input.rows ?? existing.last?.rows ?? [], on: db)
            let v = newVersion(t, number: (existing.last?.number ?? 0) + 1, rows: rows, author: actor.name, note: note!, now: now, newID: newID)
            v.effectiveOn = effectiveOn?.description
            try await v.create(on: db)
            let after = v.response(ResponseContext(now: now))
            try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: TemplateVersion.entityType,
                                      entityID: v.id!.uuidString, after: after)
            return after
        }
    }

    static func updateDraft(_ app: Application, actor: Actor, role: Role, versionID: UUID, expectedVersion: Int?,
                            _ input: TemplateVersionPatch) async throws -> TemplateVersionResponse {
        var check = FieldCheck()
        let note = input.changeNote == nil ? nil : check.text(input.changeNote, "change_note", max: 1000)
        let effectiveOn = input.effectiveOn.value.flatMap { check.day($0, "effective_on") }
        try check.throwIfAny()
        return try await Writes.update(app, actor: actor, TemplateVersion.self, id: versionID, expectedVersion: expectedVersion) { v, db in
            try requireDrafting(role, v.kind)
            do { try TemplateRules.checkEditable(v.facts()) } catch { throw ruleError(error) }
            if let note { v.changeNote = note }
            if !input.effectiveOn.isAbsent { v.effectiveOn = effectiveOn?.description }
            if let rows = input.rows { v.rows = try await checkRows(v.kind, rows, on: db) }
        }
    }

    static func deleteDraft(_ app: Application, actor: Actor, role: Role, versionID: UUID, expectedVersion: Int?) async throws {
        try await Writes.delete(app, actor: actor, TemplateVersion.self, id: versionID, expectedVersion: expectedVersion) { v, _ in
            try requireDrafting(role, v.kind)
            do { try TemplateRules.checkEditable(v.facts()) } catch { throw ruleError(error) }
        }
    }

    /// Approves a draft to take effect on a date (today or later). A version dated today is effective at once and the
    /// one it supersedes is retired, in the same transaction.
    static func approve(_ app: Application, actor: Actor, versionID: UUID, expectedVersion: Int?, _ input: TemplateApproveInput) async throws -> TemplateVersionResponse {
        var check = FieldCheck()
        let requested = check.day(input.effectiveOn, "effective_on")
        try check.throwIfAny()
        let now = app.deps.now(), newID = app.deps.newID
        let ctx = ResponseContext(now: now)
        return try await Store.write(app) { db in
            guard let v = try await TemplateVersion.find(versionID, on: db) else { throw AppError.notFound(entity: TemplateVersion.entityType, id: versionID.uuidString) }
            try Precondition.check(expectedVersion, against: v)
            let t = try await find(v.templateID, on: db)
            let all = try await versions(of: t.id!, on: db)
            let effectiveOn = requested ?? v.effectiveDay
            do {
                try TemplateRules.checkApproval(number: v.number, effectiveOn: effectiveOn, today: ctx.today, versions: all.map { $0.facts() })
            } catch { throw ruleError(error) }
            let before = v.response(ctx)
            v.state = .approved
            v.effectiveOn = effectiveOn!.description
            v.approvedBy = actor.name
            v.approvedAt = now
            v.version += 1
            try await v.update(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "approve", entityType: TemplateVersion.entityType,
                                      entityID: v.id!.uuidString, before: before, after: v.response(ctx))
            try await reconcile(t, try await versions(of: t.id!, on: db), today: ctx.today, on: db, now: now, actor: actor, newID: newID)
            return try await TemplateVersion.find(versionID, on: db)!.response(ctx)
        }
    }

    /// Brings every stored state in line with today's date: versions whose date has arrived become effective and
    /// their predecessors retired. Run by the sweeper each pass and by `template activate` / `POST /templates/activate`;
    /// reads never write (they compute the version in force from the dates). A no-op when nothing is due: one indexed
    /// count of approved versions dated today or earlier decides before anything is loaded. Returns the number of
    /// versions changed.
    @discardableResult
    static func activateDue(_ app: Application, actor: Actor = .system) async throws -> Int {
        let now = app.deps.now(), newID = app.deps.newID
        let today = ResponseContext(now: now).today
        let dueRow = try await app.db.sql.raw("""
            SELECT COUNT(*) AS n FROM template_versions
            WHERE state = \(bind: TemplateVersionState.approved.rawValue) AND effective_on <= \(bind: today.description)
            """).first()
        guard try (dueRow?.decode(column: "n", as: Int.self) ?? 0) > 0 else { return 0 }
        let all = try await TemplateVersion.query(on: app.db).filter(\.$state != .draft).all()
        let pending = Dictionary(grouping: all, by: \.templateID).filter { _, vs in
            let target = TemplateRules.reconcile(vs.map { $0.facts() }, today: today)
            return vs.contains { target[$0.number] != $0.state }
        }
        guard !pending.isEmpty else { return 0 }
        return try await Store.write(app) { db in
            var changed = 0
            for id in pending.keys.sorted(by: { $0.uuidString < $1.uuidString }) {
                let t = try await find(id, on: db)
                changed += try await reconcile(t, try await versions(of: id, on: db), today: today, on: db, now: now, actor: actor, newID: newID)
            }
            return changed
        }
    }

    /// A work instruction published through `POST /work-instructions` (the service desk's own path) becomes a version
    /// of the library's work_instruction template for its type, as if approved there to take effect today: the version in
    /// force from now on (the highest number wins a shared date), its predecessor retired. The instruction itself is
    /// already published, so nothing is published twice.
    static func recordPublishedInstruction(type: RequestType, items: [InstructionItem], toolkit: [ToolkitItem], actor: Actor,
                                           on db: any Database, now: Date, newID: @escaping @Sendable () -> UUID) async throws {
        guard let t = try await LibraryTemplate.query(on: db).filter(\.$kind == .workInstruction).filter(\.$scope == type.rawValue).first()
        else { return }
        let ctx = ResponseContext(now: now)
        let existing = try await versions(of: t.id!, on: db)
        let v = newVersion(t, number: (existing.last?.number ?? 0) + 1, rows: t.kind.widen(TemplateDefaults.instructionRows(items, toolkit)),
                           author: actor.name, note: "作业指导书发布", now: now, newID: newID)
        v.state = .effective
        v.effectiveOn = ctx.today.description
        v.approvedBy = actor.name
        v.approvedAt = now
        try await v.create(on: db)
        try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: TemplateVersion.entityType,
                                  entityID: v.id!.uuidString, after: v.response(ctx))
        try await reconcile(t, existing + [v], today: ctx.today, on: db, now: now, actor: actor, newID: newID)
    }

    @discardableResult
    static func reconcile(_ t: LibraryTemplate, _ versions: [TemplateVersion], today: LocalDate, on db: any Database, now: Date, actor: Actor,
                          newID: @escaping @Sendable () -> UUID) async throws -> Int {
        let target = TemplateRules.reconcile(versions.map { $0.facts() }, today: today)
        let ctx = ResponseContext(now: now)
        var changed = 0
        // Retire first, then activate: the audit trail reads in the order a person would tell it.
        for v in versions.sorted(by: { (target[$0.number] == .effective ? 1 : 0) < (target[$1.number] == .effective ? 1 : 0) }) {
            guard let state = target[v.number], state != v.state else { continue }
            let before = v.response(ctx)
            v.state = state
            v.version += 1
            try await v.update(on: db)
            changed += 1
            let action = state == .effective ? "activate" : state == .retired ? "retire" : "schedule"
            try await AuditLog.append(on: db, at: now, actor: actor, action: action, entityType: TemplateVersion.entityType,
                                      entityID: v.id!.uuidString, before: before, after: v.response(ctx))
            if state == .effective, t.kind == .workInstruction, let type = RequestType(rawValue: t.scope) {
                // The service desk copies checklists from work instructions: the new version becomes their current revision.
                let content = TemplateContent.instruction(v.rows)
                let w = try await WorkInstructionService.publish(type: type, title: t.name, items: content.items, toolkit: content.toolkit,
                                                                 by: actor.name, on: db, now: now, newID: newID)
                try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: WorkInstruction.entityType,
                                          entityID: w.id!.uuidString, after: w.response(ctx))
            }
        }
        return changed
    }
}
