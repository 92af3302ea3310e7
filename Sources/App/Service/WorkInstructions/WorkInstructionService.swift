import Fluent
import Foundation
import SQLKit
import Vapor

struct WorkInstructionResponse: Content, HasVersion {
    var id: UUID
    var requestType: RequestType
    var revision: Int
    var title: String
    var items: [InstructionItem]
    var toolkit: [ToolkitItem]
    var current: Bool
    var createdBy: String
    var createdAt: Date
    var version: Int
}

extension WorkInstruction: AuditedModel {
    static let entityType = "work_instruction"
    func response(_ ctx: ResponseContext) -> WorkInstructionResponse {
        WorkInstructionResponse(id: id!, requestType: requestType, revision: revision, title: title, items: items, toolkit: toolkit,
                                current: current, createdBy: createdBy, createdAt: createdAt, version: version)
    }
}

struct WorkInstructionInput: Decodable, Sendable {
    var requestType: String?
    var title: String?
    var items: [InstructionItem]?
    var toolkit: [ToolkitItem]?
}

struct ChecklistTickInput: Decodable, Sendable {
    var done: Bool?
    var note: String?
}

/// Work instructions (后期服务作业指导书): versioned checklists and toolkits per request type, copied onto each
/// request; the resolve step is refused while a mandatory item is open.
enum WorkInstructionService {
    /// A new revision for a type; it becomes the current one.
    static func publish(_ app: Application, actor: Actor, _ input: WorkInstructionInput) async throws -> WorkInstructionResponse {
        var check = FieldCheck()
        let type = check.oneOf(input.requestType, "request_type", RequestType.self)
        let title = check.text(input.title, "title", max: 200)
        let items = input.items ?? []
        if items.isEmpty { check.fail("items", "at least one checklist item is required") }
        if items.count > 100 { check.fail("items", "at most 100 items") }
        for (i, item) in items.enumerated() { _ = check.text(item.text, "items.\(i).text", max: 500) }
        for (i, tool) in (input.toolkit ?? []).enumerated() { _ = check.text(tool.name, "toolkit.\(i).name", max: 200) }
        try check.throwIfAny()
        let now = app.deps.now(), newID = app.deps.newID
        return try await Store.write(app) { db in
            let w = try await publish(type: type!, title: title!, items: items, toolkit: input.toolkit ?? [], by: actor.name, on: db,
                                      now: now, newID: newID)
            let after = w.response(ResponseContext(now: now))
            try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: WorkInstruction.entityType,
                                      entityID: w.id!.uuidString, after: after)
            // The template library keeps the same revision as a version of its work_instruction template (issue #7).
            try await TemplateLibrary.recordPublishedInstruction(type: type!, items: w.items, toolkit: w.toolkit, actor: actor, on: db,
                                                                 now: now, newID: newID)
            return after
        }
    }

    static func publish(type: RequestType, title: String, items: [InstructionItem], toolkit: [ToolkitItem], by: String,
                        on db: any Database, now: Date, newID: @Sendable () -> UUID) async throws -> WorkInstruction {
        let previous = try await WorkInstruction.query(on: db).filter(\.$requestType == type).sort(\.$revision, .descending).all()
        for p in previous where p.current {
            p.current = false
            p.version += 1
            try await p.update(on: db)
        }
        let w = WorkInstruction()
        w.id = newID()
        w.requestType = type
        w.revision = (previous.first?.revision ?? 0) + 1
        w.title = title
        w.items = items.map { InstructionItem(text: $0.text.trimmingCharacters(in: .whitespacesAndNewlines), mandatory: $0.mandatory) }
        w.toolkit = toolkit
        w.current = true
        w.createdBy = by
        w.createdAt = now
        w.version = 1
        try await w.create(on: db)
        return w
    }

    private static let currentInstruction: SQLText = "SELECT id, items, toolkit FROM work_instructions WHERE request_type = ? AND current = ? LIMIT 1"

    /// Copies the current instruction's items onto a new request (one multi-row INSERT); returns them and the
    /// instruction's toolkit. Every new request runs this inside the write lock, so the instruction is read narrowly.
    @discardableResult
    static func copyChecklist(for r: ServiceRequest, on db: any Database, ctx: MonitorContext) async throws
        -> (items: [ServiceChecklistItemResponse], toolkit: [ToolkitItem]) {
        guard let w = try await db.sql.first(currentInstruction, r.type.rawValue, true) else { return ([], []) }
        let instructionID = try w.decode(column: "id", as: UUID.self)
        let listed = WorkInstruction.items(json: try w.decode(column: "items", as: String.self))
        let toolkit = WorkInstruction.toolkit(json: try w.decode(column: "toolkit", as: String.self))
        // New items are written from their values, as the request's answer shows them, without a model each.
        let requestID = r.id!
        let items = listed.enumerated().map { i, item in
            ServiceChecklistItemResponse(id: ctx.newID(), requestId: requestID, position: i + 1, text: item.text, mandatory: item.mandatory,
                                         done: false, doneAt: nil, doneBy: nil, note: nil, version: 1)
        }
        try await ModelInsert.insert(into: ChecklistItem.schema, columns: newItemColumns, rows: items.map { c in
            [.uuid(c.id), .uuid(requestID), .uuid(instructionID), .integer(c.position), .text(c.text), .bool(c.mandatory), .bool(false), .integer(1)]
        }, on: db)
        return (items, toolkit)
    }

    /// The columns a new checklist item sets (the rest start empty).
    private static let newItemColumns = ["id", "request_id", "instruction_id", "position", "text", "mandatory", "done", "version"]

    /// 422 naming every open mandatory item.
    static func requireMandatoryDone(_ r: ServiceRequest, on db: any Database) async throws {
        let open = try await ChecklistItem.query(on: db).filter(\.$requestID == r.id!).filter(\.$mandatory == true)
            .filter(\.$done == false).sort(\.$position).all()
        guard !open.isEmpty else { return }
        let list = open.map { "\($0.position). \($0.text)" }.joined(separator: "; ")
        throw AppError.unprocessable(code: "checklist_incomplete",
                                     message: "cannot resolve \(r.number): \(open.count) mandatory checklist item(s) still open: \(list)",
                                     fields: ["checklist": "open mandatory items: \(list)"])
    }

    /// Ticks (or unticks) an item with an optional note.
    static func tick(_ app: Application, actor: Actor, itemID: UUID, expectedVersion: Int?, _ input: ChecklistTickInput) async throws -> ServiceChecklistItemResponse {
        var check = FieldCheck()
        let note = check.text(input.note, "note", max: 2000, required: false)
        if input.done == nil && input.note == nil { check.fail("done", "is required") }
        try check.throwIfAny()
        let now = app.deps.now()
        return try await Writes.update(app, actor: actor, ChecklistItem.self, id: itemID, expectedVersion: expectedVersion) { item, db in
            if let r = try await ServiceRequest.find(item.requestID, on: db), !r.status.isOpen {
                throw AppError.conflict(code: "request_closed", message: "request \(r.number) is \(r.status.rawValue)")
            }
            if let done = input.done, done != item.done {
                item.done = done
                item.doneAt = done ? now : nil
                item.doneBy = done ? actor.name : nil
            }
            if input.note != nil { item.note = note }
        }
    }

    /// The default work instruction per type (Chinese), seeded once at start.
    static func ensureDefaults(_ app: Application) async throws {
        if try await WorkInstruction.query(on: app.db).count() > 0 { return }
        let now = app.deps.now(), newID = app.deps.newID
        try await Store.write(app) { db in
            if try await WorkInstruction.query(on: db).count() > 0 { return }
            for d in DefaultWorkInstructions.all {
                let w = try await publish(type: d.type, title: d.title, items: d.items, toolkit: d.toolkit, by: "system", on: db,
                                          now: now, newID: newID)
                try await AuditLog.append(on: db, at: now, actor: .system, action: "create", entityType: WorkInstruction.entityType,
                                          entityID: w.id!.uuidString, after: w.response(ResponseContext(now: now)))
            }
        }
    }
}
