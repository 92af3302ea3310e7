import Fluent
import Foundation
import LvyueCore
import Vapor

/// `/milestones/:id`: one row of 模板2 with its "record progress" form and the history of its updates.
struct MilestonePage: Encodable, Sendable {
    struct UpdateRow: Encodable, Sendable {
        var time, author, progress: String
        var actualOn, delayCause, delayReason, nextStep, note: String?
    }

    var contractLabel: String
    var contractURL: String
    var name: String
    var plannedOn, actualOn, progress, progressClass, status, statusKey, weight, department: String
    var delayLabel: String?
    var delayCause: String?
    var delayReason: String?
    var nextStep: String?
    var editURL: String
    var attachmentsURL: String  // issue #5
    var resourcesURL: String = ""  // issue #10
    var canUpdate: Bool
    var form: FormPage
    var hasHistory: Bool
    var history: [UpdateRow]

    static let spec: [(String, FormBody.Kind)] = [
        ("progress", .int), ("actual_on", .string), ("delay_cause", .string), ("delay_reason", .string), ("next_step", .string),
        ("note", .string),
    ]

    static func query(on db: any Database, id: UUID, today: LocalDate, t: Strings, canUpdate: Bool, form state: FormState?)
        async throws -> MilestonePage {
        let m = try await Writes.find(Milestone.self, id, on: db)
        let contract = try await Writes.find(Contract.self, m.$contract.id, on: db)
        let department: Department? = if let d = m.$department.id { try await Department.find(d, on: db) } else { nil }
        let updates = try await MilestoneUpdate.query(on: db).filter(\.$milestone.$id == id).sort(\.$recordedAt, .descending)
            .sort(\.$id, .descending).limit(100).all()
        let status = m.status(today: today)
        let delay = m.delayDays(today: today)
        let progress = m.actualOn != nil ? 100 : m.progress

        let s = state ?? FormState(t, values: ["progress": String(progress), "actual_on": m.actualOn ?? "",
                                               "delay_cause": m.delayCause?.rawValue ?? "", "delay_reason": m.delayReason ?? "",
                                               "next_step": m.nextStep ?? ""])
        var cause = s.select("delay_cause", "field_delay_cause", DelayCause.allCases.map { ($0.rawValue, t.label("delay_cause", $0)) })
        cause.options[0].label = t["none_option"]
        let form = FormPage(
            heading: t["milestone_progress_title"], context: nil, action: SitePath.milestoneProgress.path(id), submitLabel: t["action_record"],
            cancelURL: SitePath.contract.path(contract.id!), banner: s.banner, version: Int(s.values["version"] ?? "") ?? m.version,
            fields: [
                s.field("progress", "field_progress", kind: "number", required: true, step: "1"),
                s.field("actual_on", "field_actual_on", kind: "date", hint: "hint_actual_on"),
                cause,
                s.field("delay_reason", "field_delay_reason", kind: "textarea", max: 2000),
                s.field("next_step", "field_next_step", kind: "textarea", max: 2000),
                s.field("note", "field_note", kind: "textarea", max: 4000),
            ])

        var page = MilestonePage(
            contractLabel: "\(contract.number) \(contract.title)", contractURL: SitePath.contract.path(contract.id!), name: m.name,
            plannedOn: t.day(m.plannedOn), actualOn: t.day(m.actualOn), progress: "\(progress)%",
            progressClass: Display.widthClass(Double(progress)), status: t.label("milestone_status", status), statusKey: status.rawValue,
            weight: t.number(m.weight), department: department?.name ?? "—",
            delayLabel: delay > 0 ? t.format("late_days", ["n": String(delay)]) : nil,
            delayCause: m.delayCause.map { t.label("delay_cause", $0) }, delayReason: m.delayReason, nextStep: m.nextStep,
            editURL: SitePath.milestoneEdit.path(id), attachmentsURL: AttachmentPaths.milestone.path(id), canUpdate: canUpdate, form: form, hasHistory: !updates.isEmpty,
            history: updates.map { u in
                UpdateRow(time: t.time(u.recordedAt), author: u.authorName, progress: "\(u.progress)%", actualOn: u.actualOn.map { t.day($0) },
                          delayCause: u.delayCause.map { t.label("delay_cause", $0) }, delayReason: u.delayReason, nextStep: u.nextStep,
                          note: u.note)
            })
        page.resourcesURL = ResourceSitePaths.plan.path(id)
        return page
    }
}

struct MilestoneWebController {
    func register(on routes: any RoutesBuilder) {
        routes.get(SitePath.milestone, use: show)
        routes.post(SitePath.milestoneProgress, use: record)
    }

    private func render(_ req: Request, id: UUID, state: FormState?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let t = req.strings
        let page = try await MilestonePage.query(on: req.db, id: id, today: ResponseContext(now: req.now).today, t: t,
                                                 canUpdate: Permissions.allows(try req.user.role, .update, .milestone), form: state)
        return try await WebView.render(req, "milestones/show", title: page.name, page, status: status)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .milestone)
        return try await render(req, id: try req.pathID(entity: "milestone"), state: nil)
    }

    /// "Record progress": the same input and service as `POST /api/v1/milestones/:id/updates`.
    @Sendable func record(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .milestone)
        let id = try req.pathID(entity: "milestone")
        let body = FormBody(req)
        return try await FormFlow.submit(req, known: Set(MilestonePage.spec.map(\.0))) {
            let input = try body.decode(MilestoneUpdateInput.self, MilestonePage.spec).validated()
            let result = try await MilestoneService.recordUpdate(req.application, actor: req.actor, milestoneID: id,
                                                                 expectedVersion: body.expectedVersion, input)
            await WebHooks.contractChanged(req, result.milestone.contractId)
            return WebView.redirect(req, to: SitePath.milestone.path(id), notice: .progressRecorded)
        } rerender: { errors, banner, status in
            var state = FormState(req.strings, submitted: body)
            state.errors = errors
            state.banner = banner
            return try await render(req, id: id, state: state, status: status)
        }
    }
}
