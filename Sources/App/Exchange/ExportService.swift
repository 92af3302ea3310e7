import Fluent
import NIOConcurrencyHelpers
import Foundation
import LvyueCore

/// Writes the sheet of one form (DESIGN.md §2): its Chinese header row and one typed row per record, filtered like
/// the list it comes from. Records are read a page at a time, with their names looked up per page, and each page's
/// cells go straight to the file's writer, so an export holds one page and not the sheet or the models behind it.
enum ExportService {
    /// Records read (and rows written) at a time; a task-local so a test can export a few records in several pages.
    @TaskLocal static var pageSize = 500

    /// Where a page of rows goes: the file's writer.
    typealias Rows = ([[XlsxCell]]) throws -> Void

    /// Writes the form's sheet into `writer`: its header row, then its rows a page at a time as they are read.
    static func writeSheet(_ form: ExportForm, _ filter: ExportFilter, to writer: any SheetWriter, on db: any Database, now: Date,
                           zone: TimeZone = JSONCoding.displayTimeZone) async throws {
        var names = try await Names.load(on: db)
        try writer.beginSheet(form.title, columns: ExportColumns.of(form), freezeHeader: true)
        let emit: Rows = { try writer.append($0) }
        switch form {
        case .contracts: try await contracts(filter, on: db, names: &names, emit)
        case .responsibilities: try await responsibilities(filter, on: db, names: &names, emit)
        case .milestones: try await milestones(filter, on: db, names: &names, today: LocalDate(date: now, in: zone), emit)
        case .risks: try await risks(filter, on: db, names: &names, zone: zone, emit)
        case .escalations: try await escalations(filter, on: db, names: &names, zone: zone, emit)
        case .serviceRequests: try await serviceRequests(filter, on: db, names: &names, zone: zone, emit)
        case .satisfaction: try await satisfaction(filter, on: db, names: &names, zone: zone, emit)
        }
    }

    // MARK: - Contracts

    static func contractQuery(_ f: ExportFilter, on db: any Database) -> QueryBuilder<Contract> {
        let q = Contract.query(on: db)
        if let c = f.contractID { q.filter(\.$id == c) }
        if let c = f.customerID { q.filter(\.$customer.$id == c) }
        if let c = f.category { q.filter(\.$category == c) }
        if let d = f.departmentID { q.filter(\.$department.$id == d) }
        if let s = f.status, let st = ContractStatus(rawValue: s) { q.filter(\.$status == st) }
        if let from = f.from { q.filter(\.$signedOn >= from.description) }
        if let to = f.to { q.filter(\.$signedOn <= to.description) }
        if let text = f.text { q.group(.or) { $0.filter(\.$number ~~ text).filter(\.$title ~~ text) } }
        return q
    }

    static func contracts(_ f: ExportFilter, on db: any Database, names: inout Names,
                         _ emit: Rows) async throws {
        let q = contractQuery(f, on: db)
        q.sort(\.$number).sort(\.$id)
        try await paged(q) { page in
            var out: [[XlsxCell]] = []
            for c in page {
                out.append([
                    .text(c.number),
                    .text(c.title),
                    .text(names.customer(c.$customer.id)),
                    .text(Labels.zh("contract_category", c.category)),
                    .decimal(Money(minorUnits: c.amountMinor).description),
                    .text(c.currency),
                    date(c.signedOn), date(c.startsOn), date(c.endsOn),
                    .text(Labels.zh("contract_status", c.status)),
                    c.$owner.id.map { .text(names.user($0)) } ?? .empty,
                    c.$department.id.map { .text(names.department($0)) } ?? .empty,
                    .integer(c.updateCadenceDays),
                    text(c.summary),
                ])
            }
            try emit(out)
        }
    }

    // MARK: - 模板1

    static func responsibilities(_ f: ExportFilter, on db: any Database, names: inout Names,
                         _ emit: Rows) async throws {
        let q = Responsibility.query(on: db).join(Contract.self, on: \Responsibility.$contract.$id == \Contract.$id)
        contractFilters(q, f)
        if let d = f.departmentID { q.filter(\.$department.$id == d) }
        if let s = f.status, let st = ResponsibilityStatus(rawValue: s) { q.filter(\.$status == st) }
        if let from = f.from { q.filter(\.$dueOn >= from.description) }
        if let to = f.to { q.filter(\.$dueOn <= to.description) }
        q.sort(Contract.self, \.$number).sort(\.$id)
        try await paged(q) { page in
            var out: [[XlsxCell]] = []
            let clauseIDs = Set(page.compactMap { $0.$clause.id })
            let clauses = clauseIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Clause.query(on: db)
                .filter(\.$id ~~ Array(clauseIDs)).all().map { ($0.id!, $0) })
            for r in page {
                let contract = try r.joined(Contract.self)
                let clause = r.$clause.id.flatMap { clauses[$0] }
                out.append([
                    .text(contract.number),
                    clause.map { .text(Labels.zh("clause_category", $0.category)) } ?? .empty,
                    clause.map { .text($0.text) } ?? .empty,
                    .text(names.department(r.$department.id)),
                    r.$owner.id.map { .text(names.user($0)) } ?? .empty,
                    .text(r.duty),
                    date(r.dueOn),
                    r.collaborators.isEmpty ? .empty : .text(r.collaborators.map { names.department($0) }.sorted().joined(separator: "、")),
                    .text(Labels.zh("responsibility_status", r.status)),
                ])
            }
            try emit(out)
        }
    }

    // MARK: - 模板2

    static func milestones(_ f: ExportFilter, on db: any Database, names: inout Names, today: LocalDate,
                         _ emit: Rows) async throws {
        let q = Milestone.query(on: db).join(Contract.self, on: \Milestone.$contract.$id == \Contract.$id)
        contractFilters(q, f)
        if let d = f.departmentID { q.filter(\.$department.$id == d) }
        if let s = f.status, let st = MilestoneStatus(rawValue: s) {
            // The status is derived (Fulfilment.status); the same rule as SQL conditions.
            switch st {
            case .done: q.filter(\.$actualOn != nil)
            case .delayed: q.filter(\.$actualOn == nil).filter(\.$plannedOn < today.description)
            case .inProgress: q.filter(\.$actualOn == nil).filter(\.$plannedOn >= today.description).filter(\.$progress > 0)
            case .notStarted: q.filter(\.$actualOn == nil).filter(\.$plannedOn >= today.description).filter(\.$progress <= 0)
            }
        }
        if let from = f.from { q.filter(\.$plannedOn >= from.description) }
        if let to = f.to { q.filter(\.$plannedOn <= to.description) }
        q.sort(Contract.self, \.$number).sort(\.$sequence).sort(\.$id)
        try await paged(q) { page in
            var out: [[XlsxCell]] = []
            for m in page {
                let contract = try m.joined(Contract.self)
                out.append([
                    .text(contract.number),
                    .text(m.name),
                    .number(m.weight),
                    .date(m.planned),
                    m.actual.map { .date($0) } ?? .empty,
                    .text(MilestoneStatusText.format(m.status(today: today), progress: m.progress)),
                    .integer(m.delayDays(today: today)),
                    m.delayCause.map { .text(Labels.zh("delay_cause", $0)) } ?? .empty,
                    text(m.delayReason),
                    text(m.nextStep),
                    m.$department.id.map { .text(names.department($0)) } ?? .empty,
                    m.updatedAt.map { .dateTime($0) } ?? .empty,
                ])
            }
            try emit(out)
        }
    }

    // MARK: - 风险预判表

    static func risks(_ f: ExportFilter, on db: any Database, names: inout Names, zone: TimeZone,
                         _ emit: Rows) async throws {
        let q = Risk.query(on: db).join(Contract.self, on: \Risk.$contract.$id == \Contract.$id)
        contractFilters(q, f)
        if let d = f.departmentID { q.filter(Contract.self, \.$department.$id == d) }
        if let s = f.status, let st = RiskStatus(rawValue: s) { q.filter(\.$status == st) }
        let (from, to) = f.instantRange(in: zone)
        if let from { q.filter(\.$createdAt >= from) }
        if let to { q.filter(\.$createdAt < to) }
        q.sort(Contract.self, \.$number).sort(\.$id)
        try await paged(q) { page in
            var out: [[XlsxCell]] = []
            let milestoneIDs = Set(page.compactMap(\.triggerMilestoneID))
            let milestoneNames = milestoneIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Milestone.query(on: db)
                .filter(\.$id ~~ Array(milestoneIDs)).all().map { ($0.id!, $0.name) })
            for r in page {
                let contract = try r.joined(Contract.self)
                out.append([
                    .text(contract.number),
                    .text(r.summary),
                    .text(Labels.zh("mon_risk_category", r.category)),
                    .integer(r.likelihood),
                    .integer(r.impact),
                    .text(RiskTriggerText.describe(r, milestoneName: r.triggerMilestoneID.flatMap { milestoneNames[$0] })),
                    text(r.mitigation),
                    r.$owner.id.map { .text(names.user($0)) } ?? .empty,
                    .text(Labels.zh("mon_risk_status", r.status)),
                ])
            }
            try emit(out)
        }
    }

    // MARK: - 模板3

    static func escalations(_ f: ExportFilter, on db: any Database, names: inout Names, zone: TimeZone,
                         _ emit: Rows) async throws {
        let q = Escalation.query(on: db).join(Contract.self, on: \Escalation.$contract.$id == \Contract.$id)
        contractFilters(q, f)
        if let d = f.departmentID { q.filter(Contract.self, \.$department.$id == d) }
        if let s = f.status {
            if s == "active" { q.filter(\.$status ~~ [.open, .inProgress]) } else if let st = EscalationStatus(rawValue: s) { q.filter(\.$status == st) }
        }
        if let level = f.level { q.filter(\.$level == level) }
        let (from, to) = f.instantRange(in: zone)
        if let from { q.filter(\.$raisedAt >= from) }
        if let to { q.filter(\.$raisedAt < to) }
        q.sort(\.$number).sort(\.$id)
        try await paged(q) { page in
            var out: [[XlsxCell]] = []
            for e in page {
                let contract = try e.joined(Contract.self)
                out.append([
                    .text(e.number),
                    .text(contract.number),
                    .dateTime(e.detectedAt),
                    .dateTime(e.raisedAt),
                    .text(e.summary),
                    text(e.impact),
                    text(e.initialFix),
                    .integer(e.level),
                    e.departments.isEmpty ? .empty : .text(e.departments.map { names.department($0) }.sorted().joined(separator: "、")),
                    .dateTime(e.resolveBy),
                    text(e.resolution),
                    e.closedAt.map { .dateTime($0) } ?? .empty,
                    .text(Labels.zh("mon_escalation_status", e.status)),
                ])
            }
            try emit(out)
        }
    }

    // MARK: - 模板4 and 客户满意度评价表

    static func requestQuery(_ f: ExportFilter, on db: any Database) -> QueryBuilder<ServiceRequest> {
        var filter = ServiceRequestFilter()
        filter.status = f.status
        filter.urgency = f.urgency
        filter.type = f.type
        filter.customerID = f.customerID
        filter.contractID = f.contractID
        filter.engineerID = f.engineerID
        filter.breached = f.breached
        filter.q = f.text
        let q = filter.apply(ServiceRequest.query(on: db))
        if let d = f.departmentID { q.filter(\.$departmentID == d) }
        if let c = f.category {
            q.join(Contract.self, on: \ServiceRequest.$contractID == \Contract.$id).filter(Contract.self, \.$category == c)
        }
        return q
    }

    /// The columns of one request that 模板4 shows, read without building the model (a quarter at scale L is some
    /// 40 000 requests: the model's reflection per row, not SQLite, was most of the export's time).
    struct RequestRow: Sendable {
        var id: UUID, number: String, customerID: UUID, contractID: UUID?
        var channel: ServiceChannel, type: RequestType, urgency: Urgency, receivedAt: Date
        var confirmedAt: Date?, respondedAt: Date?, remoteAt: Date?, onsiteAt: Date?, resolvedAt: Date?
        var engineerName: String?, solution: String?, signedBy: String?, signedAt: Date?

        init(_ o: any DatabaseOutput) throws {
            let r = o.qualifiedSchema(space: nil, ServiceRequest.schema)
            id = try r.decode("id", as: UUID.self)
            number = try r.decode("number", as: String.self)
            customerID = try r.decode("customer_id", as: UUID.self)
            contractID = try r.decode("contract_id", as: UUID?.self)
            channel = try r.decode("channel", as: ServiceChannel.self)
            type = try r.decode("type", as: RequestType.self)
            urgency = try r.decode("urgency", as: Urgency.self)
            receivedAt = try r.decode("received_at", as: Date.self)
            confirmedAt = try r.decode("confirmed_at", as: Date?.self)
            respondedAt = try r.decode("responded_at", as: Date?.self)
            remoteAt = try r.decode("remote_at", as: Date?.self)
            onsiteAt = try r.decode("onsite_at", as: Date?.self)
            resolvedAt = try r.decode("resolved_at", as: Date?.self)
            engineerName = try r.decode("engineer_name", as: String?.self)
            solution = try r.decode("solution", as: String?.self)
            signedBy = try r.decode("signed_by", as: String?.self)
            signedAt = try r.decode("signed_at", as: Date?.self)
        }
    }

    static func serviceRequests(_ f: ExportFilter, on db: any Database, names: inout Names, zone: TimeZone,
                                _ emit: Rows) async throws {
        let q = requestQuery(f, on: db)
        let (from, to) = f.instantRange(in: zone)
        if let from { q.filter(\.$receivedAt >= from) }
        if let to { q.filter(\.$receivedAt < to) }
        // The matching ids in order (one narrow sorted read, 16 bytes a request), then the shown columns of a page of
        // them at a time, read without models. Pages after the last number instead would each scan and sort what is
        // left of the quarter again: a second of SQLite per 40 000 rows.
        let order = q.copy().field(\.$id).sort(\.$number).sort(\.$id)
        let ids = try await collect(order) { try $0.qualifiedSchema(space: nil, ServiceRequest.schema).decode("id", as: UUID.self) }
        let progress = ProgressReporter.current
        progress?.expect(ids.count)
        var start = 0
        while start < ids.count {
            let pageIDs = Array(ids[start..<min(ids.count, start + pageSize)])
            start += pageIDs.count
            let page = ServiceRequest.query(on: db).filter(\.$id ~~ pageIDs)
                .field(\.$id).field(\.$number).field(\.$customerID).field(\.$contractID).field(\.$channel).field(\.$type)
                .field(\.$urgency).field(\.$receivedAt).field(\.$confirmedAt).field(\.$respondedAt).field(\.$remoteAt)
                .field(\.$onsiteAt).field(\.$resolvedAt).field(\.$engineerName).field(\.$solution).field(\.$signedBy).field(\.$signedAt)
                .sort(\.$number).sort(\.$id)
            try await serviceRequestPage(try await collect(page, RequestRow.init), on: db, names: &names, emit)
            try await progress?.advance(pageIDs.count)
        }
    }

    /// The rows of a query, decoded as they come from the database (no models).
    static func collect<M: Model, T: Sendable>(_ q: QueryBuilder<M>, _ decode: @escaping @Sendable (any DatabaseOutput) throws -> T) async throws -> [T] {
        let collected = NIOLockedValueBox<(rows: [T], error: (any Error)?)>(([], nil))
        try await q.run { output in
            collected.withLockedValue { box in
                guard box.error == nil else { return }
                do { box.rows.append(try decode(output)) } catch { box.error = error }
            }
        }
        let (rows, failure) = collected.withLockedValue { ($0.rows, $0.error) }
        if let failure { throw failure }
        return rows
    }

    /// 模板4's cells for one page of requests, with the page's ratings, first follow-ups and objections.
    static func serviceRequestPage(_ page: [RequestRow], on db: any Database, names: inout Names, _ emit: Rows) async throws {
        let ids = page.map(\.id)
        let ratings = Dictionary(try await ServiceRating.query(on: db).filter(\.$requestID ~~ ids).all().map { ($0.requestID, $0) },
                                 uniquingKeysWith: { a, b in a.ratedAt >= b.ratedAt ? a : b })
        var followUps: [UUID: Date] = [:]
        for fu in try await FollowUp.query(on: db).filter(\.$requestID ~~ ids).all() {
            followUps[fu.requestID] = min(followUps[fu.requestID] ?? fu.calledAt, fu.calledAt)
        }
        var objections: [UUID: [Objection]] = [:]
        for o in try await Objection.query(on: db).filter(\.$requestID ~~ ids).sort(\.$raisedAt).sort(\.$id).all() {
            objections[o.requestID, default: []].append(o)
        }
        try await names.loadContracts(Set(page.compactMap(\.contractID)), on: db)
        var out: [[XlsxCell]] = []
        out.reserveCapacity(page.count)
        for r in page {
            let rating = ratings[r.id]
            out.append([
                .text(r.number),
                .text(names.customer(r.customerID)),
                r.contractID.map { .text(names.contractNumber($0)) } ?? .empty,
                .text(Labels.zh("svc_channel", r.channel)),
                .text(Labels.zh("svc_type", r.type)),
                .text(Labels.zh("svc_urgency", r.urgency)),
                .dateTime(r.receivedAt),
                instant(r.confirmedAt), instant(r.respondedAt), instant(r.remoteAt), instant(r.onsiteAt), instant(r.resolvedAt),
                text(r.engineerName),
                text(r.solution),
                text(r.signedBy),
                instant(r.signedAt),
                rating.map { .integer($0.speed) } ?? .empty,
                rating.map { .integer($0.solving) } ?? .empty,
                rating.map { .integer($0.attitude) } ?? .empty,
                rating.map { .integer($0.professionalism) } ?? .empty,
                instant(followUps[r.id]),
                objections[r.id].map { .text(objectionText($0)) } ?? .empty,
            ])
        }
        try emit(out)
    }

    static func satisfaction(_ f: ExportFilter, on db: any Database, names: inout Names, zone: TimeZone,
                         _ emit: Rows) async throws {
        let q = requestQuery(f, on: db)
        q.join(ServiceRating.self, on: \ServiceRequest.$id == \ServiceRating.$requestID)
        let (from, to) = f.instantRange(in: zone)
        if let from { q.filter(ServiceRating.self, \.$ratedAt >= from) }
        if let to { q.filter(ServiceRating.self, \.$ratedAt < to) }
        q.sort(\.$number).sort(ServiceRating.self, \.$ratedAt).sort(ServiceRating.self, \.$id)
        try await paged(q) { page in
            var out: [[XlsxCell]] = []
            try await names.loadContracts(Set(page.compactMap(\.contractID)), on: db)
            for r in page {
                let rating = try r.joined(ServiceRating.self)
                out.append([
                    .text(r.number),
                    .text(names.customer(r.customerID)),
                    r.contractID.map { .text(names.contractNumber($0)) } ?? .empty,
                    .dateTime(rating.ratedAt),
                    .integer(rating.speed),
                    .integer(rating.solving),
                    .integer(rating.attitude),
                    .integer(rating.professionalism),
                    text(rating.comment),
                ])
            }
            try emit(out)
        }
    }

    /// "异议：…；处理：…" for each objection, one per line.
    static func objectionText(_ list: [Objection]) -> String {
        list.map { o in
            var s = "异议：" + o.summary
            if let r = o.resolution, !r.isEmpty { s += "；处理：" + r }
            return s
        }.joined(separator: "\n")
    }

    // MARK: - Plumbing

    /// Filters on the contract a row belongs to (the row's query has `Contract` joined).
    static func contractFilters<M: Model>(_ q: QueryBuilder<M>, _ f: ExportFilter) {
        if let c = f.contractID { q.filter(Contract.self, \.$id == c) }
        if let ids = f.contractIDs { q.filter(Contract.self, \.$id ~~ ids) }
        if let c = f.customerID { q.filter(Contract.self, \.$customer.$id == c) }
        if let c = f.category { q.filter(Contract.self, \.$category == c) }
    }

    /// Runs the sorted query a page at a time.
    /// A job or a terminal listening (`ProgressReporter.current`) hears of the rows to come and of each page done.
    static func paged<M: Model>(_ q: QueryBuilder<M>, _ body: ([M]) async throws -> Void) async throws {
        let progress = ProgressReporter.current
        if let progress { progress.expect(try await q.copy().count()) }
        var offset = 0
        while true {
            let page = try await q.copy().range(offset..<(offset + pageSize)).all()
            if !page.isEmpty { try await body(page) }
            try await progress?.advance(page.count)
            if page.count < pageSize { return }
            offset += pageSize
        }
    }

    static func text(_ s: String?) -> XlsxCell {
        guard let s, !s.isEmpty else { return .empty }
        return .text(s)
    }

    static func date(_ s: String?) -> XlsxCell {
        guard let s, let d = LocalDate(iso: s) else { return .empty }
        return .date(d)
    }

    static func instant(_ d: Date?) -> XlsxCell {
        d.map { .dateTime($0) } ?? .empty
    }
}

/// Names shown in place of ids: departments, users and customers (small tables, read once), contracts as needed.
struct Names {
    var departments: [UUID: String]
    var users: [UUID: String]
    var customers: [UUID: String]
    var contracts: [UUID: String] = [:]

    static func load(on db: any Database) async throws -> Names {
        let d = try await Department.query(on: db).all()
        let u = try await User.query(on: db).all()
        let c = try await Customer.query(on: db).all()
        return Names(departments: Dictionary(uniqueKeysWithValues: d.map { ($0.id!, $0.name) }),
                     users: Dictionary(uniqueKeysWithValues: u.map { ($0.id!, $0.displayName) }),
                     customers: Dictionary(uniqueKeysWithValues: c.map { ($0.id!, $0.name) }))
    }

    mutating func loadContracts(_ ids: Set<UUID>, on db: any Database) async throws {
        let missing = ids.filter { contracts[$0] == nil }
        guard !missing.isEmpty else { return }
        for c in try await Contract.query(on: db).filter(\.$id ~~ Array(missing)).all() { contracts[c.id!] = c.number }
    }

    func department(_ id: UUID) -> String { departments[id] ?? id.uuidString }
    func user(_ id: UUID) -> String { users[id] ?? id.uuidString }
    func customer(_ id: UUID) -> String { customers[id] ?? id.uuidString }
    func contractNumber(_ id: UUID) -> String { contracts[id] ?? id.uuidString }
}

/// The exports speak the standard's language: enum values as their zh-CN labels.
enum Labels {
    static func zh<E: RawRepresentable>(_ prefix: String, _ value: E) -> String where E.RawValue == String {
        Localization.shared.tables[.zhCN]?["\(prefix).\(value.rawValue)"] ?? value.rawValue
    }

    /// The value whose zh-CN label (or raw value) is `text`.
    static func parse<E: RawRepresentable & CaseIterable>(_ prefix: String, _ text: String, as: E.Type) -> E? where E.RawValue == String {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let e = E(rawValue: t) { return e }
        return E.allCases.first { zh(prefix, $0) == t }
    }
}

/// 模板2's 状态 column: the status label, with the recorded percentage for an open milestone that has started
/// ("进行中 60%"), so a re-imported plan keeps its progress.
enum MilestoneStatusText {
    static func format(_ status: MilestoneStatus, progress: Int) -> String {
        let label = Labels.zh("milestone_status", status)
        if status != .done, progress > 0 { return "\(label) \(min(progress, 100))%" }
        return label
    }

    /// Parses what `format` writes; nil when the text is neither a label nor a label with a percentage.
    static func parse(_ text: String) -> (MilestoneStatus, Int?)? {
        let t = text.trimmingCharacters(in: .whitespaces)
        var label = t
        var percent: Int?
        if t.hasSuffix("%"), let space = t.lastIndex(of: " ") {
            guard let n = Int(t[t.index(after: space)..<t.index(before: t.endIndex)]), (0...100).contains(n) else { return nil }
            percent = n
            label = String(t[..<space])
        }
        guard let status = Labels.parse("milestone_status", label, as: MilestoneStatus.self) else { return nil }
        return (status, percent)
    }
}

/// 风险预判表's 触发条件: the machine trigger in words.
enum RiskTriggerText {
    static func describe(_ r: Risk, milestoneName: String?) -> String {
        let target = milestoneName.map { "节点「\($0)」" } ?? "任一节点"
        switch r.triggerKind {
        case .milestoneLate: return "\(target)延迟 ≥ \(r.triggerDays ?? 1) 天"
        case .forecastLate: return "预计完工晚于计划完工"
        case .paymentOverdue: return "付款节点逾期 ≥ \(r.triggerDays ?? 1) 天"
        case .qualityFailed: return "\(target)质量检验不合格"
        case .updateStale: return r.triggerDays.map { "超过 \($0) 天未更新进度" } ?? "超过更新周期未更新进度"
        case .slaBreachRate: return "服务时限违约率 > \(r.triggerPercent.map { XlsxWorkbook.formatNumber($0) } ?? "0")%"
        case .materialLate: return "\(milestoneName.map { "节点「\($0)」的" } ?? "")物资晚于需用日期 ≥ \(r.triggerDays ?? 1) 天到货"
        case .departmentOverload: return "所依赖部门某周超负荷 ≥ \(r.triggerPercent.map { XlsxWorkbook.formatNumber($0) } ?? "0")%"
        case .fundsUnapproved: return "资金在需用日期前 \(r.triggerDays ?? 0) 天仍未批准"
        case .manual: return "人工判定"
        }
    }
}
