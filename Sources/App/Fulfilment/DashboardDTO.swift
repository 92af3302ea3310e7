import Foundation
import LvyueCore
import Vapor

struct DashboardResponse: Content {
    struct Counts: Content {
        var contracts: Int
        var contractsMonitored: Int
        var milestones: Int
        var milestonesDone: Int
        var milestonesDoneLate: Int
        var milestonesDelayed: Int
        var milestonesInProgress: Int
        var milestonesNotStarted: Int
        var milestonesDue: Int
        /// Open milestones planned from today to 14 days ahead (the upcoming list's length).
        var milestonesUpcoming: Int
        /// Share of finished milestones finished on time, 0–100 (null when none finished).
        var onTimeRate: Double?
        /// Share of due milestones that are or were late, 0–100 (null when none due).
        var delayRate: Double?
        var paymentsOverdue: Int
        var risksFired: Int
        var alertsOpen: Int
        var alertsBreach: Int
        var escalationsOpen: Int
        var staleContracts: Int
    }

    struct ContractSummary: Content {
        var id: UUID
        var number: String
        var title: String
        var progress: Double
        var lateMilestones: Int
        var lastUpdateOn: String?
        var updateCadenceDays: Int
        var updateDueOn: String?
        var updateStale: Bool
        var summaryZh: String
        var summaryEn: String
    }

    struct LateMilestone: Content {
        var milestoneId: UUID
        var contractId: UUID
        var contractNumber: String
        var name: String
        var plannedOn: String
        var delayDays: Int
        var delayCause: String?
        var delayReason: String?
    }

    struct UpcomingMilestone: Content {
        var milestoneId: UUID
        var contractId: UUID
        var contractNumber: String
        var name: String
        var plannedOn: String
        var daysLeft: Int
        var progress: Int
    }

    struct OverduePayment: Content {
        var paymentId: UUID
        var contractId: UUID
        var contractNumber: String
        var name: String
        var dueOn: String
        var outstanding: String
        var overdueDays: Int
    }

    struct FiredRisk: Content {
        var riskId: UUID
        var contractId: UUID
        var contractNumber: String
        var description: String
        var score: Int
        var status: String
        var firedAt: Date?
        var reason: String?
        var messageKey: String?
        var messageParams: [String: String]?
    }

    struct OpenEscalation: Content {
        var id: UUID
        var number: String
        var contractId: UUID
        var contractNumber: String
        var level: Int
        var status: String
        var raisedAt: Date
        var resolveBy: Date
        var ageHours: Int
        var overdue: Bool
    }

    struct AgeBuckets: Content {
        var under1d: Int
        var from1to3d: Int
        var from3to7d: Int
        var over7d: Int
    }

    var today: String
    var generatedAt: Date
    var counts: Counts
    var contracts: [ContractSummary]
    var lateMilestones: [LateMilestone]
    var upcomingMilestones: [UpcomingMilestone]
    var overduePayments: [OverduePayment]
    var firedRisks: [FiredRisk]
    var openAlerts: [AlertResponse]
    var openEscalations: [OpenEscalation]
    var escalationsByAge: AgeBuckets
}

/// Filters of the portfolio dashboard: `customer_id`, `department_id`, `category`, `owner_id`.
struct DashboardFilter: Sendable {
    var customerID: UUID?
    var departmentID: UUID?
    var category: ContractCategory?
    var ownerID: UUID?

    init(customerID: UUID? = nil, departmentID: UUID? = nil, category: ContractCategory? = nil, ownerID: UUID? = nil) {
        self.customerID = customerID
        self.departmentID = departmentID
        self.category = category
        self.ownerID = ownerID
    }

    init(_ req: Request) throws {
        var check = FieldCheck()
        if let c = req.query[String.self, at: "category"], !c.isEmpty { category = check.oneOf(c, "category", ContractCategory.self) }
        try check.throwIfAny()
        customerID = try req.uuidQuery("customer_id")
        departmentID = try req.uuidQuery("department_id")
        ownerID = try req.uuidQuery("owner_id")
    }

    /// The filter as query parameters, for links that keep it.
    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let v = customerID { items.append(("customer_id", v.uuidString.lowercased())) }
        if let v = departmentID { items.append(("department_id", v.uuidString.lowercased())) }
        if let v = category { items.append(("category", v.rawValue)) }
        if let v = ownerID { items.append(("owner_id", v.uuidString.lowercased())) }
        return items
    }

    /// `path` with the filter's parameters.
    func link(_ path: String) -> String {
        ListQuery.link(path, queryItems.map { URLQueryItem(name: $0.0, value: $0.1) })
    }
}
