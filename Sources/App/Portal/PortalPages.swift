import Fluent
import LvyueCore
import Vapor

/// `/portal`: the customer's contracts (read-only).
struct PortalHomePage: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        var url, number, title, status, statusKey, period, progress, progressClass: String
    }
    var customerName: String
    var rows: [Row]
    var isEmpty: Bool
    var passwordURL: String
    var requestsURL: String

    static func query(_ req: Request) async throws -> PortalHomePage {
        let user = try req.user
        let t = req.strings
        let customer: Customer? = if let id = user.customerID { try await Customer.find(id, on: req.db) } else { nil }
        let contracts = try await CustomerScope.contracts(for: user, on: req.db).sort(\.$number).limit(500).all()
        let ids = contracts.compactMap(\.id)
        let milestones = ids.isEmpty ? [] : try await Milestone.query(on: req.db).filter(\.$contract.$id ~~ ids).all()
        let byContract = Dictionary(grouping: milestones, by: { $0.$contract.id })
        let rows = contracts.map { c -> Row in
            let pct = Fulfilment.weightedProgress((byContract[c.id!] ?? []).map { ($0.weight, $0.progress, $0.actualOn != nil) })
            return Row(url: PortalPaths.contract.path(c.id!), number: c.number, title: c.title, status: t.label("contract_status", c.status),
                       statusKey: c.status.rawValue, period: "\(t.day(c.startsOn)) – \(t.day(c.endsOn))",
                       progress: t.percent(pct), progressClass: Display.widthClass(pct))
        }
        return PortalHomePage(customerName: customer?.name ?? "", rows: rows, isEmpty: rows.isEmpty,
                              passwordURL: AccountPaths.password.path, requestsURL: PortalServicePaths.requests.path)
    }
}

/// `/portal/contracts/:id`: one of the customer's contracts, its milestones and the files on them.
struct PortalContractPage: Encodable, Sendable {
    struct MilestoneRow: Encodable, Sendable {
        var name, plannedOn, actualOn, status, statusKey, progress, progressClass: String
        var files: [FileRow]
    }
    struct FileRow: Encodable, Sendable {
        var name, url, size: String
    }
    var backURL: String
    var number, title, status, statusKey, startsOn, endsOn, signedOn: String
    var milestones: [MilestoneRow]
    var hasMilestones: Bool
    var requestsURL: String
    /// The contract's service plans (warranty period) with their start notices (后期服务启动通知).
    var plans: [PlanRow]
    struct PlanRow: Encodable, Sendable { var warrantyStart, warrantyEnd, contactName, noticeURL: String }

    static func query(_ req: Request, id: UUID) async throws -> PortalContractPage {
        let t = req.strings
        let contract = try await CustomerScope.contract(req, id: id)
        let today = LocalDate(date: req.now, in: JSONCoding.displayTimeZone)
        let ms = try await Milestone.query(on: req.db).filter(\.$contract.$id == id).sort(\.$sequence).sort(\.$plannedOn).all()
        let files = try await Attachment.query(on: req.db).filter(\.$contractID == id).filter(\.$parentType == .milestone)
            .sort(\.$createdAt).all()
        let filesBy = Dictionary(grouping: files, by: \.parentID)
        let rows = ms.map { m -> MilestoneRow in
            let status = m.status(today: today)
            let progress = Double(m.actualOn != nil ? 100 : m.progress)
            return MilestoneRow(name: m.name, plannedOn: t.day(m.plannedOn), actualOn: t.day(m.actualOn), status: t.label("milestone_status", status),
                                statusKey: status.rawValue, progress: t.percent(progress), progressClass: Display.widthClass(progress),
                                files: (filesBy[m.id!] ?? []).map { FileRow(name: $0.filename, url: PortalPaths.attachment.path($0.id!), size: ByteSize.text($0.size)) })
        }
        let plans = try await ServicePlan.query(on: req.db).filter(\.$contractID == id).sort(\.$warrantyStart).all().map {
            PlanRow(warrantyStart: $0.warrantyStart, warrantyEnd: $0.warrantyEnd, contactName: $0.contactName,
                    noticeURL: PortalPaths.notice.path($0.id!))
        }
        return PortalContractPage(backURL: PortalPaths.home.path, number: contract.number, title: contract.title,
                                  status: t.label("contract_status", contract.status), statusKey: contract.status.rawValue,
                                  startsOn: t.day(contract.startsOn), endsOn: t.day(contract.endsOn), signedOn: t.day(contract.signedOn),
                                  milestones: rows, hasMilestones: !rows.isEmpty, requestsURL: PortalServicePaths.requests.path,
                                  plans: plans)
    }
}

enum ByteSize {
    static func text(_ n: Int) -> String {
        if n >= 1024 * 1024 { return String(format: "%.1f MB", Double(n) / 1048576) }
        if n >= 1024 { return "\(n / 1024) KB" }
        return "\(n) B"
    }
}

/// The customer portal. Every query goes through `CustomerScope`. The after-sales service pages are in
/// `PortalServiceController`.
struct PortalWebController {
    func register(on routes: any RoutesBuilder) {
        routes.get(PortalPaths.home, use: home)
        routes.get(PortalPaths.contract, use: contract)
        routes.get(PortalPaths.attachment, use: attachment)
        routes.get(PortalPaths.notice, use: notice)
        PortalServiceController().register(on: routes)
    }

    @Sendable func home(req: Request) async throws -> Response {
        try await WebView.render(req, "portal/home", title: req.strings["portal_title"], try await PortalHomePage.query(req))
    }

    @Sendable func contract(req: Request) async throws -> Response {
        let page = try await PortalContractPage.query(req, id: try req.pathID(entity: "contract"))
        return try await WebView.render(req, "portal/contract", title: page.number, page)
    }

    /// The start notice of a plan on one of the customer's own contracts; any other plan is 404 (and logged).
    @Sendable func notice(req: Request) async throws -> Response {
        let id = try req.pathID(entity: "service_plan")
        guard let plan = try await ServicePlan.find(id, on: req.db) else {
            req.storage[HiddenDenialKey.self] = true
            throw AppError.notFound(entity: "service_plan", id: id.uuidString)
        }
        _ = try await CustomerScope.contract(req, id: plan.contractID)
        return try await NoticePage.render(req, planID: id)
    }

    /// A file on one of the customer's own milestones or service requests; anything else is 404 (and logged).
    @Sendable func attachment(req: Request) async throws -> Response {
        let id = try req.pathID(entity: "attachment")
        guard let a = try await Attachment.find(id, on: req.db), a.parentType != .escalation else {
            req.storage[HiddenDenialKey.self] = true
            throw AppError.notFound(entity: "attachment", id: id.uuidString)
        }
        switch a.parentType {
        case .serviceRequest: _ = try await CustomerScope.serviceRequest(req, id: a.parentID)
        default:
            guard let contractID = a.contractID else {
                req.storage[HiddenDenialKey.self] = true
                throw AppError.notFound(entity: "attachment", id: id.uuidString)
            }
            _ = try await CustomerScope.contract(req, id: contractID)
        }
        return try AttachmentService.download(req, a)
    }
}
