import Fluent
import LvyueCore
import Vapor

/// Web paths of fulfilment monitoring (issue #4); routes and links both come from here.
enum MonitorPaths {
    static let dashboard = SiteRoute(template: "/dashboard")
    static let alerts = SiteRoute(template: "/alerts")
    static let alertAck = SiteRoute1(template: "/alerts/:id/acknowledge")
    static let alertEscalate = SiteRoute1(template: "/alerts/:id/escalate")
    static let escalations = SiteRoute(template: "/escalations")
    static let escalation = SiteRoute1(template: "/escalations/:id")
    static let escalationMeeting = SiteRoute1(template: "/escalations/:id/meetings")
    static let escalationStatus = SiteRoute1(template: "/escalations/:id/status")
    static let notifications = SiteRoute(template: "/notifications")
    static let notificationRead = SiteRoute1(template: "/notifications/:id/read")
    static let contractMonitor = SiteRoute1(template: "/contracts/:id/monitor")
    /// The whole of one of the dashboard's lists, paged.
    static func dashboardList(_ list: DashboardList) -> SiteRoute { SiteRoute(template: "/dashboard/" + list.rawValue) }
}

struct MonitoringWebController {
    func register(on routes: any RoutesBuilder) {
        routes.get(MonitorPaths.dashboard, use: dashboard)
        for list in DashboardList.allCases {
            routes.get(MonitorPaths.dashboardList(list)) { req in try await dashboardList(req, list) }
        }
        routes.get(MonitorPaths.alerts, use: alerts)
        routes.post(MonitorPaths.alertAck, use: acknowledge)
        routes.post(MonitorPaths.alertEscalate, use: escalateAlert)
        routes.get(MonitorPaths.escalations, use: escalations)
        routes.get(MonitorPaths.escalation, use: escalation)
        routes.post(MonitorPaths.escalationMeeting, use: addMeeting)
        routes.post(MonitorPaths.escalationStatus, use: changeStatus)
        routes.get(MonitorPaths.notifications, use: inbox)
        routes.post(MonitorPaths.notificationRead, use: markRead)
        routes.get(MonitorPaths.contractMonitor, use: contract)
    }

    @Sendable func dashboard(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .contract)
        let calendar = try await req.application.calendars.calendar("7x24", on: req.db)
        let filter = try DashboardFilter(req)
        let data = try await DashboardService.query(filter, on: req.db, now: req.now, calendar: calendar)
        let t = req.strings
        var page = DashboardPage(data, t, filter: filter)
        page.resources = try await ResourceStatusRow.rows(today: ResponseContext(now: req.now).today, filter: filter, t, on: req.db)  // issue #10
        return try await WebView.render(req, "monitoring/dashboard", title: t["mon_dashboard_title"], page)
    }

    /// One of the dashboard's lists in full, fifty rows a page, in the dashboard's order and under its filters; the
    /// total is the dashboard's counter.
    func dashboardList(_ req: Request, _ list: DashboardList) async throws -> Response {
        try Permissions.require(req, .read, .contract)
        let t = req.strings
        let filter = try DashboardFilter(req)
        let title = t[DashboardListPage.titleKey(list)]
        let labels = DashboardListPage.labels(list, t)
        let spec = ListSpec(path: MonitorPaths.dashboardList(list).path,
                            columns: [.plain(labels.contract), .plain(labels.name), .plain(labels.detail)],
                            defaultSort: "", emptyText: t["mon_none"], fixed: filter.queryItems)
        let state = ListState(req, spec)
        let f = DashboardService.where_(filter)
        let today = LocalDate(date: req.now, in: JSONCoding.displayTimeZone)
        let w = DashboardWindow(limit: spec.pageSize, offset: (state.page - 1) * spec.pageSize)
        let db = req.db
        async let total = list.counts(where: f, today: today, on: db).total
        let rows: [DashboardPage.SimpleRow]
        switch list {
        case .lateMilestones:
            rows = try await DashboardService.lateMilestones(where: f, today: today, w, on: db).map { DashboardPage.lateRow($0, t).simple(t) }
        case .upcomingMilestones:
            rows = try await DashboardService.upcomingMilestones(where: f, today: today, w, on: db).map { DashboardPage.upcomingRow($0, t) }
        case .overduePayments:
            rows = try await DashboardService.overduePayments(where: f, today: today, w, on: db).map { DashboardPage.paymentRow($0, t) }
        case .firedRisks:
            rows = try await DashboardService.firedRisks(where: f, w, on: db).map { DashboardPage.riskRow($0, t) }
        }
        let n = try await total
        let view = ListQuery.view(req, spec, state, total: n, count: rows.count, offset: w.offset, nothingAtAll: n == 0)
        let page = DashboardListPage(title: title, labels: labels, dashboardURL: filter.link(MonitorPaths.dashboard.path),
                                     late: list == .lateMilestones || list == .overduePayments, list: view, rows: rows)
        return try await WebView.render(req, "monitoring/dashboard-list", title: title, page)
    }

    @Sendable func alerts(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .alert)
        let t = req.strings
        let db = req.db
        let (rows, list) = try await ListQuery.run(req, MonitorLists.alerts(t), base: { Alert.query(on: db) }, search: ["title", "reason"]) {
            MonitorLists.filterAlerts($0, $1)
        }
        let canAct = Permissions.allows(try req.user.role, .update, .alert)
        let canEscalate = Permissions.allows(try req.user.role, .create, .escalation)
        let page = AlertsPage(list: list, rows: rows.map { AlertRow($0, t, canAck: canAct, canEscalate: canEscalate) })
        return try await WebView.render(req, "monitoring/alerts", title: t["mon_alerts_title"], page)
    }

    @Sendable func acknowledge(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .alert)
        let actor = req.actor, now = req.now
        do {
            _ = try await Writes.update(req.application, actor: actor, Alert.self, id: try req.pathID(entity: "alert"), expectedVersion: nil) { a, _ in
                guard a.status == .open else { throw AppError.conflict(code: "alert_not_open", message: "the alert is \(a.status.rawValue)") }
                a.status = .acknowledged
                a.acknowledgedAt = now
                a.acknowledgedBy = actor.name
            }
        } catch AppError.conflict { return WebView.redirect(req, to: MonitorPaths.alerts.path, notice: .stale) }
        return WebView.redirect(req, to: MonitorPaths.alerts.path, notice: .saved)
    }

    @Sendable func escalateAlert(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .escalation)
        let alert = try await Writes.find(Alert.self, try req.pathID(entity: "alert"), on: req.db)
        guard let contractID = alert.contractID else { throw AppError.conflict(code: "alert_without_contract", message: "this alert is not about a contract") }
        let created = try await EscalationService.create(req.application, actor: req.actor, EscalationCreateInput(
            contractId: contractID, milestoneId: alert.milestoneID, riskId: alert.source == .risk ? alert.sourceID : nil, alertId: alert.id,
            detectedAt: alert.firedAt, description: req.strings.alertDescription(alert)))
        return WebView.redirect(req, to: MonitorPaths.escalation.path(created.id), notice: .created)
    }

    @Sendable func escalations(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .escalation)
        let t = req.strings
        let db = req.db
        let (rows, list) = try await ListQuery.run(req, MonitorLists.escalations(t), base: { Escalation.query(on: db) },
                                                   search: ["number", "description"], filter: { MonitorLists.filterEscalations($0, $1) },
                                                   related: { ("contract_id", try await ListQuery.contractIDs(matching: $0, on: db)) })
        let numbers = try await ContractNumbers.load(rows.map(\.$contract.id), on: req.db)
        let ctx = ResponseContext(now: req.now)
        let page = EscalationsPage(list: list, rows: rows.map { EscalationRow($0.response(ctx), contractNumber: numbers[$0.$contract.id] ?? "", t) })
        return try await WebView.render(req, "monitoring/escalations", title: t["mon_escalations_title"], page)
    }

    @Sendable func escalation(req: Request) async throws -> Response {
        try await renderEscalation(req, id: try req.pathID(entity: "escalation"))
    }

    private func renderEscalation(_ req: Request, id: UUID, errors: [String: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        try Permissions.require(req, .read, .escalation)
        let t = req.strings
        let e = try await Writes.find(Escalation.self, id, on: req.db)
        let meetings = try await EscalationMeeting.query(on: req.db).filter(\.$escalation.$id == id).sort(\.$heldAt).all()
        let events = try await EscalationEvent.query(on: req.db).filter(\.$escalation.$id == id).sort(\.$at).sort(\.$id).all()
        let numbers = try await ContractNumbers.load([e.$contract.id], on: req.db)
        let role = try req.user.role
        let r = e.response(ResponseContext(now: req.now))
        let page = EscalationPage(
            row: EscalationRow(r, contractNumber: numbers[e.$contract.id] ?? "", t),
            contractURL: SitePath.contract.path(e.$contract.id), description: r.description, impact: r.impact ?? "—",
            initialFix: r.initialFix ?? "—", resolution: r.resolution ?? "", detectedAt: t.time(r.detectedAt),
            raiseDueAt: t.time(r.raiseDueAt), closedAt: t.time(r.closedAt),
            meetings: meetings.map { MeetingRow(heldAt: t.time($0.heldAt), attendees: $0.attendees, decisions: $0.decisions,
                                                resolveBy: t.time($0.resolveBy), recordedBy: $0.recordedBy) },
            events: events.map { EventRow(at: t.time($0.at), kind: t["mon_event." + $0.kind], from: EventRow.shown($0.kind, $0.fromValue, t),
                                          to: EventRow.shown($0.kind, $0.toValue, t), note: t.text($0.message, stored: $0.note ?? ""), actor: $0.actorName) },
            attachmentsURL: AttachmentPaths.escalation.path(id),
            canUpdate: Permissions.allows(role, .update, .escalation) && (e.status == .open || e.status == .inProgress),
            canChangeStatus: Permissions.allows(role, .update, .escalation),
            meetingURL: MonitorPaths.escalationMeeting.path(id), statusURL: MonitorPaths.escalationStatus.path(id),
            statusOptions: t.options("mon_escalation_status", EscalationStatus.self, selected: e.status.rawValue),
            errors: errors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })
        return try await WebView.render(req, "monitoring/escalation", title: "\(e.number)", page, status: status)
    }

    @Sendable func addMeeting(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .escalation)
        let id = try req.pathID(entity: "escalation")
        let body = FormBody(req)
        let hours = body.string("resolve_within_hours").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let input = MeetingInput(attendees: body.string("attendees"), decisions: body.string("decisions"), resolveWithinHours: hours)
        do {
            if hours == nil { throw AppError.invalid(fields: ["resolve_within_hours": req.strings["mon_error_hours"]]) }
            _ = try await EscalationService.addMeeting(req.application, actor: req.actor, id: id, input)
        } catch let error as AppError where error.httpStatus == .unprocessableEntity || error.httpStatus == .conflict {
            return try await renderEscalation(req, id: id, errors: error.fields.isEmpty ? ["": error.message] : error.fields, status: error.httpStatus)
        }
        return WebView.redirect(req, to: MonitorPaths.escalation.path(id), notice: .saved)
    }

    @Sendable func changeStatus(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .escalation)
        let id = try req.pathID(entity: "escalation")
        let body = FormBody(req)
        var object: [String: Any] = ["status": body.string("status") ?? ""]
        if let r = body.string("resolution"), !r.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { object["resolution"] = r }
        if let n = body.string("note"), !n.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { object["note"] = n }
        let data = try JSONSerialization.data(withJSONObject: object)
        let input = try JSONCoding.decoder.decode(EscalationPatchInput.self, from: data)
        do {
            _ = try await EscalationService.update(req.application, actor: req.actor, id: id,
                                                   expectedVersion: body.string("version").flatMap { Int($0) }, input)
        } catch let error as AppError where [.unprocessableEntity, .preconditionFailed, .conflict].contains(error.httpStatus) {
            return try await renderEscalation(req, id: id, errors: error.fields.isEmpty ? ["": error.message] : error.fields, status: error.httpStatus)
        }
        return WebView.redirect(req, to: MonitorPaths.escalation.path(id), notice: .statusChanged)
    }

    @Sendable func inbox(req: Request) async throws -> Response {
        let user = try req.user
        let t = req.strings
        let db = req.db, userID = user.id!
        let (rows, list) = try await ListQuery.run(req, MonitorLists.inbox(t), base: { InboxNotification.query(on: db).filter(\.$userID == userID) },
                                                   search: ["title", "body"]) { MonitorLists.filterInbox($0, $1) }
        let unread = try await InboxNotification.query(on: req.db).filter(\.$userID == user.id!).filter(\.$readAt == nil).count()
        let page = InboxPage(list: list, unread: unread, rows: rows.map {
            InboxRow(title: t.text($0.message, "title", stored: $0.title), body: t.text($0.message, "body", stored: $0.body),
                     link: $0.link ?? "", at: t.time($0.createdAt), unread: $0.readAt == nil,
                     event: t["mon_event_kind." + $0.event.rawValue], readURL: MonitorPaths.notificationRead.path($0.id!))
        })
        return try await WebView.render(req, "monitoring/notifications", title: t["mon_inbox_title"], page)
    }

    @Sendable func markRead(req: Request) async throws -> Response {
        let user = try req.user
        let id = try req.pathID(entity: "notification")
        let now = req.now
        try await Store.write(req.application) { db in
            guard let n = try await InboxNotification.find(id, on: db), n.userID == user.id else {
                throw AppError.notFound(entity: "notification", id: id.uuidString)
            }
            if n.readAt == nil { n.readAt = now; try await n.update(on: db) }
        }
        return WebView.redirect(req, to: MonitorPaths.notifications.path)
    }

    /// The contract's monitoring view: planned-vs-actual timeline (SVG), progress summary, risk register with heat map.
    @Sendable func contract(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .risk)
        let t = req.strings
        let c = try await Writes.find(Contract.self, try req.pathID(entity: "contract"), on: req.db)
        let today = ResponseContext(now: req.now).today
        let milestones = try await Milestone.query(on: req.db).filter(\.$contract.$id == c.id!).sort(\.$sequence).all()
        let risks = try await Risk.query(on: req.db).filter(\.$contract.$id == c.id!).sort(\.$id).all()
        let heat = try await RiskQueries.heatMap(contractID: c.id!, on: req.db)
        let progress = Fulfilment.weightedProgress(milestones.map { ($0.weight, $0.progress, $0.actualOn != nil) })
        let delays = milestones.map { ProgressSummary.Delay(milestone: $0.name, days: $0.delayDays(today: today), reason: $0.delayReason,
                                                             cause: $0.delayCause?.rawValue) }
        let rows = milestones.compactMap { m -> TimelineSVG.Row? in
            guard let planned = LocalDate(iso: m.plannedOn) else { return nil }
            return TimelineSVG.Row(name: m.name, planned: planned, actual: m.actual, start: nil)
        }
        let svg = TimelineSVG.render(rows, today: today, title: t["mon_timeline_title"])
        var page = ContractMonitorPage(
            number: c.number, title: c.title, contractURL: SitePath.contract.path(c.id!),
            summary: ProgressSummary.sentence(progress: progress, delays: delays, language: req.lang == .en ? .en : .zhCN),
            progressClass: Display.widthClass(progress), progressText: t.percent(progress), timelineSVG: svg,
            risks: risks.map { RiskRow($0, t) },
            heat: (1...5).reversed().map { l in HeatRow(likelihood: l, cells: (1...5).map { i in
                let n = heat.first { $0.likelihood == l && $0.impact == i }?.count ?? 0
                return HeatCellView(count: n, band: RiskTriggers.band(score: l * i), label: n == 0 ? "" : String(n))
            }) })
        page.reviews = try await ReviewRows.rows(contractID: c.id!, req.strings, on: req.db)  // issue #10
        page.reviewsURL = ResourceSitePaths.reviews.path(c.id!)
        page.exports = ContractExportLinks(c.id!)  // issue #7
        return try await WebView.render(req, "monitoring/contract", title: "\(c.number) · \(t["mon_risks_title"])", page)
    }
}

enum ContractNumbers {
    static func load(_ ids: [UUID], on db: any Database) async throws -> [UUID: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await Contract.query(on: db).filter(\.$id ~~ unique).all().map { ($0.id!, $0.number) })
    }
}
