import Fluent
import Foundation
import LvyueCore
import SQLKit
import Vapor

/// Calendar feeds (issue #10): what one user or one department owns, as iCalendar events.
///
/// - A user's feed: milestones, inspections and open escalations of the contracts the user owns, and the next
///   service deadline of each open service request assigned to the user.
/// - A department's feed: milestones the department is responsible for (its own, or its contracts' when a milestone
///   names none), inspections of its contracts, open escalations of its contracts or naming it, and the next service
///   deadline of open service requests assigned to it.
enum FeedService {
    /// Milestones and inspections from this long ago are still shown (older ones drop out of the feed).
    static let pastDays = 180
    static let futureDays = 730

    static func events(for token: FeedToken, now: Date, language: String, on db: any Database) async throws -> (name: String, events: [ICalendar.Event]) {
        let today = LocalDate(date: now, in: JSONCoding.displayTimeZone)
        let lo = today.adding(days: -pastDays).description, hi = today.adding(days: futureDays).description
        let en = language == "en"
        var name = "lvyue"
        var contracts: [Contract] = []
        var milestoneQuery: QueryBuilder<Milestone>
        var escalationFilter: (Escalation) -> Bool = { _ in true }
        let requestQuery = ServiceRequest.query(on: db).filter(\.$nextDueAt != nil).filter(\.$status !~ [.rejected, .closed, .resolved, .signedOff])
        switch token.scope {
        case .user:
            guard let uid = token.userID, let user = try await User.find(uid, on: db) else { return (name, []) }
            name = user.displayName
            contracts = try await Contract.query(on: db).filter(\.$owner.$id == uid).all()
            milestoneQuery = Milestone.query(on: db).filter(\.$contract.$id ~~ contracts.compactMap(\.id))
            requestQuery.filter(\.$engineerID == uid)
        case .department:
            guard let did = token.departmentID, let dept = try await Department.find(did, on: db) else { return (name, []) }
            name = dept.name
            contracts = try await Contract.query(on: db).filter(\.$department.$id == did).all()
            let own = contracts.compactMap(\.id)
            milestoneQuery = Milestone.query(on: db).group(.or) { or in
                or.filter(\.$department.$id == did)
                or.group(.and) { $0.filter(\.$department.$id == nil).filter(\.$contract.$id ~~ own) }
            }
            escalationFilter = { e in own.contains(e.$contract.id) || e.departments.contains(did) }
            requestQuery.filter(\.$departmentID == did)
        }
        let milestones = try await milestoneQuery.filter(\.$plannedOn >= lo).filter(\.$plannedOn <= hi).sort(\.$plannedOn).sort(\.$id).all()
        // Contracts of department milestones that belong to other departments' contracts.
        let missing = Set(milestones.map { $0.$contract.id }).subtracting(contracts.compactMap(\.id))
        if !missing.isEmpty { contracts += try await Contract.query(on: db).filter(\.$id ~~ Array(missing)).all() }
        let byID = Dictionary(contracts.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let ownContracts: [UUID] = token.scope == .user ? contracts.compactMap(\.id)
            : contracts.filter { $0.$department.id == token.departmentID }.compactMap(\.id)

        var events: [ICalendar.Event] = []
        for m in milestones {
            guard let c = byID[m.$contract.id] else { continue }
            let delay = m.delayDays(today: today)
            let state: String
            if m.actual != nil {
                state = delay > 0 ? (en ? "[done, \(delay) d late] " : "【已完成·延迟\(delay)天】") : (en ? "[done] " : "【已完成】")
            } else if delay > 0 {
                state = en ? "[late \(delay) d] " : "【已延迟\(delay)天】"
            } else {
                state = ""
            }
            events.append(.init(uid: "milestone-\(m.id!.uuidString.lowercased())@lvyue", start: .date(m.planned),
                                summary: state + (en ? "Milestone " : "节点 ") + "\(c.number) \(m.name)",
                                description: "\(c.number) \(c.title)" + (m.nextStep.map { "\n" + (en ? "Next step: " : "下一步：") + $0 } ?? ""),
                                url: SitePaths.contract(c.id!), categories: [en ? "Milestone" : "节点"],
                                status: m.actual != nil ? "CONFIRMED" : nil))
        }
        if !ownContracts.isEmpty {
            let inspections = try await Inspection.query(on: db).filter(\.$contractID ~~ ownContracts).filter(\.$status != .cancelled)
                .filter(\.$plannedOn >= lo).filter(\.$plannedOn <= hi).sort(\.$plannedOn).sort(\.$id).all()
            for i in inspections {
                guard let c = byID[i.contractID], let day = LocalDate(iso: i.plannedOn) else { continue }
                let done = i.status == .done
                events.append(.init(uid: "inspection-\(i.id!.uuidString.lowercased())@lvyue", start: .date(day),
                                    summary: (done ? (en ? "[done] " : "【已完成】") : "") + (en ? "Inspection " : "巡检 ") + "\(c.number) #\(i.sequence)",
                                    description: "\(c.number) \(c.title)", url: SitePaths.contract(c.id!),
                                    categories: [en ? "Inspection" : "巡检"], status: done ? "CONFIRMED" : nil))
            }
        }
        var escalations = try await Escalation.query(on: db).filter(\.$status ~~ [.open, .inProgress]).sort(\.$resolveBy).sort(\.$id).all()
        escalations = escalations.filter { token.scope == .user ? ownContracts.contains($0.$contract.id) : escalationFilter($0) }
        for e in escalations {
            let late = e.resolveBy < now
            let number = byID[e.$contract.id]?.number ?? ""
            events.append(.init(uid: "escalation-\(e.id!.uuidString.lowercased())@lvyue", start: .instant(e.resolveBy, minutes: 30),
                                summary: (late ? (en ? "[overdue] " : "【已超期】") : "") + (en ? "Resolve by: " : "处理期限：") + "\(e.number) \(number)",
                                description: e.summary, url: SitePaths.escalation(e.id!), categories: [en ? "Escalation" : "升级"]))
        }
        for r in try await requestQuery.sort(\.$nextDueAt).sort(\.$id).limit(1000).all() {
            guard let due = r.nextDueAt else { continue }
            let late = due < now
            events.append(.init(uid: "service-\(r.id!.uuidString.lowercased())@lvyue", start: .instant(due, minutes: 30),
                                summary: (late ? (en ? "[overdue] " : "【已超时】") : "") + (en ? "Service deadline: " : "服务时限：") + "\(r.number) \(r.title)",
                                description: r.summary, categories: [en ? "Service" : "服务"]))
        }
        return (name, events)
    }
}

/// `GET /feeds/{token}.ics` — no session: the secret in the URL is the credential. Unknown and revoked tokens are 404.
enum FeedController {
    @Sendable static func serve(req: Request) async throws -> Response {
        guard var raw = req.parameters.get("token") else { throw AppError.notFound(entity: "feed", id: "") }
        if raw.hasSuffix(".ics") { raw.removeLast(4) }
        guard !raw.isEmpty, raw.count <= 200,
              let token = try await FeedToken.query(on: req.db).filter(\.$tokenHash == TokenHash.of(raw)).first(), token.revokedAt == nil
        else { throw AppError.notFound(entity: "feed", id: "") }
        let lang = req.query[String.self, at: "lang"] == "en" ? "en" : "zh-CN"
        let now = req.now
        let feed = try await FeedService.events(for: token, now: now, language: lang, on: req.db)
        let base = req.application.config.baseURL.hasSuffix("/") ? String(req.application.config.baseURL.dropLast()) : req.application.config.baseURL
        let events = feed.events.map { e -> ICalendar.Event in
            var e = e
            if let u = e.url, u.hasPrefix("/") { e.url = base.isEmpty ? nil : base + u }
            return e
        }
        let body = ICalendar.calendar(name: "lvyue · \(feed.name)", events: events, stamp: now)
        let response = Response(status: .ok, body: .init(string: body))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "calendar", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=300")
        return response
    }
}
