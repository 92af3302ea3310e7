import Foundation
import LvyueCore

/// The template library's part of the OpenAPI document (issue #7).
enum TemplateSchemas {
    static var all: [String: Any] {
        let summaryProps: [String: [String: Any]] = [
            "id": S.uuid, "number": S.int, "state": S.enumeration(TemplateVersionState.self), "effective_on": S.dateN,
            "author": S.string, "change_note": S.string, "created_at": S.time,
        ]
        var nullableSummary = S.response(summaryProps)
        nullableSummary["type"] = ["object", "null"]
        let rows = S.array(S.array(S.string))
        let usage = S.response(["kind": S.enumeration(TemplateKind.self), "template_id": S.uuid, "template_name": S.string,
                                "version_id": S.uuid, "number": S.int])
        return [
            "TemplateVersionSummary": S.response(summaryProps),
            "Template": S.response([
                "id": S.uuid, "kind": S.enumeration(TemplateKind.self), "scope": S.string, "name": S.string,
                "effective_version": nullableSummary, "scheduled_version": nullableSummary, "due_for_revision": S.bool,
                "versions": S.array(S.ref("TemplateVersionSummary")), "version": S.int,
            ]),
            "TemplateList": S.object(["items": S.array(S.ref("Template"))], required: ["items"]),
            "TemplateCreate": S.object([
                "kind": S.enumeration(TemplateKind.self), "scope": S.string, "name": S.string, "change_note": S.string, "rows": rows,
            ], required: ["kind", "scope", "name", "rows"]),
            "TemplateVersion": S.response([
                "id": S.uuid, "template_id": S.uuid, "kind": S.enumeration(TemplateKind.self), "number": S.int,
                "state": S.enumeration(TemplateVersionState.self), "effective_on": S.dateN, "author": S.string, "change_note": S.string,
                "columns": S.array(S.string), "rows": rows, "created_at": S.time, "approved_by": S.stringN, "approved_at": S.timeN,
                "version": S.int,
            ]),
            "TemplateVersionCreate": S.object(["change_note": S.string, "effective_on": S.dateN, "rows": rows], required: ["change_note"]),
            "TemplateVersionPatch": S.object(["change_note": S.string, "effective_on": S.dateN, "rows": rows]),
            "TemplateApprove": S.object(["effective_on": S.date]),
            "TemplateActivate": S.response(["changed": S.int]),
            "TemplateDiff": S.response([
                "template_id": S.uuid, "kind": S.enumeration(TemplateKind.self), "columns": S.array(S.string), "from": S.int, "to": S.int,
                "added": S.int, "removed": S.int, "changed": S.int, "unchanged": S.int,
                "rows": S.array(S.response([
                    "change": S.enumeration(TemplateDiff.Change.self), "left": ["type": ["array", "null"], "items": S.string],
                    "right": ["type": ["array", "null"], "items": S.string], "changed_columns": S.array(S.string),
                ])),
            ]),
            "TemplateApply": S.object([
                "kinds": S.array(["type": "string", "enum": ["responsibility", "milestone_plan", "risk_checklist"]]),
                "responsibility_version_id": S.uuidN, "milestone_version_id": S.uuidN, "risk_version_id": S.uuidN, "calendar_id": S.string,
            ]),
            "TemplateApplied": S.response([
                "contract_id": S.uuid, "versions": S.array(usage), "clauses": S.int, "responsibilities": S.int, "milestones": S.int,
                "risks": S.int, "risks_skipped": S.int,
            ]),
            "TemplateUsage": S.response(["entity_type": S.string, "entity_id": S.uuid, "versions": S.array(usage)]),
        ]
    }
}

enum TemplatePaths {
    static var all: [String: [String: [String: Any]]] {
        let read = [401, 403, 404]
        let write = [400, 401, 403, 404, 409, 412, 413, 422]
        return [
            "/templates": [
                "get": Op.make("templates", "The template library: every template with the version in force and the next one scheduled",
                               params: [Op.query("kind", S.enumeration(TemplateKind.self))], responses: ["200": "TemplateList"], errors: [401, 403, 422]),
                "post": Op.make("templates", "Add a template for a kind and scope that has none (managers); its first version is a draft",
                                body: "TemplateCreate", responses: ["201": "Template"], errors: [400, 401, 403, 409, 413, 422]),
            ],
            "/templates/due-for-revision": [
                "get": Op.make("templates", "Templates due for their yearly revision (version in force written or effective more than 12 months ago)",
                               responses: ["200": "TemplateList"], errors: [401, 403]),
            ],
            "/templates/activate": [
                "post": Op.make("templates", "Make approved versions whose date has arrived effective and retire their predecessors",
                                responses: ["200": "TemplateActivate"], errors: [401, 403]),
            ],
            "/templates/{id}": [
                "get": Op.make("templates", "A template with all its versions", params: [Op.id], responses: ["200": "Template"], errors: read),
            ],
            "/templates/{id}/diff": [
                "get": Op.make("templates", "Side-by-side diff of two versions: rows added, removed, changed (with the changed columns)",
                               params: [Op.id, Op.query("from", ["type": "integer", "minimum": 1], "older version number"),
                                        Op.query("to", ["type": "integer", "minimum": 1], "newer version number")],
                               responses: ["200": "TemplateDiff"], errors: [401, 403, 404, 422]),
            ],
            "/templates/{id}/versions": [
                "post": Op.make("templates", "Draft a new version (a copy of the newest one unless rows are given)", params: [Op.id],
                                body: "TemplateVersionCreate", responses: ["201": "TemplateVersion"], errors: [400, 401, 403, 404, 413, 422]),
            ],
            "/template-versions/{id}": [
                "get": Op.make("templates", "One version with its table", params: [Op.id], responses: ["200": "TemplateVersion"], errors: read),
                "patch": Op.make("templates", "Change a draft (only drafts change; 409 otherwise)", params: [Op.id, Op.ifMatch],
                                 body: "TemplateVersionPatch", responses: ["200": "TemplateVersion"], errors: write),
                "delete": Op.make("templates", "Discard a draft", params: [Op.id, Op.ifMatch], responses: ["204": nil],
                                  errors: [400, 401, 403, 404, 409, 412]),
            ],
            "/template-versions/{id}/approve": [
                "post": Op.make("templates", "Approve a draft to take effect on a date (today: at once, retiring the version it replaces)",
                                params: [Op.id, Op.ifMatch], body: "TemplateApprove", responses: ["200": "TemplateVersion"], errors: write),
            ],
            "/contracts/{id}/apply-templates": [
                "post": Op.make("templates", "Fill a new contract's responsibility table, milestones and risks from templates (chosen or in force)",
                                params: [Op.id], body: "TemplateApply", responses: ["201": "TemplateApplied"],
                                errors: [400, 401, 403, 404, 409, 413, 422]),
            ],
            "/contracts/{id}/template-versions": [
                "get": Op.make("templates", "The template versions a contract was made under", params: [Op.id], responses: ["200": "TemplateUsage"],
                               errors: read),
            ],
            "/service-plans/{id}/template-versions": [
                "get": Op.make("templates", "The SLA policy version a service plan took", params: [Op.id], responses: ["200": "TemplateUsage"],
                               errors: read),
            ],
            "/service-requests/{id}/template-versions": [
                "get": Op.make("templates", "The work instruction and survey versions a service request was received under", params: [Op.id],
                               responses: ["200": "TemplateUsage"], errors: read),
            ],
        ]
    }
}
