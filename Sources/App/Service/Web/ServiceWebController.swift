import Fluent
import Foundation
import LvyueCore
import Vapor

/// The service desk's pages (queue, request, plans, notice, triage) and the engineer's list (issue #6).
struct ServiceWebController {
    func register(on routes: any RoutesBuilder) {
        routes.get(ServiceSitePaths.desk, use: desk)
        routes.post(ServiceSitePaths.deskCreate, use: create)
        routes.get(ServiceSitePaths.mine, use: mine)
        routes.get(ServiceSitePaths.request, use: request)
        routes.post(ServiceSitePaths.requestEvent, use: recordEvent)
        routes.post(ServiceSitePaths.requestRatingLink, use: ratingLink)
        routes.post(ServiceSitePaths.requestFollowUp, use: followUp)
        routes.post(ServiceSitePaths.requestObjection, use: objection)
        routes.post(ServiceSitePaths.objectionResolve, use: resolveObjection)
        routes.post(ServiceSitePaths.checklistToggle, use: toggle)
        routes.get(ServiceSitePaths.plans, use: plans)
        routes.get(ServiceSitePaths.plan, use: plan)
        routes.get(ServiceSitePaths.planNotice, use: notice)
        routes.post(ServiceSitePaths.planNoticeSent, use: noticeSent)
        routes.post(ServiceSitePaths.contractPlanCreate, use: createPlan)
        routes.post(ServiceSitePaths.inspectionConfirm, use: confirmInspection)
        routes.get(ServiceSitePaths.triage, use: triage)
        routes.post(ServiceSitePaths.triageCreate, use: triageCreate)
        routes.post(ServiceSitePaths.triageDiscard, use: triageDiscard)
    }

    // MARK: - Queue

    @Sendable func desk(req: Request) async throws -> Response {
        try await renderQueue(req, mine: false)
    }

    @Sendable func mine(req: Request) async throws -> Response {
        try await renderQueue(req, mine: true)
    }

    private func renderQueue(_ req: Request, mine: Bool, errors: [String: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        try Permissions.require(req, .read, .serviceRequest)
        let t = req.strings
        let user = try req.user
        let canCreate = Permissions.allows(user.role, .create, .serviceRequest)
        let db = req.db
        let engineerID = mine ? user.id : nil
        let (rows, list) = try await ListQuery.run(req, ServiceLists.queue(t, mine: mine, canCreate: canCreate),
                                                   base: { ServiceLists.filter(nil, engineerID: engineerID).apply(ServiceRequest.query(on: db)) },
                                                   search: ["number", "title", "description"]) { q, s in
            _ = ServiceLists.filter(s, engineerID: nil).apply(q)
        }
        let lookups = try await Lookups.load(on: req.db, users: false, departments: false)
        let now = req.now
        let triagePending = mine ? 0 : try await TriageItem.query(on: req.db).filter(\.$status == .pending).count()
        let page = DeskPage(
            heading: mine ? t["svc_mine_title"] : t["svc_desk_title"], isDesk: !mine,
            rows: rows.map { RequestRow($0, customer: lookups.customers.name($0.customerID) ?? "", now: now, t) },
            list: list,
            triagePending: triagePending, canCreate: canCreate && !mine, createURL: ServiceSitePaths.deskCreate.path,
            customerOptions: lookups.customers.map { OptionView(value: $0.id.uuidString.lowercased(), label: $0.name, selected: false) },
            channelOptions: t.options("svc_channel", ServiceChannel.self, selected: ServiceChannel.phone.rawValue),
            newTypeOptions: t.options("svc_type", RequestType.self, selected: RequestType.faultRepair.rawValue),
            newUrgencyOptions: t.options("svc_urgency", Urgency.self, selected: Urgency.normal.rawValue),
            errors: errors.sorted { $0.key < $1.key }.map { $0.key.isEmpty ? $0.value : "\($0.key): \($0.value)" })
        return try await WebView.render(req, "service/desk", title: page.heading, page, status: status)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .serviceRequest)
        let body = FormBody(req)
        let input = ServiceRequestCreateInput(
            customerId: body.string("customer_id").flatMap(UUID.init(uuidString:)), contractId: nil, channel: body.string("channel"),
            type: body.string("type"), urgency: body.string("urgency"), remoteSolvable: body.string("remote_solvable") == "true",
            title: body.string("title"), description: body.string("description"), contactName: body.string("contact_name"),
            contactEmail: nil, contactPhone: body.string("contact_phone"), receivedAt: nil, engineerId: nil, departmentId: nil)
        do {
            let d = try await ServiceRequestService.create(req.application, actor: req.actor, input)
            return WebView.redirect(req, to: ServiceSitePaths.request.path(d.request.id), notice: .created)
        } catch let e as AppError where e.httpStatus == .unprocessableEntity {
            return try await renderQueue(req, mine: false, errors: e.fields.isEmpty ? ["": e.message] : e.fields, status: .unprocessableEntity)
        }
    }

    // MARK: - One request

    @Sendable func request(req: Request) async throws -> Response {
        try await renderRequest(req, id: try req.pathID(entity: "service_request"))
    }

    private func renderRequest(_ req: Request, id: UUID, errors: [String: String] = [:], status: HTTPResponseStatus = .ok,
                               ratingLink: String = "") async throws -> Response {
        try Permissions.require(req, .read, .serviceRequest)
        let t = req.strings
        let d = try await ServiceRequestService.detail(id, on: req.db, now: req.now, clocks: req.application.serviceClocks)
        let r = d.request
        let lookups = try await Lookups.load(on: req.db, departments: true)
        let contract = try await r.contractId.asyncMap { try await Contract.find($0, on: req.db) } ?? nil
        let role = try req.user.role
        let canWork = Permissions.allows(role, .update, .serviceRequest)
        func tm(_ d: Date?) -> String { t.time(d) }
        func by(_ d: Date?, _ who: String?) -> String { d == nil ? "—" : tm(d) + (who.map { " · " + $0 } ?? "") }
        let facts: [FactView] = [
            .init(label: t["svc_f_number"], value: r.number),
            .init(label: t["svc_f_customer"], value: lookups.customers.name(r.customerId) ?? ""),
            .init(label: t["svc_f_contract"], value: contract?.number ?? "—"),
            .init(label: t["svc_f_channel"], value: t.label("svc_channel", r.channel)),
            .init(label: t["svc_f_type"], value: t.label("svc_type", r.type)),
            .init(label: t["svc_f_urgency"], value: t.label("svc_urgency", r.urgency) + (r.remoteSolvable ? " · " + t["svc_remote_solvable"] : "")),
            .init(label: t["svc_f_contact"], value: [r.contactName, r.contactPhone, r.contactEmail].compactMap { $0 }.joined(separator: " · ")),
            .init(label: t["svc_f_received"], value: tm(r.receivedAt)),
            .init(label: t["svc_f_confirmed"], value: r.rejectedAt != nil ? t["svc_rejected"] + " " + by(r.rejectedAt, r.rejectedBy) + "：" + (r.rejectReason ?? "")
                  : by(r.confirmedAt, r.confirmedBy)),
            .init(label: t["svc_f_responded"], value: by(r.respondedAt, r.respondedBy)),
            .init(label: t["svc_f_remote"], value: by(r.remoteAt, r.remoteBy)),
            .init(label: t["svc_f_dispatched"], value: by(r.dispatchedAt, r.dispatchedBy)),
            .init(label: t["svc_f_onsite"], value: by(r.onsiteAt, r.onsiteBy)),
            .init(label: t["svc_f_resolved"], value: by(r.resolvedAt, r.resolvedBy)),
            .init(label: t["svc_f_engineer"], value: (r.engineerName ?? "—") + (lookups.departments.name(r.departmentId).map { " · " + $0 } ?? "")),
            .init(label: t["svc_f_solution"], value: r.solution ?? "—"),
            .init(label: t["svc_f_signed"], value: r.signedBy.map { "\($0) · \(tm(r.signedAt))" } ?? "—"),
            .init(label: t["svc_f_follow_up"], value: d.followUps.last.map { "\(tm($0.calledAt)) · \($0.callerName) · \(t.label("svc_outcome", $0.outcome))" } ?? "—"),
            .init(label: t["svc_f_objection"], value: d.objections.isEmpty ? "—" : d.objections.map { "\($0.description)（\(t.label("svc_objection_status", $0.status))）" }.joined(separator: "；")),
        ]
        let clocks = d.clocks.map { c -> ClockRow in
            let left: String
            if c.stoppedAt != nil { left = "—" } else if c.remainingWorkingMinutes >= 0 {
                // A 7×24 clock counts every hour of the calendar: its time left is calendar time, not working time.
                left = t.format(c.calendarId == "7x24" ? "sys_left_calendar" : "svc_left_working",
                                ["t": RequestRow.span(c.remainingWorkingMinutes, t)])
            } else { left = t.format("svc_overdue_by", ["t": RequestRow.span(-c.remainingWorkingMinutes, t)]) }
            return ClockRow(name: t["svc_clock." + c.name], code: c.name, state: t["svc_clock_state." + c.state], stateClass: c.state,
                            due: tm(c.dueAt), left: left, calendar: c.calendarId,
                            log: c.log.map { FactView(label: tm($0.at), value: t["svc_clock_log." + $0.kind]) })
        }
        let checklist = d.checklist.map {
            ChecklistRow(position: $0.position, text: $0.text, mandatory: $0.mandatory, done: $0.done,
                         doneBy: $0.done ? "\($0.doneBy ?? "") \(tm($0.doneAt))" : "", note: $0.note ?? "",
                         toggleURL: ServiceSitePaths.checklistToggle.path($0.id))
        }
        let rating: [FactView] = d.rating.map { x in
            [FactView(label: t["svc_dim_speed"], value: "\(x.speed)"), FactView(label: t["svc_dim_solving"], value: "\(x.solving)"),
             FactView(label: t["svc_dim_attitude"], value: "\(x.attitude)"), FactView(label: t["svc_dim_professionalism"], value: "\(x.professionalism)")]
        } ?? []
        var page = RequestPage(
            number: r.number, title: r.title, status: t.label("svc_status", r.status), statusClass: r.status.rawValue,
            urgency: t.label("svc_urgency", r.urgency), urgencyClass: r.urgency.rawValue, waiting: r.waiting, paid: r.paidService,
            facts: facts, clocks: clocks, checklist: checklist,
            toolkit: d.toolkit.map { FactView(label: t.label("svc_tool", $0.category), value: $0.name + ($0.quantity.map { " ×\($0)" } ?? "")) },
            timeline: d.events.map { TimelineRow(at: tm($0.at), kind: t["svc_event." + $0.type], actor: $0.actorName,
                                                     note: t.text(key: $0.messageKey, params: $0.messageParams, stored: $0.note ?? "")) },
            rating: rating, ratingComment: d.rating?.comment ?? "",
            followUps: d.followUps.map { TimelineRow(at: tm($0.calledAt), kind: t.label("svc_outcome", $0.outcome), actor: $0.callerName, note: $0.notes ?? "") },
            objections: d.objections.map {
                ObjectionRow(raisedAt: tm($0.raisedAt), description: $0.description, status: t.label("svc_objection_status", $0.status),
                             due: tm($0.resolveDueAt), resolution: $0.resolution ?? "", feedback: $0.feedback ?? "", open: $0.status == .open,
                             resolveURL: ServiceSitePaths.objectionResolve.path($0.id))
            },
            canWork: canWork && r.status.isOpen || canWork && r.status == .closed, eventURL: ServiceSitePaths.requestEvent.path(id),
            eventOptions: RequestEventType.allCases.map { OptionView(value: $0.rawValue, label: t["svc_event." + $0.rawValue], selected: false) },
            engineerOptions: [OptionView(value: "", label: t["none_option"], selected: true)]
                + lookups.users.map { OptionView(value: $0.id.uuidString.lowercased(), label: $0.name, selected: false) },
            version: r.version, ratingLinkURL: ServiceSitePaths.requestRatingLink.path(id), ratingLink: ratingLink,
            followUpURL: ServiceSitePaths.requestFollowUp.path(id), objectionURL: ServiceSitePaths.requestObjection.path(id),
            outcomeOptions: t.options("svc_outcome", FollowUpOutcome.self, selected: FollowUpOutcome.satisfied.rawValue),
            canRate: canWork && d.rating == nil && r.resolvedAt != nil, canFollowUp: canWork && (r.signedAt != nil || r.status == .closed),
            errors: errors.sorted { $0.key < $1.key }.map { $0.key.isEmpty ? $0.value : "\($0.key): \($0.value)" },
            files: try await AttachmentSection.staff(req, .serviceRequest, id, contractID: nil))
        page.quickSteps = QuickSteps.options(r.status, t)
        return try await WebView.render(req, "service/request", title: r.number, page, status: status)
    }

    /// Runs a write; a refused one re-renders the request page with the reason.
    private func attempt(_ req: Request, id: UUID, notice: Notice = .saved, _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
        } catch let e as AppError where [.unprocessableEntity, .conflict, .preconditionFailed].contains(e.httpStatus) {
            return try await renderRequest(req, id: id, errors: e.fields.isEmpty ? ["": e.message] : e.fields.merging(["": e.message]) { a, _ in a },
                                           status: e.httpStatus)
        }
        return WebView.redirect(req, to: ServiceSitePaths.request.path(id), notice: notice)
    }

    @Sendable func recordEvent(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        let id = try req.pathID(entity: "service_request")
        try await EngineerScope.requireOwn(req, requestID: id)
        let b = FormBody(req)
        func v(_ k: String) -> String? { b.string(k).flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 } }
        let input = RequestEventInput(type: v("type"), at: nil, note: v("note"), reason: v("reason"), solution: v("solution"),
                                      signerName: v("signer_name"), rating: nil, engineerId: v("engineer_id").flatMap(UUID.init(uuidString:)),
                                      departmentId: nil)
        return try await attempt(req, id: id, notice: .statusChanged) {
            _ = try await ServiceRequestService.record(req.application, actor: req.actor, id: id, expectedVersion: v("version").flatMap { Int($0) }, input)
        }
    }

    @Sendable func toggle(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        let itemID = try req.pathID(entity: "checklist_item")
        try await EngineerScope.requireOwn(req, checklistItemID: itemID)
        let item = try await Writes.find(ChecklistItem.self, itemID, on: req.db)
        let note: String? = FormBody(req).string("note").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        return try await attempt(req, id: item.requestID) {
            _ = try await WorkInstructionService.tick(req.application, actor: req.actor, itemID: itemID, expectedVersion: nil,
                                                      ChecklistTickInput(done: !item.done, note: note))
        }
    }

    @Sendable func ratingLink(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        let id = try req.pathID(entity: "service_request")
        try await EngineerScope.requireOwn(req, requestID: id)
        do {
            let link = try await SatisfactionService.createLink(req.application, actor: req.actor, requestID: id)
            return try await renderRequest(req, id: id, ratingLink: link.url)
        } catch let e as AppError where e.httpStatus == .conflict {
            return try await renderRequest(req, id: id, errors: ["": e.message], status: .conflict)
        }
    }

    @Sendable func followUp(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        let id = try req.pathID(entity: "service_request")
        try await EngineerScope.requireOwn(req, requestID: id)
        let b = FormBody(req)
        let input = FollowUpInput(calledAt: nil, outcome: b.string("outcome"), notes: b.string("notes"),
                                  objection: b.string("objection").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 })
        return try await attempt(req, id: id) {
            _ = try await SatisfactionService.recordFollowUp(req.application, actor: req.actor, requestID: id, input)
        }
    }

    @Sendable func objection(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        let id = try req.pathID(entity: "service_request")
        try await EngineerScope.requireOwn(req, requestID: id)
        let input = ObjectionInput(raisedAt: nil, source: "customer", description: FormBody(req).string("description"))
        return try await attempt(req, id: id) {
            _ = try await SatisfactionService.raiseObjection(req.application, actor: req.actor, requestID: id, input)
        }
    }

    @Sendable func resolveObjection(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        let oid = try req.pathID(entity: "objection")
        try await EngineerScope.requireOwn(req, objectionID: oid)
        let o = try await Writes.find(Objection.self, oid, on: req.db)
        let b = FormBody(req)
        return try await attempt(req, id: o.requestID) {
            _ = try await SatisfactionService.resolveObjection(req.application, actor: req.actor, id: oid, expectedVersion: nil,
                                                               ObjectionResolveInput(resolution: b.string("resolution"), feedback: b.string("feedback")))
        }
    }

    // MARK: - Plans

    @Sendable func plans(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .servicePlan)
        let t = req.strings
        let db = req.db
        let today = ResponseContext(now: req.now).today
        let (plans, list) = try await ListQuery.run(req, ServiceLists.plans(t), base: { ServicePlan.query(on: db) },
                                                    search: ["contact_name", "calendar_id"], filter: { ServiceLists.filterPlans($0, $1, today: today) },
                                                    related: { ("contract_id", try await ListQuery.contractIDs(matching: $0, on: db)) })
        let contractIDs = Array(Set(plans.map(\.contractID)))
        let contracts = contractIDs.isEmpty ? [] : try await Contract.query(on: db).filter(\.$id ~~ contractIDs).all()
        let byID = Dictionary(uniqueKeysWithValues: contracts.map { ($0.id!, $0) })
        let lookups = try await Lookups.load(on: req.db, users: false, departments: false)
        // Delivered or in-service contracts without a plan yet (a bounded list for the "open a plan" buttons).
        let candidates = try await Contract.query(on: db).filter(\.$status ~~ [.delivered, .inService])
            .filter(.sql(unsafeRaw: "NOT EXISTS (SELECT 1 FROM service_plans p WHERE p.contract_id = contracts.id)"))
            .sort(\.$number).limit(100).all()
        let page = PlansPage(
            list: list,
            rows: plans.map { p in
                PlanRow(contract: byID[p.contractID].map { "\($0.number) \($0.title)" } ?? "", customer: lookups.customers.name(p.customerID) ?? "",
                        warranty: "\(p.warrantyStart) – \(p.warrantyEnd)", calendar: p.calendarID, url: ServiceSitePaths.plan.path(p.id!),
                        active: p.covers(today))
            },
            candidates: candidates.map { OptionView(value: ServiceSitePaths.contractPlanCreate.path($0.id!), label: "\($0.number) \($0.title)", selected: false) },
            canCreate: Permissions.allows(try req.user.role, .create, .servicePlan))
        return try await WebView.render(req, "service/plans", title: t["svc_plans_title"], page)
    }

    @Sendable func createPlan(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .servicePlan)
        let cid = try req.pathID(entity: "contract")
        let plan = try await ServicePlanService.create(req.application, actor: req.actor, contractID: cid, ServicePlanInput())
        return WebView.redirect(req, to: ServiceSitePaths.plan.path(plan.id), notice: .created)
    }

    @Sendable func plan(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .servicePlan)
        let t = req.strings
        let p = try await Writes.find(ServicePlan.self, try req.pathID(entity: "service_plan"), on: req.db)
        let contract = try await Contract.find(p.contractID, on: req.db)
        let customer = try await Customer.find(p.customerID, on: req.db)
        let inspections = try await Inspection.query(on: req.db).filter(\.$planID == p.id!).sort(\.$sequence).all()
        let notices = try await ServiceNotice.query(on: req.db).filter(\.$planID == p.id!).sort(\.$sentAt).all()
        let role = try req.user.role
        let yes = t["svc_yes"], no = t["svc_no"]
        let facts: [FactView] = [
            .init(label: t["svc_p_warranty"], value: "\(p.warrantyStart) – \(p.warrantyEnd)"),
            .init(label: t["svc_p_calendar"], value: p.calendarID),
            .init(label: t["svc_p_fault"], value: p.faultResponse ? yes : no),
            .init(label: t["svc_p_inspections"], value: p.inspectionMonths > 0 ? t.format("svc_every_months", ["n": "\(p.inspectionMonths)"]) : no),
            .init(label: t["svc_p_upgrades"], value: p.upgrades ? yes : no),
            .init(label: t["svc_p_training"], value: p.training ? yes : no),
            .init(label: t["svc_p_contact"], value: [p.contactName, p.contactPhone, p.contactEmail].compactMap { $0 }.joined(separator: " · ")),
            .init(label: t["svc_p_channels"], value: p.channels.map { t.label("svc_channel", $0) }.joined(separator: "、")),
        ]
        let clocks = p.response(ResponseContext(now: req.now)).clocks.map {
            FactView(label: t["svc_clock." + $0.name], value: "\($0.target.value) \(t["svc_unit." + $0.target.unit]) · \($0.calendarId ?? p.calendarID)")
        }
        let canConfirm = Permissions.allows(role, .update, .serviceRequest)
        let page = PlanPage(
            contractNumber: contract?.number ?? "", contractURL: contract.map { SitePath.contract.path($0.id!) } ?? "",
            customer: customer?.name ?? "", facts: facts, clocks: clocks,
            inspections: inspections.map { i in
                InspectionRow(sequence: i.sequence, plannedOn: t.day(i.plannedOn), confirmDue: t.time(i.confirmDueAt),
                              confirmedAt: t.time(i.confirmedAt), status: t.label("svc_inspection_status", i.status), statusClass: i.status.rawValue,
                              requestURL: i.requestID.map { ServiceSitePaths.request.path($0) } ?? "",
                              canConfirm: canConfirm && i.status == .planned, confirmURL: ServiceSitePaths.inspectionConfirm.path(i.id!))
            },
            notices: notices.map { FactView(label: t.time($0.sentAt), value: "\($0.sentTo)（\($0.channel)）· \($0.sentBy)") },
            noticeURL: ServiceSitePaths.planNotice.path(p.id!), noticeSentURL: ServiceSitePaths.planNoticeSent.path(p.id!),
            canEdit: Permissions.allows(role, .update, .servicePlan))
        return try await WebView.render(req, "service/plan", title: "\(contract?.number ?? "") · \(t["svc_plan_title"])", page)
    }

    @Sendable func notice(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .servicePlan)
        return try await NoticePage.render(req, planID: try req.pathID(entity: "service_plan"))
    }

    @Sendable func noticeSent(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .servicePlan)
        let id = try req.pathID(entity: "service_plan")
        let b = FormBody(req)
        do {
            _ = try await ServicePlanService.recordNotice(req.application, actor: req.actor, planID: id,
                                                          NoticeInput(sentTo: b.string("sent_to"), channel: b.string("channel"), sentAt: nil))
        } catch let e as AppError where e.httpStatus == .unprocessableEntity {
            return WebView.redirect(req, to: ServiceSitePaths.plan.path(id), notice: .statusFailed)
        }
        return WebView.redirect(req, to: ServiceSitePaths.plan.path(id), notice: .saved)
    }

    @Sendable func confirmInspection(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        let id = try req.pathID(entity: "inspection")
        let i = try await InspectionService.confirm(req.application, actor: req.actor, id: id, expectedVersion: nil, InspectionConfirmInput())
        return WebView.redirect(req, to: ServiceSitePaths.plan.path(i.planId), notice: .saved)
    }

    // MARK: - Triage

    @Sendable func triage(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .serviceTriage)
        let t = req.strings
        let rows = try await TriageItem.query(on: req.db).filter(\.$status == .pending).sort(\.$receivedAt, .descending).limit(200).all()
        let lookups = try await Lookups.load(on: req.db, users: false, departments: false)
        let page = TriagePage(
            rows: rows.map {
                TriageRow(from: [$0.fromName, $0.fromAddress].compactMap { $0 }.joined(separator: " "), subject: $0.subject,
                          body: String($0.body.prefix(2000)), received: t.time($0.receivedAt),
                          createURL: ServiceSitePaths.triageCreate.path($0.id!), discardURL: ServiceSitePaths.triageDiscard.path($0.id!))
            },
            customerOptions: lookups.customers.map { OptionView(value: $0.id.uuidString.lowercased(), label: $0.name, selected: false) },
            typeOptions: t.options("svc_type", RequestType.self, selected: RequestType.other.rawValue),
            urgencyOptions: t.options("svc_urgency", Urgency.self, selected: Urgency.normal.rawValue))
        return try await WebView.render(req, "service/triage", title: t["svc_triage_title"], page)
    }

    @Sendable func triageCreate(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceTriage)
        let id = try req.pathID(entity: "triage")
        let b = FormBody(req)
        do {
            let d = try await EmailIntake.createRequest(req.application, actor: req.actor, triageID: id, expectedVersion: nil, TriageCreateInput(
                customerId: b.string("customer_id").flatMap(UUID.init(uuidString:)), contractId: nil, type: b.string("type"),
                urgency: b.string("urgency"), remoteSolvable: nil, contactName: nil))
            return WebView.redirect(req, to: ServiceSitePaths.request.path(d.request.id), notice: .created)
        } catch let e as AppError where [.unprocessableEntity, .conflict].contains(e.httpStatus) {
            return WebView.redirect(req, to: ServiceSitePaths.triage.path, notice: .statusFailed)
        }
    }

    @Sendable func triageDiscard(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceTriage)
        do {
            _ = try await EmailIntake.discard(req.application, actor: req.actor, triageID: try req.pathID(entity: "triage"), expectedVersion: nil)
        } catch let e as AppError where e.httpStatus == .conflict {
            return WebView.redirect(req, to: ServiceSitePaths.triage.path, notice: .stale)
        }
        return WebView.redirect(req, to: ServiceSitePaths.triage.path, notice: .saved)
    }
}

/// The public rating page of a tokenized link: no login, zh-CN or English, one use, 14 days.
struct RatingWebController {
    func register(on routes: any RoutesBuilder) {
        routes.get(ServiceSitePaths.rateTemplate.pathComponents, use: show)
        routes.post(ServiceSitePaths.rateTemplate.pathComponents, use: submit)
    }

    private func page(_ req: Request, state: String, request: ServiceRequest?, errors: [String] = [], status: HTTPResponseStatus = .ok) async throws -> Response {
        let t = req.strings
        let token = req.parameters.get("token") ?? ""
        let p = RatePage(state: state, number: request?.number ?? "", title: request?.title ?? "",
                         dimensions: ["speed", "solving", "attitude", "professionalism"].map { FactView(label: t["svc_dim_" + $0], value: $0) },
                         errors: errors, postURL: ServiceSitePaths.ratePath(token))
        let response = try await WebView.render(req, "service/rate", title: t["svc_rate_title"], p, status: status)
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }

    static func status(_ why: RatingRefusal) -> (String, HTTPResponseStatus) {
        switch why {
        case .unknown: ("unknown", .notFound)
        case .used: ("used", .gone)
        case .expired: ("expired", .gone)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        switch try await SatisfactionService.lookup(token: token, on: req.db, now: req.now) {
        case .failure(let why):
            let (state, code) = Self.status(why)
            return try await page(req, state: state, request: nil, status: code)
        case .success(let (_, r)):
            return try await page(req, state: "form", request: r)
        }
    }

    @Sendable func submit(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let b = FormBody(req)
        let input = RatingInput(speed: b.string("speed").flatMap { Int($0) }, solving: b.string("solving").flatMap { Int($0) },
                                attitude: b.string("attitude").flatMap { Int($0) }, professionalism: b.string("professionalism").flatMap { Int($0) },
                                comment: b.string("comment"))
        do {
            switch try await SatisfactionService.rateByToken(req.application, token: token, input) {
            case .failure(let why):
                let (state, code) = Self.status(why)
                return try await page(req, state: state, request: nil, status: code)
            case .success:
                return try await page(req, state: "thanks", request: nil)
            }
        } catch let e as AppError where e.httpStatus == .unprocessableEntity || e.httpStatus == .conflict {
            switch try await SatisfactionService.lookup(token: token, on: req.db, now: req.now) {
            case .success(let (_, r)):
                return try await page(req, state: "form", request: r, errors: [req.strings["svc_rate_invalid"]], status: .unprocessableEntity)
            case .failure(let why):
                let (state, code) = Self.status(why)
                return try await page(req, state: state, request: nil, status: code)
            }
        }
    }
}
