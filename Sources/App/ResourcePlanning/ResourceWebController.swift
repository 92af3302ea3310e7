import Fluent
import Foundation
import LvyueCore
import Vapor

/// Issue #10's pages: a milestone's resource plan, department load by week (with capacity and absences), risk review
/// meetings of a contract, and one's calendar feed links.
enum ResourceSitePaths {
    static let plan = SiteRoute1(template: "/milestones/:id/resources")
    static let lineDelete = SiteRoute1(template: "/resource-lines/:id/delete")
    static let lineApprove = SiteRoute1(template: "/resource-lines/:id/approve")
    static let load = SiteRoute(template: "/resources/load")
    static let capacity = SiteRoute(template: "/resources/capacity")
    static let absences = SiteRoute(template: "/resources/absences")
    static let absenceDelete = SiteRoute1(template: "/resources/absences/:id/delete")
    static let reviews = SiteRoute1(template: "/contracts/:id/risk-reviews")
    static let feeds = SiteRoute(template: "/account/feeds")
    static let feedRevoke = SiteRoute1(template: "/account/feeds/:id/revoke")
}

struct ResourcePlanPage: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        var id: String; var main: String; var detail: String; var dates: String; var note: String
        var late: Bool; var lateText: String?; var approved: Bool; var state: String?
        var deleteURL: String; var approveURL: String; var version: Int
    }
    var milestone: String; var milestoneURL: String; var contract: String; var contractURL: String
    var people: [Row]; var materials: [Row]; var funds: [Row]
    var canEdit: Bool; var canApprove: Bool
    var action: String
    var departments: [OptionView]
    var banner: String?
    var values: [String: String]
}

struct LoadPage: Encodable, Sendable {
    struct Contribution: Encodable, Sendable { var label: String; var url: String; var days: String }
    struct WeekRow: Encodable, Sendable {
        var week: String; var workingDays: Int; var capacity: String; var planned: String; var percent: String; var over: Bool
        var barClass: String; var milestoneCount: Int; var milestones: [Contribution]
    }
    struct AbsenceRow: Encodable, Sendable { var person: String; var range: String; var people: String; var note: String; var deleteURL: String; var version: Int }
    var departments: [OptionView]
    var department: String
    var from: String
    var headcount: Int
    var calendarId: String
    var weeks: [WeekRow]
    var absences: [AbsenceRow]
    var canManage: Bool
    var action: String; var capacityAction: String; var absenceAction: String
    var banner: String?
}

struct ReviewsPage: Encodable, Sendable {
    struct Row: Encodable, Sendable { var heldAt: String; var departments: String; var attendees: String; var risks: String; var changes: String; var decisions: String; var recordedBy: String }
    var contract: String; var contractURL: String; var monitorURL: String
    var rows: [Row]
    var canCreate: Bool
    var action: String
    var departments: [OptionView]
    var risks: [OptionView]
    var banner: String?
    var list: ListView?
}

struct FeedsPage: Encodable, Sendable {
    struct Row: Encodable, Sendable { var label: String; var scope: String; var created: String; var revoked: String?; var revokeURL: String }
    var rows: [Row]
    var newURL: String?
    var action: String
    var departments: [OptionView]
    var banner: String?
}

struct ResourceWebController {
    func register(on routes: any RoutesBuilder) {
        routes.get(ResourceSitePaths.plan, use: plan)
        routes.post(ResourceSitePaths.plan, use: addLine)
        routes.post(ResourceSitePaths.lineDelete, use: deleteLine)
        routes.post(ResourceSitePaths.lineApprove, use: approveLine)
        routes.get(ResourceSitePaths.load, use: load)
        routes.post(ResourceSitePaths.capacity, use: setCapacity)
        routes.post(ResourceSitePaths.absences, use: addAbsence)
        routes.post(ResourceSitePaths.absenceDelete, use: deleteAbsence)
        routes.get(ResourceSitePaths.reviews, use: reviews)
        routes.post(ResourceSitePaths.reviews, use: addReview)
        routes.get(ResourceSitePaths.feeds, use: feeds)
        routes.post(ResourceSitePaths.feeds, use: createFeed)
        routes.post(ResourceSitePaths.feedRevoke, use: revokeFeed)
    }

    static func banner(_ error: AppError, _ t: Strings) -> String {
        error.fields.isEmpty ? error.message : error.fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
    }

    static func departmentOptions(_ db: any Database, selected: String?) async throws -> [OptionView] {
        try await Department.query(on: db).filter(\.$active == true).sort(\.$code).all().map {
            OptionView(value: $0.id!.uuidString.lowercased(), label: $0.name, selected: $0.id!.uuidString.lowercased() == selected?.lowercased())
        }
    }

    // MARK: milestone plan

    @Sendable func plan(req: Request) async throws -> Response {
        try await renderPlan(req, id: try req.pathID(entity: "milestone"))
    }

    func renderPlan(_ req: Request, id: UUID, banner: String? = nil, values: [String: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        try Permissions.require(req, .read, .resourcePlan)
        let t = req.strings
        let m = try await Writes.find(Milestone.self, id, on: req.db)
        let c = try await Writes.find(Contract.self, m.$contract.id, on: req.db)
        let lines = try await ResourceLine.query(on: req.db).filter(\.$milestoneID == id).sort(\.$id).all()
        let names = Dictionary(try await Department.query(on: req.db).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let ctx = ResponseContext(now: req.now)
        let user = try req.user
        func row(_ l: ResourceLine) -> ResourcePlanPage.Row {
            let r = l.response(ctx)
            let del = ResourceSitePaths.lineDelete.path(l.id!), appr = ResourceSitePaths.lineApprove.path(l.id!)
            switch l.kind {
            case .person:
                return .init(id: r.id.uuidString, main: "\(l.departmentID.flatMap { names[$0] } ?? "—") · \(l.role ?? "")",
                             detail: t.format("res_person_days", ["n": t.number(l.personDays ?? 0)]) + (l.persons.map { " · " + $0 } ?? ""),
                             dates: "\(t.day(l.startsOn)) – \(t.day(l.endsOn))", note: l.note ?? "", late: false, lateText: nil, approved: false, state: nil,
                             deleteURL: del, approveURL: appr, version: l.version)
            case .material:
                let late = (r.lateDays ?? 0) > 0
                let state = l.arrivedOn != nil ? t["res_arrived"] + " " + (l.arrivedOn ?? "") : (l.expectedOn.map { t["res_expected"] + " " + $0 } ?? "")
                return .init(id: r.id.uuidString, main: "\(l.item ?? "") × \(t.number(l.quantity ?? 0)) \(l.unit ?? "")",
                             detail: l.supplier ?? "—", dates: t["res_need_by"] + " " + t.day(l.needBy), note: l.note ?? "", late: late,
                             lateText: late ? t.format("late_days", ["n": String(r.lateDays ?? 0)]) : nil, approved: false, state: state,
                             deleteURL: del, approveURL: appr, version: l.version)
            case .fund:
                return .init(id: r.id.uuidString, main: t.money(l.amountMinor ?? 0, l.currency ?? "CNY"), detail: l.source ?? "—",
                             dates: t["res_need_by"] + " " + t.day(l.needBy), note: l.note ?? "",
                             late: !l.approved && ctx.today.days(to: LocalDate(iso: l.needBy ?? "") ?? ctx.today) <= 7,
                             lateText: nil, approved: l.approved,
                             state: l.approved ? t["res_approved"] + " · " + (l.approvedBy ?? "") : t["res_not_approved"],
                             deleteURL: del, approveURL: appr, version: l.version)
            }
        }
        let page = ResourcePlanPage(
            milestone: m.name, milestoneURL: SitePath.milestone.path(id), contract: "\(c.number) \(c.title)", contractURL: SitePath.contract.path(c.id!),
            people: lines.filter { $0.kind == .person }.map(row), materials: lines.filter { $0.kind == .material }.map(row),
            funds: lines.filter { $0.kind == .fund }.map(row),
            canEdit: Permissions.allows(user.role, .create, .resourcePlan), canApprove: Permissions.allows(user.role, .approve, .resourcePlan),
            action: ResourceSitePaths.plan.path(id), departments: try await Self.departmentOptions(req.db, selected: values["department_id"]),
            banner: banner, values: values)
        return try await WebView.render(req, "resources/plan", title: "\(m.name) · \(t["res_plan_title"])", page, status: status)
    }

    @Sendable func addLine(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .resourcePlan)
        let id = try req.pathID(entity: "milestone")
        let body = FormBody(req)
        var json: [String: Any] = [:]
        var values: [String: String] = [:]
        for key in ["kind", "department_id", "role", "person_days", "starts_on", "ends_on", "persons", "item", "quantity", "unit", "supplier",
                    "need_by", "expected_on", "amount", "currency", "source", "note"] {
            guard let v = body.string(key)?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { continue }
            values[key] = v
            if ["person_days", "quantity"].contains(key) { json[key] = Double(v) ?? v } else { json[key] = v }
        }
        // The form shows every kind's fields; keep only the chosen kind's.
        if let kind = values["kind"].flatMap(ResourceKind.init(rawValue:)) {
            let keep = (ResourceLineInput.fieldsByKind[kind] ?? []).union(["kind", "note"])
            json = json.filter { keep.contains($0.key) }
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: json)
            let input: ResourceLineInput
            do { input = try JSONCoding.decoder.decode(ResourceLineInput.self, from: data) } catch let e as DecodingError {
                throw AppError.invalid(fields: DecodingErrorFields.fields(for: e))
            }
            let m = try await Writes.find(Milestone.self, id, on: req.db)
            let line = ResourceLine()
            line.id = req.deps.newID()
            line.milestoneID = id
            line.contractID = m.$contract.id
            let now = req.now
            _ = try await Writes.create(req.application, actor: req.actor, line, prepare: { db in
                try await input.apply(to: line, creating: true, approver: nil, now: now, db: db)
            })
            await MonitoringHooks.contractChanged(req.application, m.$contract.id)
        } catch let error as AppError where error.httpStatus == .unprocessableEntity {
            return try await renderPlan(req, id: id, banner: Self.banner(error, req.strings), values: values, status: .unprocessableEntity)
        }
        return WebView.redirect(req, to: ResourceSitePaths.plan.path(id), notice: .saved)
    }

    @Sendable func deleteLine(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .resourcePlan)
        let id = try req.pathID(entity: "resource line")
        let line = try await Writes.find(ResourceLine.self, id, on: req.db)
        try await Writes.delete(req.application, actor: req.actor, ResourceLine.self, id: id, expectedVersion: FormBody(req).string("version").flatMap(Int.init))
        await MonitoringHooks.contractChanged(req.application, line.contractID)
        return WebView.redirect(req, to: ResourceSitePaths.plan.path(line.milestoneID), notice: .saved)
    }

    @Sendable func approveLine(req: Request) async throws -> Response {
        try Permissions.require(req, .approve, .resourcePlan)
        let id = try req.pathID(entity: "resource line")
        let approver = ResourceAPIController.approver(req)
        let now = req.now
        let input = try JSONCoding.decoder.decode(ResourceLineInput.self, from: Data(#"{"approved":true}"#.utf8))
        let updated = try await Writes.update(req.application, actor: req.actor, ResourceLine.self, id: id,
                                              expectedVersion: FormBody(req).string("version").flatMap(Int.init)) { line, db in
            guard line.kind == .fund else { throw AppError.invalid(fields: ["approved": "only funds are approved"]) }
            try await input.apply(to: line, creating: false, approver: approver, now: now, db: db)
        }
        await MonitoringHooks.contractChanged(req.application, updated.contractId)
        return WebView.redirect(req, to: ResourceSitePaths.plan.path(updated.milestoneId), notice: .saved)
    }

    // MARK: department load

    @Sendable func load(req: Request) async throws -> Response {
        try await renderLoad(req)
    }

    func renderLoad(_ req: Request, department forced: UUID? = nil, banner: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        try Permissions.require(req, .read, .resourceCapacity)
        let t = req.strings
        let user = try req.user
        let today = ResponseContext(now: req.now).today
        let requested = forced ?? req.query[String.self, at: "department"].flatMap(UUID.init(uuidString:))
        var deptID = requested ?? user.$department.id
        if deptID == nil { deptID = try await Department.query(on: req.db).sort(\.$code).first()?.id }
        let from = req.query[String.self, at: "from"].flatMap(LocalDate.init(iso:)) ?? today
        var weeks: [LoadPage.WeekRow] = []
        var absences: [LoadPage.AbsenceRow] = []
        var headcount = 0, calendarID = LoadService.defaultCalendar
        if let deptID, try await Department.find(deptID, on: req.db) != nil {
            let load = try await LoadService.departmentLoad(deptID, from: from, weeks: 8, on: req.db)
            headcount = load.headcount
            calendarID = load.calendarId
            weeks = load.weeks.map { w in
                LoadPage.WeekRow(week: t.day(w.weekStart), workingDays: w.workingDays, capacity: t.number(w.capacity), planned: t.number(w.planned),
                                 percent: w.percent.map { t.percent($0) } ?? (w.planned > 0 ? "∞" : "—"), over: w.over,
                                 barClass: Display.widthClass(w.percent ?? (w.planned > 0 ? 100 : 0)), milestoneCount: w.milestoneCount,
                                 milestones: w.milestones.map { .init(label: "\($0.contractNumber) \($0.milestoneName)", url: ResourceSitePaths.plan.path($0.milestoneId),
                                                                      days: t.number($0.personDays)) })
            }
            // The leave that touches the weeks shown (and the month before today), the first 100.
            absences = try await ResourceAbsence.query(on: req.db).filter(\.$departmentID == deptID)
                .filter(\.$endsOn >= min(today.adding(days: -30), from).description)
                .filter(\.$startsOn <= ResourceLoad.weekStart(from).adding(days: 7 * 8 - 1).description)
                .sort(\.$startsOn).sort(\.$id).limit(100).all().map {
                    .init(person: $0.person, range: "\(t.day($0.startsOn)) – \(t.day($0.endsOn))", people: t.number($0.people), note: $0.note ?? "",
                          deleteURL: ResourceSitePaths.absenceDelete.path($0.id!), version: $0.version)
                }
        }
        let page = LoadPage(departments: try await Self.departmentOptions(req.db, selected: deptID?.uuidString), department: deptID?.uuidString.lowercased() ?? "",
                            from: from.description, headcount: headcount, calendarId: calendarID, weeks: weeks, absences: absences,
                            canManage: Permissions.allows(user.role, .update, .resourceCapacity), action: ResourceSitePaths.load.path,
                            capacityAction: ResourceSitePaths.capacity.path, absenceAction: ResourceSitePaths.absences.path, banner: banner)
        return try await WebView.render(req, "resources/load", title: t["res_load_title"], page, status: status)
    }

    @Sendable func setCapacity(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .resourceCapacity)
        let body = FormBody(req)
        guard let dept = body.string("department_id").flatMap(UUID.init(uuidString:)), try await Department.find(dept, on: req.db) != nil else {
            throw AppError.notFound(entity: "department", id: body.string("department_id") ?? "")
        }
        guard let n = body.string("headcount").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), (0...100_000).contains(n) else {
            return try await renderLoad(req, department: dept, banner: "headcount: " + req.strings["res_error_headcount"], status: .unprocessableEntity)
        }
        let now = req.now, actor = req.actor, newID = req.deps.newID
        try await Store.write(req.application) { db in
            let c = try await DepartmentCapacity.query(on: db).filter(\.$departmentID == dept).first() ?? {
                let c = DepartmentCapacity(); c.id = newID(); c.departmentID = dept; c.version = 0; c.calendarID = LoadService.defaultCalendar; return c
            }()
            let before = c.version == 0 ? nil : CapacityResponse(departmentId: dept, headcount: c.headcount, calendarId: c.calendarID, version: c.version)
            c.headcount = n
            c.version += 1
            try await c.save(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: before == nil ? "create" : "update", entityType: "department_capacity",
                                      entityID: dept.uuidString, before: before,
                                      after: CapacityResponse(departmentId: dept, headcount: n, calendarId: c.calendarID, version: c.version))
        }
        return WebView.redirect(req, to: ResourceSitePaths.load.path + "?department=" + dept.uuidString.lowercased(), notice: .saved)
    }

    @Sendable func addAbsence(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .resourceCapacity)
        let body = FormBody(req)
        let dept = body.string("department_id").flatMap(UUID.init(uuidString:))
        var json: [String: Any] = [:]
        for key in ["department_id", "person", "starts_on", "ends_on", "note"] { if let v = body.string(key), !v.isEmpty { json[key] = v } }
        if let p = body.string("people"), !p.isEmpty { json["people"] = Double(p) ?? -1 }
        do {
            let input = try JSONCoding.decoder.decode(AbsenceInput.self, from: try JSONSerialization.data(withJSONObject: json))
            var check = FieldCheck()
            let person = check.text(input.person, "person", max: 100)
            let from = check.day(input.startsOn, "starts_on", required: true)
            let to = check.day(input.endsOn, "ends_on", required: true)
            check.order(from, to, later: "ends_on", than: "starts_on")
            if let from, let to, from.days(to: to) > 366 { check.fail("ends_on", "an absence lasts at most a year") }
            let people = check.range(input.people ?? 1, "people", 0.5...10_000)
            if dept == nil { check.fail("department_id", "is required") }
            try check.throwIfAny()
            let a = ResourceAbsence()
            a.departmentID = dept!
            a.person = person!
            a.startsOn = from!.description
            a.endsOn = to!.description
            a.people = people!
            a.note = input.note
            _ = try await Writes.create(req.application, actor: req.actor, a, prepare: { db in
                try await Writes.requireReference(Department.self, a.departmentID, field: "department_id", on: db)
            })
        } catch let error as AppError where error.httpStatus == .unprocessableEntity {
            return try await renderLoad(req, department: dept, banner: Self.banner(error, req.strings), status: .unprocessableEntity)
        }
        return WebView.redirect(req, to: ResourceSitePaths.load.path + "?department=" + (dept?.uuidString.lowercased() ?? ""), notice: .saved)
    }

    @Sendable func deleteAbsence(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .resourceCapacity)
        let id = try req.pathID(entity: "absence")
        let a = try await Writes.find(ResourceAbsence.self, id, on: req.db)
        try await Writes.delete(req.application, actor: req.actor, ResourceAbsence.self, id: id, expectedVersion: FormBody(req).string("version").flatMap(Int.init))
        return WebView.redirect(req, to: ResourceSitePaths.load.path + "?department=" + a.departmentID.uuidString.lowercased(), notice: .saved)
    }

    // MARK: risk reviews

    @Sendable func reviews(req: Request) async throws -> Response {
        try await renderReviews(req, id: try req.pathID(entity: "contract"))
    }

    func renderReviews(_ req: Request, id: UUID, banner: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        try Permissions.require(req, .read, .riskReview)
        let t = req.strings
        let c = try await Writes.find(Contract.self, id, on: req.db)
        let db = req.db
        let (reviews, list) = try await ListQuery.run(req, ReviewLists.spec(t, contractID: id), base: { RiskReview.query(on: db).filter(\.$contractID == id) },
                                                      search: ["attendees", "decisions", "risk_changes"])
        var page = ReviewsPage(contract: "\(c.number) \(c.title)", contractURL: SitePath.contract.path(id), monitorURL: MonitorPaths.contractMonitor.path(id),
                               rows: try await ReviewRows.rows(reviews, contractID: id, t, on: req.db),
                               canCreate: Permissions.allows(try req.user.role, .create, .riskReview), action: ResourceSitePaths.reviews.path(id),
                               departments: try await Self.departmentOptions(req.db, selected: nil),
                               risks: try await Risk.query(on: req.db).filter(\.$contract.$id == id).sort(\.$id).all().map {
                                   OptionView(value: $0.id!.uuidString.lowercased(), label: $0.summary, selected: false) },
                               banner: banner)
        page.list = list
        return try await WebView.render(req, "resources/reviews", title: "\(c.number) · \(t["res_reviews_title"])", page, status: status)
    }

    @Sendable func addReview(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .riskReview)
        let id = try req.pathID(entity: "contract")
        let body = FormBody(req)
        var json: [String: Any] = ["departments": body.all("departments"), "risk_ids": body.all("risk_ids")]
        for key in ["attendees", "risk_changes", "decisions"] { if let v = body.string(key), !v.isEmpty { json[key] = v } }
        if let at = body.string("held_at"), !at.isEmpty {
            // datetime-local: YYYY-MM-DDTHH:mm in Shanghai.
            json["held_at"] = at.count == 16 ? at + ":00+08:00" : at
        }
        do {
            let input: RiskReviewInput
            do { input = try JSONCoding.decoder.decode(RiskReviewInput.self, from: try JSONSerialization.data(withJSONObject: json)) } catch let e as DecodingError {
                throw AppError.invalid(fields: DecodingErrorFields.fields(for: e))
            }
            _ = try await Writes.find(Contract.self, id, on: req.db)
            let r = RiskReview()
            r.contractID = id
            r.recordedBy = try req.user.displayName
            let now = req.now
            _ = try await Writes.create(req.application, actor: req.actor, r, prepare: { db in
                try await input.apply(to: r, creating: true, now: now, db: db)
            })
        } catch let error as AppError where error.httpStatus == .unprocessableEntity {
            return try await renderReviews(req, id: id, banner: Self.banner(error, req.strings), status: .unprocessableEntity)
        }
        return WebView.redirect(req, to: ResourceSitePaths.reviews.path(id), notice: .saved)
    }

    // MARK: feeds

    @Sendable func feeds(req: Request) async throws -> Response {
        try await renderFeeds(req)
    }

    func renderFeeds(_ req: Request, newURL: String? = nil, banner: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        try Permissions.require(req, .read, .calendarFeed)
        let t = req.strings
        let user = try req.user
        let tokens = try await FeedToken.query(on: req.db).filter(\.$createdByID == user.requireID()).sort(\.$id).all()
        let names = Dictionary(try await Department.query(on: req.db).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let allowed = [.administrator, .manager].contains(user.role)
            ? try await Self.departmentOptions(req.db, selected: nil)
            : try await Self.departmentOptions(req.db, selected: nil).filter { $0.value == user.$department.id?.uuidString.lowercased() }
        let page = FeedsPage(rows: tokens.map { tk in
            FeedsPage.Row(label: tk.label ?? "—", scope: tk.scope == .user ? t["res_feed_mine"] : (tk.departmentID.flatMap { names[$0] } ?? ""),
                          created: t.time(tk.createdAt), revoked: tk.revokedAt.map { t.time($0) },
                          revokeURL: ResourceSitePaths.feedRevoke.path(tk.id!))
        }, newURL: newURL, action: ResourceSitePaths.feeds.path, departments: allowed, banner: banner)
        return try await WebView.render(req, "resources/feeds", title: t["res_feeds_title"], page, status: status)
    }

    @Sendable func createFeed(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .calendarFeed)
        let body = FormBody(req)
        let dept = body.string("department_id").flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }
        do {
            let created = try await FeedTokens.create(req, scope: dept == nil ? "user" : "department", departmentID: dept, label: body.string("label"))
            return try await renderFeeds(req, newURL: created.url, status: .created)
        } catch let error as AppError where [.unprocessableEntity, .forbidden].contains(error.httpStatus) {
            return try await renderFeeds(req, banner: Self.banner(error, req.strings), status: error.httpStatus)
        }
    }

    @Sendable func revokeFeed(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .calendarFeed)
        try await FeedTokens.revoke(req, id: try req.pathID(entity: "feed token"))
        return WebView.redirect(req, to: ResourceSitePaths.feeds.path, notice: .saved)
    }
}

/// Rows of the risk review table, shared by the reviews page and the contract's risk page.
enum ReviewRows {
    static func rows(contractID: UUID, _ t: Strings, on db: any Database) async throws -> [ReviewsPage.Row] {
        let reviews = try await RiskReview.query(on: db).filter(\.$contractID == contractID).sort(\.$heldAt, .descending).sort(\.$id).all()
        return try await rows(reviews, contractID: contractID, t, on: db)
    }

    static func rows(_ reviews: [RiskReview], contractID: UUID, _ t: Strings, on db: any Database) async throws -> [ReviewsPage.Row] {
        let names = Dictionary(try await Department.query(on: db).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let risks = Dictionary(try await Risk.query(on: db).filter(\.$contract.$id == contractID).all().map { ($0.id!, $0.summary) }, uniquingKeysWith: { a, _ in a })
        return reviews.map { r in
            ReviewsPage.Row(heldAt: t.time(r.heldAt), departments: r.departments.compactMap { names[$0] }.joined(separator: "、"),
                            attendees: r.attendees, risks: r.riskIDs.compactMap { risks[$0] }.joined(separator: "；"), changes: r.riskChanges ?? "",
                            decisions: r.decisions, recordedBy: r.recordedBy)
        }
    }
}
