import Foundation
import LvyueCore
import Vapor

/// The quarterly fulfilment and service report (季度履约与服务分析报告, issue #7) as the API returns it. Every scalar is a
/// `Figure` with its previous-quarter value, the change and its written definition; tables carry counts with the
/// previous quarter's counts. Rates are percentages (0.1 precision) and null when nothing was counted.
struct QuarterlyReport: Content, Sendable {
    struct Filters: Content, Sendable, Equatable {
        var customerId: UUID?
        var departmentId: UUID?
        var category: ContractCategory?

        /// Canonical form, the key of a snapshot.
        var key: String {
            [customerId.map { "customer=\($0.uuidString.lowercased())" }, departmentId.map { "department=\($0.uuidString.lowercased())" },
             category.map { "category=\($0.rawValue)" }].compactMap { $0 }.joined(separator: "&")
        }
    }

    struct Snapshot: Content, Sendable {
        var frozenAt: Date
        var frozenBy: String
    }

    struct Figure: Content, Sendable {
        var key: String
        var section: String
        /// percent, count, days, hours, amount, score
        var unit: String
        var value: Double?
        var previous: Double?
        /// value − previous (percentage points for rates).
        var change: Double?
        /// For rates: what was counted (numerator / denominator) this quarter.
        var numerator: Int?
        var denominator: Int?
        var labelZh: String
        var labelEn: String
        var definitionZh: String
        var definitionEn: String
    }

    struct ParetoRow: Content, Sendable {
        var key: String
        var labelZh: String
        var labelEn: String
        var count: Int
        var share: Double
        var cumulativeShare: Double
        var previousCount: Int
    }

    struct Breakdown: Content, Sendable {
        /// type, urgency or channel.
        var dimension: String
        var key: String
        var labelZh: String
        var labelEn: String
        var count: Int
        var previous: Int
        var change: Int
    }

    struct Distribution: Content, Sendable {
        var dimension: String
        /// Ratings of 1, 2, 3, 4, 5.
        var counts: [Int]
    }

    struct Recurring: Content, Sendable {
        /// request_type (service requests of one type on one contract) or delay_cause (late milestones of one cause on one contract).
        var kind: String
        var key: String
        var labelZh: String
        var labelEn: String
        var contractId: UUID
        var contractNumber: String
        var contractTitle: String
        var count: Int
        var previous: Int
    }

    struct TrendPoint: Content, Sendable {
        var quarter: String
        var milestoneOnTimeRate: Double?
        var escalationResolutionRate: Double?
        var clockCompliance: Double?
        var satisfactionOverall: Double?
        var serviceRequests: Int
    }

    struct ActionRow: Content, Sendable {
        var id: UUID
        var quarter: String
        var figureKey: String?
        var finding: String
        var measure: String
        var status: ActionStatus
        var dueOn: String
        var overdue: Bool
        var ownerDepartment: String
        var ownerName: String?
        var effectReview: String?
        /// The linked figure in the action's quarter and in this report's quarter.
        var figureThen: Double?
        var figureNow: Double?
    }

    struct Note: Content, Sendable {
        var key: String
        var zh: String
        var en: String
    }

    var quarter: String
    var previousQuarter: String
    var periodStart: String
    var periodEnd: String
    var timezone: String
    var asOf: String
    var generatedAt: Date
    var filters: Filters
    var frozen: Bool
    var snapshot: Snapshot?
    var figures: [Figure]
    var delayCauses: [ParetoRow]
    var requestBreakdown: [Breakdown]
    var satisfactionDistribution: [Distribution]
    var recurringProblems: [Recurring]
    var trend: [TrendPoint]
    var actions: [ActionRow]
    /// Definitions of the tables (Pareto, breakdowns, distribution, recurring problems, trend, actions).
    var notes: [Note]

    func figure(_ key: String) -> Figure? { figures.first { $0.key == key } }
}
