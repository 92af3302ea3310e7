import Fluent
import Foundation
import LvyueCore

/// The forms of DESIGN.md §2 that can be exported, by the name the API and the CLI use.
enum ExportForm: String, CaseIterable, Sendable {
    /// The contracts themselves with their 模板1 and 模板2 rows: the workbook `lvyue import contracts` reads.
    case contracts
    case responsibilities, milestones, risks, escalations
    case serviceRequests = "service-requests"
    case satisfaction

    /// The list a form comes from: who may read that list may export it.
    var resource: Resource {
        switch self {
        case .contracts: .contract
        case .responsibilities: .responsibility
        case .milestones: .milestone
        case .risks: .risk
        case .escalations: .escalation
        case .serviceRequests, .satisfaction: .serviceRequest
        }
    }

    /// The standard's name of the form, used as sheet name and file name.
    var title: String {
        switch self {
        case .contracts: "合同"
        case .responsibilities: "模板1 合同履约责任分工表"
        case .milestones: "模板2 合同履约关键节点跟踪表"
        case .risks: "合同履约风险预判表"
        case .escalations: "模板3 合同履约问题升级处理表"
        case .serviceRequests: "模板4 后期服务需求处理记录表"
        case .satisfaction: "客户满意度评价表"
        }
    }

    /// The statuses the `status` filter accepts for this form (besides the list's own shorthands).
    var statusValues: [String] {
        switch self {
        case .contracts: ContractStatus.allCases.map(\.rawValue)
        case .responsibilities: ResponsibilityStatus.allCases.map(\.rawValue)
        case .milestones: MilestoneStatus.allCases.map(\.rawValue)
        case .risks: RiskStatus.allCases.map(\.rawValue)
        case .escalations: ["active"] + EscalationStatus.allCases.map(\.rawValue)
        case .serviceRequests, .satisfaction: ["open"] + RequestStatus.allCases.map(\.rawValue)
        }
    }
}

/// The filters of an export, the same for API (query string) and CLI (options): the filters of the list the form
/// comes from, plus a date range (`from`/`to` or `quarter`, in the company's time zone) on the form's own date —
/// 签订日期 for contracts, 完成时限 for 模板1, 计划完成时间 for 模板2, creation for risks, 上报时间 for 模板3, 受理时间 for 模板4,
/// the rating time for satisfaction.
struct ExportFilter: Sendable {
    var contractID: UUID?
    /// Set by the contracts workbook: its 模板1 and 模板2 sheets hold the rows of exactly the exported contracts.
    var contractIDs: [UUID]?
    var customerID: UUID?
    var departmentID: UUID?
    var category: ContractCategory?
    var status: String?
    var from: LocalDate?
    var to: LocalDate?
    // Escalations
    var level: Int?
    // Service requests and their ratings
    var urgency: Urgency?
    var type: RequestType?
    var engineerID: UUID?
    var breached: Bool?
    var text: String?

    static let keys: Set<String> = ["contract_id", "customer_id", "department_id", "category", "status", "from", "to", "quarter",
                                    "level", "urgency", "type", "engineer_id", "breached", "q"]

    init() {}

    /// Parses the filters; every bad one is reported at once (422 with `error.fields`).
    init(_ form: ExportForm, _ values: [String: String]) throws {
        var check = FieldCheck()
        func value(_ key: String) -> String? {
            guard let v = values[key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        func uuid(_ key: String) -> UUID? {
            guard let v = value(key) else { return nil }
            guard let id = UUID(uuidString: v) else { check.fail(key, "must be a UUID"); return nil }
            return id
        }
        contractID = uuid("contract_id")
        customerID = uuid("customer_id")
        departmentID = uuid("department_id")
        engineerID = uuid("engineer_id")
        if let c = value("category") { category = check.oneOf(c, "category", ContractCategory.self) }
        if let s = value("status") {
            if form.statusValues.contains(s) { status = s } else { check.fail("status", "must be one of: " + form.statusValues.joined(separator: ", ")) }
        }
        from = check.day(value("from"), "from")
        to = check.day(value("to"), "to")
        check.order(from, to, later: "to", than: "from")
        if let q = value("quarter") {
            if value("from") != nil || value("to") != nil {
                check.fail("quarter", "give either quarter or from/to, not both")
            } else if let range = ExportFilter.quarter(q) {
                (from, to) = range
            } else {
                check.fail("quarter", "must be a quarter such as 2026Q3")
            }
        }
        if let l = value("level") {
            if let n = Int(l), (1...3).contains(n) { level = n } else { check.fail("level", "must be 1, 2 or 3") }
        }
        if let u = value("urgency") { urgency = check.oneOf(u, "urgency", Urgency.self) }
        if let t = value("type") { type = check.oneOf(t, "type", RequestType.self) }
        if let b = value("breached") {
            if b == "true" { breached = true } else if b == "false" { breached = false } else { check.fail("breached", "must be true or false") }
        }
        if let q = value("q") {
            if q.count > 100 { check.fail("q", "must be at most 100 characters") } else { text = q }
        }
        // A filter that the form's list does not have is refused rather than silently ignored.
        let serviceOnly = ["urgency", "type", "engineer_id", "breached", "q"]
        if form != .serviceRequests && form != .satisfaction {
            // The contract list searches number and title with `q` too.
            for k in serviceOnly where value(k) != nil && !(form == .contracts && k == "q") {
                check.fail(k, "applies only to service-requests and satisfaction")
            }
        }
        if form != .escalations, value("level") != nil { check.fail("level", "applies only to escalations") }
        try check.throwIfAny()
    }

    /// "2026Q3" → 2026-07-01…2026-09-30.
    static func quarter(_ text: String) -> (LocalDate, LocalDate)? {
        let u = text.uppercased()
        guard u.count == 6, u.dropFirst(4).first == "Q", let year = Int(u.prefix(4)), let q = Int(u.suffix(1)), (1...4).contains(q),
              let start = LocalDate(year: year, month: (q - 1) * 3 + 1, day: 1) else { return nil }
        let next = q == 4 ? LocalDate(year: year + 1, month: 1, day: 1) : LocalDate(year: year, month: q * 3 + 1, day: 1)
        guard let next else { return nil }
        return (start, next.adding(days: -1))
    }

    /// The instants of the date range in `zone`: [from 00:00, the day after `to` 00:00).
    func instantRange(in zone: TimeZone) -> (Date?, Date?) {
        (from.map { $0.startOfDay(in: zone) }, to.map { $0.adding(days: 1).startOfDay(in: zone) })
    }
}
